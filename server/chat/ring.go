package chat

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// What a report keeps (docs/PROTOCOL.md §9, "Reports").
const (
	EvidenceBefore = 10              // messages before the reported one
	EvidenceAge    = 5 * time.Minute // none older at the report's time
)

// Ring is a node's memory of the fair's recent messages (every channel,
// every node's): what a report takes its evidence from and what a removal
// or an erasure looks up. It holds at most its size and nothing older than
// EvidenceAge (Expire). Not safe for concurrent use: the hub owns it.
type Ring struct {
	buf   []Message // circular; a removed slot has ID 0
	start int       // the oldest
	n     int
}

// NewRing returns a ring of size messages (zero means 16,384: five
// minutes of a busy fair's class and nearby chat on one node's memory,
// about 4 MiB).
func NewRing(size int) *Ring {
	if size <= 0 {
		size = 16384
	}
	return &Ring{buf: make([]Message, size)}
}

// Add keeps m, forgetting the oldest message when full.
func (r *Ring) Add(m Message) {
	if r.n == len(r.buf) {
		r.buf[r.start] = Message{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
	}
	r.buf[(r.start+r.n)%len(r.buf)] = m
	r.n++
}

func (r *Ring) at(i int) *Message { return &r.buf[(r.start+i)%len(r.buf)] }

// Expire forgets the messages older than EvidenceAge at now.
func (r *Ring) Expire(now time.Time) {
	limit := now.Add(-EvidenceAge).UnixMilli()
	for r.n > 0 && r.at(0).AtMs < limit {
		*r.at(0) = Message{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
	}
}

// Len is how many messages the ring holds (removed ones included until
// they expire).
func (r *Ring) Len() int { return r.n }

// Find returns the message id, if the ring holds it.
func (r *Ring) Find(id uint64) (Message, bool) {
	for i := r.n - 1; i >= 0; i-- {
		if m := r.at(i); m.ID == id {
			return *m, true
		}
	}
	return Message{}, false
}

// LastBy returns the latest message of avatar the ring holds.
func (r *Ring) LastBy(avatar uint32) (Message, bool) {
	for i := r.n - 1; i >= 0; i-- {
		if m := r.at(i); m.ID != 0 && m.Avatar == avatar {
			return *m, true
		}
	}
	return Message{}, false
}

// Remove forgets message id; false when the ring does not hold it.
func (r *Ring) Remove(id uint64) bool {
	for i := r.n - 1; i >= 0; i-- {
		if m := r.at(i); m.ID == id {
			m.ID, m.Text = 0, ""
			return true
		}
	}
	return false
}

// EraseWho forgets every message of a pseudonym (its erasure); it returns
// how many.
func (r *Ring) EraseWho(who string) int {
	k := 0
	for i := range r.n {
		if m := r.at(i); m.ID != 0 && m.Who == who {
			*m = Message{AtMs: m.AtMs} // keeps the order of ages for Expire
			k++
		}
	}
	return k
}

// Evidence returns what a report on message m keeps: m and up to
// EvidenceBefore messages before it in its channel (the same class; for
// nearby, said within radius of where m was), none older than EvidenceAge
// at now, oldest first.
func (r *Ring) Evidence(m Message, radius float64, now time.Time) []Message {
	limit := now.Add(-EvidenceAge).UnixMilli()
	if m.AtMs < limit {
		return nil
	}
	out := []Message{m}
	idx := -1
	for i := r.n - 1; i >= 0; i-- {
		if r.at(i).ID == m.ID {
			idx = i
			break
		}
	}
	if idx < 0 {
		return out
	}
	r2 := radius * radius
	for i := idx - 1; i >= 0 && len(out) <= EvidenceBefore; i-- {
		o := r.at(i)
		if o.ID == 0 || o.AtMs < limit || o.Channel != m.Channel {
			continue
		}
		switch m.Channel {
		case protocol.ChannelClass:
			if o.Group != m.Group {
				continue
			}
		default:
			if dx, dy := o.X-m.X, o.Y-m.Y; dx*dx+dy*dy > r2 {
				continue
			}
		}
		out = append(out, *o)
	}
	// oldest first
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
