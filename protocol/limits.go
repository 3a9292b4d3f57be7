package protocol

import "math"

// Limits every decoder applies before allocating.
const (
	// MaxClientMessage is the largest message a client may send, in bytes.
	// The server's WebSocket read limit; a larger one is closed with 1009.
	MaxClientMessage = 512
	// MaxPseudonymBytes bounds the raw pseudonym of HELLO, before
	// normalisation, and a pseudonym in a server message. Generous: white
	// space is collapsed and decomposed letters are composed before the
	// server counts the 3 to 20 characters (a Korean name typed as jamo
	// takes 9 bytes a syllable), so a longer raw input may still be a valid
	// pseudonym, and one that is not gets a French reason (4010) rather
	// than a malformed HELLO.
	MaxPseudonymBytes = 400
	// MaxTokenBytes bounds a resume token.
	MaxTokenBytes = 64
	// MaxIDBytes bounds a hotspot id.
	MaxIDBytes = 32
	// MaxClientFields bounds the elements of a client message array, its
	// type code included: room for the fields later versions append (they
	// are skipped). More is malformed.
	MaxClientFields = 16
	// MaxType is the largest type code: a well-formed message with an
	// unknown code up to it is reported (ERROR unknown_type) and ignored;
	// a larger code is malformed.
	MaxType = 65535

	// MaxServerMessage is the largest message a client should accept.
	MaxServerMessage = 1 << 20
	// MaxTextBytes bounds a string in a server message (hotspot texts).
	MaxTextBytes = 8 << 10
	// MaxRecords bounds the enters, leaves, events and path points of one
	// update. The moves are bounded in bytes instead (MaxMovesBytes).
	MaxRecords = 1 << 14
	// MaxMovesBytes is the largest MOVES binary: its length is written
	// with a 16-bit bin header. A record takes 3 to 11 bytes (id delta up
	// to 5, each coordinate delta up to 3), so 5957 records always fit and
	// 21846 never do; AppendUpdate refuses an update whose moves do not fit.
	MaxMovesBytes = math.MaxUint16
	// maxServerFields bounds the elements of a server message array and
	// maxRecordFields those of an enter record or an event.
	maxServerFields = 64
	maxRecordFields = 32
)

// MaxIntentLength is how much longer than 1 a MOVE direction may be before it
// is refused (float32 rounding of a unit vector).
const MaxIntentLength = 1.001
