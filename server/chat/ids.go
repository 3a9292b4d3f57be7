package chat

import (
	"crypto/rand"
	"encoding/binary"
	"sync"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// IDs makes message and report ids unique in the fair without talking to
// the other nodes: a random 33-bit prefix of the node's own, drawn again
// every 2^20 ids, and a counter (53 bits in all: protocol.MaxChatID). Two
// nodes of a fair draw the same prefix with a chance of about n²/2^34 for n
// prefixes drawn in the whole fair: none in practice. Never 0. Safe for
// concurrent use.
type IDs struct {
	mu     sync.Mutex
	prefix uint64 // guarded by mu
	n      uint64 // guarded by mu
}

const idCounterBits = 20

// Next returns a new id.
func (g *IDs) Next() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.prefix == 0 || g.n == 1<<idCounterBits {
		var b [8]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
		g.prefix = binary.LittleEndian.Uint64(b[:])&(1<<(53-idCounterBits)-1) | 1
		g.n = 0
	}
	id := g.prefix<<idCounterBits | g.n
	g.n++
	return id & protocol.MaxChatID
}
