package server

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/moderation"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// ClassConfig configures staff sign-in and classes (docs/PROTOCOL.md §3,
// "Staff sign-in" and "Classes"). Zero values mean the defaults.
type ClassConfig struct {
	// StaffKey is the public key staff tokens are signed with
	// (cmd/stafftoken keygen); nil means nobody signs in as staff: the
	// ticket endpoint answers 404 staff_disabled and a HELLO with a ticket
	// is closed with 4018.
	StaffKey ed25519.PublicKey
	// Denylist holds the revoked tokens; nil means a memory list of this
	// node (RedisBackends gives the fair's).
	Denylist staff.Denylist
	// Tickets stores the tickets of POST /api/staff/ticket; nil means
	// this node's memory (a ticket then works on this node only).
	Tickets staff.Tickets
	// Store keeps classes and memberships; nil means a class.MemoryStore
	// (one node: classes last as long as the process).
	Store class.Store
	// Bus connects the nodes' classes; nil means none (a single node).
	// The server runs its Run.
	Bus class.Bus
	// TicketRate and TicketBurst limit POST /api/staff/ticket on this
	// node, good and bad requests together; zero means 20 a second,
	// bursts of 40.
	TicketRate  float64
	TicketBurst int
	// Workers run the class requests that wait on the store; zero means
	// 2, with a queue of WorkQueue (zero: 1024).
	Workers   int
	WorkQueue int
	// RequestRate and RequestBurst limit one session's class messages;
	// zero means 1 a second, bursts of 5. Beyond: ERROR too_fast.
	RequestRate  float64
	RequestBurst int
	// RevokeEvery is how often staff sessions are checked against the
	// denylist; zero means 30 s.
	RevokeEvery time.Duration
}

func (c *ClassConfig) setDefaults(now func() time.Time) error {
	if c.Denylist == nil {
		c.Denylist = staff.NewMemoryDenylist(now)
	}
	if c.Tickets == nil {
		c.Tickets = staff.NewMemoryTickets(now)
	}
	if c.Store == nil {
		c.Store = class.NewMemoryStore(now)
	}
	if c.TicketRate == 0 {
		c.TicketRate = 20
	}
	if c.TicketBurst == 0 {
		c.TicketBurst = 40
	}
	if c.Workers == 0 {
		c.Workers = 2
	}
	if c.WorkQueue == 0 {
		c.WorkQueue = 1024
	}
	if c.RequestRate == 0 {
		c.RequestRate = 1
	}
	if c.RequestBurst == 0 {
		c.RequestBurst = 5
	}
	if c.RevokeEvery == 0 {
		c.RevokeEvery = 30 * time.Second
	}
	if c.StaffKey != nil && len(c.StaffKey) != ed25519.PublicKeySize {
		return errors.New("server: ClassConfig.StaffKey is not an Ed25519 public key")
	}
	if c.TicketRate < 0 || c.TicketBurst < 1 || c.Workers < 1 || c.WorkQueue < 1 || c.RevokeEvery < 0 ||
		c.RequestRate < 0 || c.RequestBurst < 1 {
		return errors.New("server: ClassConfig: a rate, burst, worker count or interval out of range")
	}
	return nil
}

// Class names: 3 to 40 characters after normalisation.
const (
	minClassName = 3
	maxClassName = 40
)

// classNameChecker checks class names with the moderation package's name
// rules (docs/PROTOCOL.md §3, "Classes"): the word lists (insults, slurs,
// across words too) and the contact details (a phone number, an e-mail, a
// handle, a link); titles are allowed in a class name. Its filter is
// built at the first class created, not at the node's start (which it
// would slow by the word lists' parsing). Safe for concurrent use.
type classNameChecker struct {
	once   sync.Once
	filter *moderation.Filter
	err    error
}

func newClassNameChecker() (*classNameChecker, error) { return &classNameChecker{}, nil }

func (k *classNameChecker) checker() (*moderation.Filter, error) {
	k.once.Do(func() { k.filter, k.err = moderation.New(moderation.Config{}) })
	return k.filter, k.err
}

// checkClassName returns a class name's display form (NFKC, white space
// collapsed), or false when it is refused: a length outside 3..40, a
// character that is not a letter, a mark, a digit, a space or - _ . ',
// a word of the word lists or contact details.
func (k *classNameChecker) checkClassName(raw string) (string, bool) {
	if !utf8.ValidString(raw) {
		return "", false
	}
	d := strings.Join(strings.Fields(norm.NFKC.String(raw)), " ")
	if n := utf8.RuneCountInString(d); n < minClassName || n > maxClassName {
		return "", false
	}
	letters := make([]rune, 0, len(d))
	for _, r := range d {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			letters = append(letters, r)
		case r == ' ' || r == '-' || r == '_' || r == '.' || r == '\'' || r == '’' || unicode.IsDigit(r) && r < 0x80:
			letters = append(letters, ' ')
		default:
			return "", false
		}
	}
	words := strings.Join(strings.Fields(string(letters)), " ")
	if words == "" {
		return "", false
	}
	f, err := k.checker()
	if err != nil {
		return "", false // cannot happen: the built-in lists parse
	}
	if f.Name(d) != moderation.OK {
		return "", false
	}
	return d, true
}
