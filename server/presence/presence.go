package presence

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"

	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Store is the presence of one node: it reserves pseudonyms, keeps the
// sessions (pseudonym, avatar id, last position, resume token) and counts
// the visitors online. Implementations: MemoryStore (one node, tests),
// RedisStore (every node of a fair through Redis).
//
// Create and Resume may wait on the network (bounded by their context and
// the store's own timeout): the gateway calls them on the connection's
// goroutine, before the join. Every other method never blocks on I/O: the
// hub goroutine calls them, and a store hands their writes to its own
// goroutine (Run). All methods are safe for concurrent use.
type Store interface {
	// Create reserves the pseudonym key (the folded form, unique in the
	// fair) and opens a new session with a new avatar id, attached to
	// this node. ErrTaken: another session holds the key (online or
	// within its resume window). ErrUnavailable: the shared presence
	// cannot be reached, new sessions are refused for now.
	Create(ctx context.Context, display, key string, t Traits) (Session, error)
	// Resume finds the session of a resume token, rotates the token
	// (docs/PROTOCOL.md §4, "Resume tokens") and attaches the session to
	// this node with a new generation. A *ResumeError says why a token
	// opens no session; ErrUnavailable as for Create (a node still resumes
	// the sessions it holds itself when shared presence is down).
	Resume(ctx context.Context, token string) (Session, error)

	// Confirm voids the token a resume used: the client read the WELCOME.
	Confirm(ref SessionRef)
	// Moved records an attached session's position (the hub calls it
	// about once a second, for sessions that moved).
	Moved(ref SessionRef, p nav.Point)
	// Detach ends an attachment at position p: the session stays
	// resumable for the resume window and its pseudonym reserved.
	Detach(ref SessionRef, p nav.Point)
	// End ends the session at once (the visitor closed with 1000): its
	// token is void and its pseudonym free.
	End(ref SessionRef)
	// TakenOver appends to dst the sessions attached to this node that
	// another node resumed since the last call (their connections get
	// 4006), and returns it.
	TakenOver(dst []SessionRef) []SessionRef

	// Online is the number of visitors online in the whole fair, given
	// local, this node's own count (which the store publishes).
	Online(local int) uint32
	// Sessions is the number of sessions this node holds (attached, or
	// detached by it and still resumable).
	Sessions() int
	// Ready is nil when new sessions can be created, else why not.
	Ready() error
	// Run does the store's background work until ctx ends, then writes
	// what is pending (bounded) and returns. Call it once.
	Run(ctx context.Context)
}

// SessionRef names one attachment of a session to a connection. Gen grows
// by one at every resume (on any node): a write with an older Gen is
// ignored, so a connection that was taken over cannot touch the session.
type SessionRef struct {
	ID  string // 16 hex digits
	Gen uint64
}

// Session is a session as Create or Resume returns it.
type Session struct {
	SessionRef
	Token   string // the resume token for WELCOME (new, or rotated by Resume)
	Display string // the pseudonym as shown
	Key     string // its folded form, the uniqueness key
	Avatar  uint32 // unique in the fair while the session exists
	Traits  Traits
	Pos     nav.Point
	HasPos  bool // false: no position recorded yet (the hub picks a spawn point)
	Resumed bool
}

// Traits are what a session shows of itself besides its pseudonym: its role
// and its look, and the id of its progress (server/progress). They are set
// by Create and kept with the session, so a resume on any node gives them
// back.
type Traits struct {
	Role          protocol.Role
	Colour, Shape uint8
	// Progress is the session's progress id (base64url, no dots), "" for
	// none: the points and badges a resume on any node must find again.
	Progress string
	// Staff, JTI and Booth are a staff session's token: its sub, its id
	// (for revocation) and a professional's booth (server/staff; no dots).
	// "" for a visitor.
	Staff, JTI, Booth string
}

// String is the traits' form in a Redis session record:
// "role.colour.shape", then ".progress" when there is one, then
// ".staff.jti.booth" for a staff session.
func (t Traits) String() string {
	s := fmt.Sprintf("%d.%d.%d", t.Role, t.Colour, t.Shape)
	if t.Progress != "" || t.Staff != "" {
		s += "." + t.Progress
	}
	if t.Staff != "" {
		s += "." + t.Staff + "." + t.JTI + "." + t.Booth
	}
	return s
}

// parseTraits reads String's form; anything else (a record written before
// traits existed) is the zero Traits.
func parseTraits(s string) Traits {
	parts := strings.SplitN(s, ".", 7)
	if len(parts) < 3 {
		return Traits{}
	}
	var v [3]uint8
	for i := range v {
		n, err := strconv.ParseUint(parts[i], 10, 8)
		if err != nil {
			return Traits{}
		}
		v[i] = uint8(n)
	}
	t := Traits{Role: protocol.Role(v[0]), Colour: v[1], Shape: v[2]}
	if len(parts) >= 4 {
		t.Progress = parts[3]
	}
	if len(parts) == 7 {
		t.Staff, t.JTI, t.Booth = parts[4], parts[5], parts[6]
	}
	return t
}

// Errors of Create and Resume.
var (
	ErrTaken       = errors.New("presence: pseudonym taken")
	ErrUnavailable = errors.New("presence: shared presence unavailable")
	// ErrTakenOver: the resume succeeded, but another node resumed the
	// session again before this one could attach it (close 4006).
	ErrTakenOver = errors.New("presence: session resumed elsewhere meanwhile")
)

// Reasons of a ResumeError, sent as the reason of close 4007.
const (
	ReasonExpired   = "expired"   // unknown, past the resume window, replaced by a rotation, or voided by a 1000
	ReasonRestarted = "restarted" // the sessions it belonged to were lost (a restart of the node, or of Redis without persistence)
)

// ResumeError says why a resume token opens no session.
type ResumeError struct{ Reason string }

func (e *ResumeError) Error() string { return "presence: resume token " + e.Reason }

// Defaults shared by the implementations.
const (
	DefaultResumeWindow = 60 * time.Second
	// PrevTokenGrace is how long the token a resume used stays valid when
	// the client says nothing on its new connection.
	PrevTokenGrace = 10 * time.Second
)
