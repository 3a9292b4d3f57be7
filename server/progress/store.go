package progress

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Store keeps the visitors' progress for the whole fair, for the retention
// period: what each progress id has seen and answered, its points and
// badges, the lookup of progress keys, the leaderboards and the share
// links. Implementations: MemoryStore (one node; `make run`, tests) and
// RedisStore (every node of a fair through Redis).
//
// Apply never blocks on I/O: the hub calls it, and the store sends the
// writes from its own goroutine (Run), merged, once per FlushEvery. The
// other methods may wait on the network, bounded by their context and the
// store's timeout: the gateway and the progress workers call them, never
// the hub. All methods are safe for concurrent use.
type Store interface {
	// Lookup returns the progress id of a key hash (KeyHash); ErrNotFound
	// when no progress has that key.
	Lookup(ctx context.Context, keyHash string) (string, error)
	// Load returns the record of a progress id, or ErrNotFound.
	Load(ctx context.Context, id string) (*Record, error)
	// Apply queues a write; it is sent with the next flush. Writes are
	// idempotent (a content seen twice counts once), so a write sent
	// again after a failure changes nothing more.
	Apply(w Write)
	// Erase deletes everything of a progress id: its record, its key's
	// lookup, its leaderboard entries, its share links, and the wrong-key
	// counter of who (WhoHash of the pseudonym key). Pending writes of the
	// id are dropped.
	Erase(ctx context.Context, id, who string) error

	// Top returns the best n entries of a leaderboard (group 0: the whole
	// fair) and how many visitors it ranks.
	Top(ctx context.Context, group uint32, n int) ([]Entry, int, error)
	// Rank returns a progress id's rank on a leaderboard (from 1; 0 when
	// it is not ranked) and its points. Equal points share a rank.
	Rank(ctx context.Context, group uint32, id string) (rank int, points uint32, err error)

	// Share returns the share link token of a badge of id, creating it
	// with sr when there is none.
	Share(ctx context.Context, id string, sr ShareRecord) (string, error)
	// Unshare deletes the share link of a badge of id, if any.
	Unshare(ctx context.Context, id, badge string) error
	// Shared returns what a share link shows; ErrNotFound when the token
	// is unknown, deleted or expired.
	Shared(ctx context.Context, token string) (ShareRecord, error)

	// WrongKeys returns how many wrong keys were given with a pseudonym
	// (WhoHash) in the last KeyTriesWindow; Failed counts one more.
	WrongKeys(ctx context.Context, who string) (int, error)
	Failed(ctx context.Context, who string) error

	// Ready is nil while the store answers.
	Ready() error
	// Run sends the writes until ctx ends, then what is pending (bounded)
	// and returns. Call it once.
	Run(ctx context.Context)
}

// Record is one visitor's stored progress.
type Record struct {
	ID      string
	KeyHash string // "" for a record not created yet
	Name    string // the pseudonym (display form) of the last session
	Group   uint32 // class group, 0: none
	Points  uint32
	Created int64             // unix seconds
	Seen    []string          // hotspot ids
	Answers map[string]bool   // "h-042/2" (question from 0) -> right
	Badges  map[string]uint32 // badge id -> unix seconds earned
	Shares  map[string]string // badge id -> share token
}

// Write is what a session changed, for the store. ID, KeyHash, Name and
// Group are the record's (set again at every write: the last wins);
// Seen, Answers and Badges are added.
type Write struct {
	ID      string
	KeyHash string
	Name    string
	Group   uint32
	Created int64
	Ops     []Op
}

// Op is one change.
type Op struct {
	Kind     OpKind
	Hotspot  string // OpSeen, OpAnswer
	Question int    // OpAnswer, from 0
	Right    bool   // OpAnswer
	Points   uint32 // what it earns the first time (OpSeen; OpAnswer when right)
	Badge    string // OpBadge
	At       uint32 // OpBadge: unix seconds
}

// OpKind says what an Op changes.
type OpKind uint8

const (
	OpSeen   OpKind = iota + 1 // a content read: its points, once
	OpAnswer                   // a quiz question's scored attempt (the first one counts)
	OpBadge                    // a badge earned (the first time counts)
)

// answerField is an answer's name in a record.
func answerField(hotspot string, q int) string {
	return hotspot + "/" + strconv.Itoa(q)
}

// Entry is one line of a leaderboard.
type Entry struct {
	ID     string
	Name   string
	Points uint32
	Rank   int
}

// ShareRecord is what a share link shows: a pseudonym, a badge and the
// date it was earned. Nothing else is kept with it.
type ShareRecord struct {
	Name  string
	Badge string // badge id
	At    uint32 // unix seconds the badge was earned
}

// Errors of the stores.
var (
	ErrNotFound    = errors.New("progress: not found")
	ErrUnavailable = errors.New("progress: store unavailable")
)

// Defaults shared by the implementations.
const (
	// DefaultRetention is how long progress, keys and share links are
	// kept after the visitor's last change (share links: after their
	// creation): the fair's six weeks and a little more.
	DefaultRetention = 45 * 24 * time.Hour
	// KeyTriesPerPseudonym is how many wrong keys a pseudonym may be given
	// in KeyTriesWindow before keys are refused for it.
	KeyTriesPerPseudonym = 20
	KeyTriesWindow       = time.Hour
	// TopSize is how many entries a leaderboard shows.
	TopSize = 10
)
