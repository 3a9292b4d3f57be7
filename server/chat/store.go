package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Store keeps what the chat needs beyond a node's memory: the class
// histories, the reports and their evidence, the mutes, bans and class
// settings every node reads again (State), and the audit log.
// Implementations: MemoryStore (one node), RedisStore (a fair). Methods
// may block on the network: the server calls them from its chat worker,
// never from the hub. Safe for concurrent use.
type Store interface {
	// AppendClass adds a class message to its class's history, which
	// keeps the HistoryLen latest for at most the retention.
	AppendClass(ctx context.Context, m Message) error
	// ClassHistory returns a class's history at now, oldest first.
	ClassHistory(ctx context.Context, group uint32, now time.Time) ([]Message, error)
	// RemoveClass removes a message from a class's history.
	RemoveClass(ctx context.Context, group uint32, id uint64) error
	// EraseWho removes every message of a pseudonym (folded) from the
	// class histories. Reports keep theirs (they are evidence).
	EraseWho(ctx context.Context, who string) error

	// SaveReport keeps a report until CloseReport, at most ReportTTL.
	SaveReport(ctx context.Context, r Report) error
	// CloseReport deletes a report and its evidence.
	CloseReport(ctx context.Context, id uint64) error
	// OpenReports returns the n latest open reports, latest first.
	OpenReports(ctx context.Context, n int) ([]Report, error)

	// SetMute mutes a pseudonym until (zero or past: unmutes).
	SetMute(ctx context.Context, who string, until time.Time) error
	// SetBan bans a pseudonym and a progress id until.
	SetBan(ctx context.Context, who, progress string, until time.Time) error
	// SetClass keeps a class's settings.
	SetClass(ctx context.Context, group uint32, s ClassSettings) error
	// State returns the mutes, bans and class settings in force at now.
	State(ctx context.Context, now time.Time) (State, error)

	// Audit appends to the audit log; AuditLog returns its n latest
	// entries, latest first.
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]AuditEntry, error)
}

// Bounds and lengths of what a Store keeps.
const (
	HistoryLen   = 50                  // class history, messages
	Retention    = 24 * time.Hour      // the default: chat is kept briefly
	ReportTTL    = 30 * 24 * time.Hour // a report not closed is deleted after it
	BanFor       = 30 * 24 * time.Hour // how long a ban lasts
	AuditLen     = 10000
	AuditTTL     = 30 * 24 * time.Hour
	OpenReportsN = 50 // sent to a moderator who joins
	// StateTTL: the mutes, bans and class settings go this long after
	// their last change (a ban lasts BanFor; a mute at most a day; the
	// fair, five or six weeks, a class's settings set again if need be).
	StateTTL = 30 * 24 * time.Hour
)

// Report is a report with its evidence, as the server keeps it.
type Report struct {
	ID        uint64                `json:"id"`
	Reason    protocol.ReportReason `json:"r"`
	AtMs      int64                 `json:"at"`
	Reporter  string                `json:"by"` // pseudonym (display)
	Avatar    uint32                `json:"a"`
	Name      string                `json:"n"`
	Who       string                `json:"w,omitempty"` // folded pseudonym of the reported, when known
	Progress  string                `json:"p,omitempty"`
	MessageID uint64                `json:"m,omitempty"`
	Evidence  []Message             `json:"e,omitempty"`
}

// Event is the report as moderators get it.
func (r *Report) Event() protocol.Report {
	ev := protocol.Report{ID: r.ID, Reason: r.Reason, At: uint32(r.AtMs / 1000), Reporter: r.Reporter,
		AvatarID: r.Avatar, Pseudonym: r.Name, MessageID: r.MessageID}
	for i := range r.Evidence {
		ev.Evidence = append(ev.Evidence, r.Evidence[i].Event(false))
	}
	return ev
}

// ClassSettings are a class's chat settings (a teacher's CHAT_CLASS).
type ClassSettings struct {
	Off        bool `json:"off,omitempty"` // the class channel is off (zero value: on)
	NearbyFree bool `json:"free,omitempty"`
}

// State is what every node holds of the fair's moderation: mutes and bans
// keyed by WhoKey / ProgressKey, each with its end, and class settings.
type State struct {
	Mutes   map[string]time.Time
	Bans    map[string]time.Time
	Classes map[uint32]ClassSettings
}

// WhoKey is the key of a folded pseudonym in mutes and bans (a hash: the
// store's key names say nothing of who).
func WhoKey(who string) string { return "w" + hash(who) }

// ProgressKey is the key of a progress id in bans.
func ProgressKey(id string) string { return "p" + hash(id) }

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// AuditEntry is one moderation action (pseudonymous: pseudonyms, never
// who is behind them).
type AuditEntry struct {
	AtMs      int64              `json:"at"`
	Actor     string             `json:"actor"`
	ActorRole protocol.Role      `json:"role"`
	Action    protocol.ModAction `json:"action"` // 0: class settings
	Target    string             `json:"target,omitempty"`
	Group     uint32             `json:"group,omitempty"`
	MessageID uint64             `json:"message,omitempty"`
	ReportID  uint64             `json:"report,omitempty"`
	Seconds   uint32             `json:"seconds,omitempty"`
	Detail    string             `json:"detail,omitempty"`
}
