package chat

import (
	"context"
	"sync"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Bus carries chat between the nodes of a fair: each node publishes its
// records, and drains the others'. Implementation: RedisBus. Publish may
// block on the network (the server's chat worker calls it); Drain never
// blocks (the hub calls it). Safe for concurrent use.
type Bus interface {
	Publish(ctx context.Context, recs []Record) error
	// Drain appends the records received (other nodes' only) to dst,
	// oldest first. A record that finds the bounded queue full is dropped
	// and counted.
	Drain(dst []Record) []Record
	Close() error
}

// RecordKind says what a Record carries.
type RecordKind uint8

const (
	RecMessage      RecordKind = iota + 1 // Msg was said
	RecRemoved                            // message ID (of Msg's channel and group) was removed
	RecMute                               // Who is muted until UntilMs (0: unmuted)
	RecBan                                // Who and Progress are banned until UntilMs
	RecAct                                // an action on Avatar, for the node that holds it
	RecDone                               // the action of ActorAvatar's Req was taken
	RecClass                              // Group's settings are Class
	RecReport                             // Report was made
	RecReportClosed                       // report ID was closed
	RecErase                              // Who's messages are erased
)

// Record is one thing a node tells the others. Fields are used as Kind
// says.
type Record struct {
	Node     uint64        `json:"o"`
	Kind     RecordKind    `json:"k"`
	Msg      *Message      `json:"m,omitempty"`
	ID       uint64        `json:"id,omitempty"`
	Who      string        `json:"w,omitempty"`
	Progress string        `json:"p,omitempty"`
	UntilMs  int64         `json:"u,omitempty"`
	Group    uint32        `json:"g,omitempty"`
	Class    ClassSettings `json:"c,omitzero"`
	Report   *Report       `json:"r,omitempty"`

	// RecAct and RecDone: the action and who asked it.
	Avatar      uint32             `json:"a,omitempty"`
	Action      protocol.ModAction `json:"x,omitempty"`
	Seconds     uint32             `json:"s,omitempty"`
	Req         uint32             `json:"q,omitempty"`
	ActorNode   uint64             `json:"an,omitempty"`
	ActorAvatar uint32             `json:"aa,omitempty"`
	ActorName   string             `json:"n,omitempty"`
	ActorRole   protocol.Role      `json:"ar,omitempty"`
	ActorGroup  uint32             `json:"ag,omitempty"` // a teacher's class: a mute only of its pupils
	Code        uint16             `json:"e,omitempty"`  // RecDone: the protocol.ErrorCode of a refusal, 0 when taken
}

// queue is a bus's bounded queue of received records.
type queue struct {
	mu   sync.Mutex
	buf  []Record // guarded by mu
	max  int
	drop func()
}

func (q *queue) push(r Record) {
	q.mu.Lock()
	ok := len(q.buf) < q.max
	if ok {
		q.buf = append(q.buf, r)
	}
	q.mu.Unlock()
	if !ok {
		q.drop()
	}
}

func (q *queue) drain(dst []Record) []Record {
	q.mu.Lock()
	dst = append(dst, q.buf...)
	clear(q.buf)
	q.buf = q.buf[:0]
	q.mu.Unlock()
	return dst
}
