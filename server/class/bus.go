package class

import (
	"context"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// Bus carries what the nodes of a fair tell each other about classes:
// once a second each node's Beat (where its members are, their route
// steps and points), and at once a teacher's Order and a Changed class
// (route, closed, a member who joined or left). Implementations:
// MemoryBus (the nodes of one process, tests), RedisBus. Safe for
// concurrent use.
type Bus interface {
	// Publish queues m for the other nodes without waiting; false when the
	// queue is full and m was dropped (the caller counts it).
	Publish(m Message) bool
	// Run delivers the other nodes' messages (and this node's own: the
	// receiver skips them by Node) to deliver, on one goroutine, until ctx
	// ends. Call it once.
	Run(ctx context.Context, deliver func(Message))
}

// Message kinds.
const (
	KindBeat    uint8 = 1 // Records: a node's connected members
	KindOrder   uint8 = 2 // Order: a teacher's order to Class
	KindChanged uint8 = 3 // Class changed: nodes with its members reload it
)

// Message is one message of the bus.
type Message struct {
	_       struct{} `msgpack:",as_array"`
	Kind    uint8
	Node    string // the sender
	Class   uint32 // KindOrder, KindChanged
	Order   Order
	Records []Record
}

// Order is a teacher's order as the nodes apply it.
type Order struct {
	_       struct{} `msgpack:",as_array"`
	Order   uint8    // protocol.Order
	Active  bool
	Until   int64 // a pause's end, unix milliseconds
	Teacher uint32
	X, Y    uint16 // the teacher's position (quantised)
}

// Record is one connected member's line, as its node knows it.
type Record struct {
	_      struct{} `msgpack:",as_array"`
	Class  uint32
	Member uint32 // its number; 0 for the teacher
	Avatar uint32
	Name   string
	X, Y   uint16
	Role   uint8
	Steps  uint8
	Points uint32
	Flags  uint8
}

// Encode returns m's wire form (msgpack).
func Encode(m *Message) ([]byte, error) {
	b, err := msgpack.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("class: failed to encode a bus message: %w", err)
	}
	return b, nil
}

// Decode reads Encode's form.
func Decode(b []byte) (Message, error) {
	var m Message
	if err := msgpack.Unmarshal(b, &m); err != nil {
		return Message{}, fmt.Errorf("class: bad bus message: %w", err)
	}
	return m, nil
}
