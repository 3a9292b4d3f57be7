package server

import (
	"errors"
	"fmt"
	"time"

	"github.com/usine-extraordinaire/fairworld/server/chat"
	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

// ChatConfig configures the chat (docs/PROTOCOL.md §9). Zero values mean
// the documented defaults.
type ChatConfig struct {
	// Store keeps class histories, reports, mutes, bans, class settings
	// and the audit log; nil means a chat.MemoryStore (one node) keeping
	// class messages for Retention. RedisBackends.Configure sets a
	// chat.RedisStore.
	Store chat.Store
	// Bus carries chat between the nodes of the fair; nil means none (one
	// node). RedisBackends.Configure sets a chat.RedisBus; the caller
	// closes it after Serve.
	Bus chat.Bus
	// Filter checks every free text; nil means server/moderation's filter
	// with its built-in lists (never no filter).
	Filter chat.Filter
	// Retention is how long the default MemoryStore keeps a class message;
	// zero means 24 h. (A given Store has its own: RedisOptions.ChatRetention.)
	Retention time.Duration
	// WorkQueue bounds the chat worker's queue (store writes, bus
	// publishes, history reads); a job that finds it full is dropped and
	// counted (fair_chat_work_drops_total). Zero means 4096.
	WorkQueue int
	// StateEvery is how often the node reads the fair's mutes, bans and
	// class settings from the store again; zero means 10 s.
	StateEvery time.Duration
	// RingSize bounds the recent messages a node keeps for reports and
	// removals (at most 5 minutes old); zero means 16,384.
	RingSize int
}

func (c *ChatConfig) setDefaults() error {
	if c.Retention == 0 {
		c.Retention = chat.Retention
	}
	if c.WorkQueue == 0 {
		c.WorkQueue = 4096
	}
	if c.StateEvery == 0 {
		c.StateEvery = 10 * time.Second
	}
	if c.Retention < 0 || c.WorkQueue < 0 || c.StateEvery < 0 || c.RingSize < 0 {
		return errors.New("server: ChatConfig: a negative retention, queue, period or size")
	}
	if c.Store == nil {
		c.Store = chat.NewMemoryStore(c.Retention, nil)
	}
	if c.Filter == nil {
		f, err := moderation.New(moderation.Config{})
		if err != nil {
			return fmt.Errorf("server: chat filter: %w", err)
		}
		c.Filter = moderationFilter{f}
	}
	return nil
}

// moderationFilter is server/moderation's message filter as chat.Filter.
type moderationFilter struct{ f *moderation.Filter }

func (m moderationFilter) Check(text string) chat.Verdict {
	r := m.f.Message(text)
	if !r.Blocked() {
		return chat.Verdict{}
	}
	reason := r.String()
	switch r {
	case moderation.Phone, moderation.Email, moderation.Handle, moderation.Link,
		moderation.Insult, moderation.Hate, moderation.Sexual, moderation.Drugs:
	default:
		reason = chat.BlockOther
	}
	return chat.Verdict{Reason: reason, Hint: r.Message()}
}
