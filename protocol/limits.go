package protocol

// Limits every decoder applies before allocating.
const (
	// MaxClientMessage is the largest message a client may send, in bytes.
	// The server's WebSocket read limit; a larger one is closed with 1009.
	MaxClientMessage = 512
	// MaxPseudonymBytes bounds the raw pseudonym before normalisation.
	MaxPseudonymBytes = 96
	// MaxTokenBytes bounds a resume token.
	MaxTokenBytes = 64
	// MaxIDBytes bounds a hotspot id.
	MaxIDBytes = 32

	// MaxServerMessage is the largest message a client should accept.
	MaxServerMessage = 1 << 20
	// MaxTextBytes bounds a string in a server message (hotspot texts).
	MaxTextBytes = 8 << 10
	// MaxRecords bounds the moves, enters, leaves, events and path points of one update.
	MaxRecords = 1 << 14
)

// MaxIntentLength is how much longer than 1 a MOVE direction may be before it
// is refused (float32 rounding of a unit vector).
const MaxIntentLength = 1.001
