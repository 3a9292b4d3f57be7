package class

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"time"
)

// Class is one class of the fair.
type Class struct {
	ID          uint32 // the world group of its avatars; never 0
	Name        string // display form, checked by the server
	Level       string // one of Levels
	Teacher     string // the teacher's staff id (token sub)
	TeacherName string // their display name
	Code        string // 8 letters of Alphabet
	Closed      bool
	Route       string   // a ready-made route's id, "" for the teacher's own (or none)
	Steps       []string // the route's hotspot ids, in order; empty: no route
	RouteGen    uint32   // grows with every route change: members' steps of another gen are void
	Created     int64    // unix seconds
	// The teacher's orders in force (docs/PROTOCOL.md "Orders"), so that a
	// pupil who connects meanwhile, on any node, gets them.
	PausedUntil int64 // unix milliseconds; 0: no pause
	Following   bool
}

// Member is a pupil's membership, bound to their progress id.
type Member struct {
	Class    uint32
	Number   uint32 // from 1, in the order they joined
	Progress string // the progress id
	Name     string // the pseudonym (display form) of their last session
	RouteGen uint32 // the route the steps are of
	Steps    uint64 // bit i: step i of the route done
}

// Limits.
const (
	MaxPupils  = 60 // pupils a class
	MaxClasses = 20 // classes a teacher
	CodeLen    = 8
)

// Alphabet is the join codes' letters: the Latin capitals without B, I, L,
// O, S and Z, which pupils read as 8, 1, 0, 5, 2 or as each other.
const Alphabet = "ACDEFGHJKMNPQRTUVWXY"

// Levels are the class levels a teacher may pick.
var Levels = []string{"6e", "5e", "4e", "3e", "2de", "1re", "Tle", "CAP", "autre"}

// ValidLevel reports whether l is one of Levels.
func ValidLevel(l string) bool {
	for _, v := range Levels {
		if v == l {
			return true
		}
	}
	return false
}

// Errors of a Store.
var (
	ErrNotFound    = errors.New("class: not found")
	ErrFull        = errors.New("class: class full")
	ErrTooMany     = errors.New("class: too many classes for this teacher")
	ErrMember      = errors.New("class: already a member of another class")
	ErrUnavailable = errors.New("class: store unavailable")
)

// NewCode draws a join code.
func NewCode() string {
	var b [CodeLen]byte
	n := big.NewInt(int64(len(Alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic(err) // crypto/rand never fails
		}
		b[i] = Alphabet[v.Int64()]
	}
	return string(b[:])
}

// NormaliseCode returns a typed code in its stored form (upper case,
// without spaces and dashes), or "" when it cannot be a code.
func NormaliseCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if !strings.ContainsRune(Alphabet, r) || b.Len() >= CodeLen {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return ""
	}
	return b.String()
}

// Store keeps the classes and memberships of the fair. Every method may
// wait on the network, bounded by its context and the store's timeout:
// the server calls them from its class workers, never from the hub.
// ErrUnavailable wraps a failure to reach the shared store.
type Store interface {
	// Create stores a new class (its ID, Code and Created are set here)
	// and returns it; ErrTooMany when its teacher has MaxClasses.
	Create(ctx context.Context, c Class) (Class, error)
	// Get returns a class, ErrNotFound.
	Get(ctx context.Context, id uint32) (Class, error)
	// ByCode returns the class of a (normalised) code, ErrNotFound.
	ByCode(ctx context.Context, code string) (Class, error)
	// Teacher returns a teacher's classes, oldest first.
	Teacher(ctx context.Context, teacher string) ([]Class, error)
	// Update writes a class's route, closed flag and orders (the other
	// fields are set once, by Create).
	Update(ctx context.Context, c Class) error
	// Join makes progress a member of class id (as name) and returns the
	// membership: the same one when it already is (the name updated);
	// ErrMember when it is in another class; ErrFull at MaxPupils.
	Join(ctx context.Context, id uint32, progress, name string) (Member, error)
	// Leave ends a membership (nothing when there is none).
	Leave(ctx context.Context, id uint32, progress string) error
	// Membership returns progress's membership, ErrNotFound.
	Membership(ctx context.Context, progress string) (Member, error)
	// Members returns a class's members, by number.
	Members(ctx context.Context, id uint32) ([]Member, error)
	// SetSteps records a member's route steps (for route gen).
	SetSteps(ctx context.Context, id uint32, progress string, gen uint32, steps uint64) error
}

// DefaultRetention is how long classes and memberships are kept after
// their last change: the whole event (22 November to 31 December).
const DefaultRetention = 60 * 24 * time.Hour
