package presence

import (
	"fmt"
	"strconv"
	"strings"
)

// keys names a RedisStore's keys (docs/ARCHITECTURE.md, "Presence",
// lists them with their expiries and owners).
type keys struct {
	prefix   string
	node     string // this node's name
	nodeKey  string // prefix:node:<node>, the heartbeat
	nodes    string // prefix:nodes, node -> online count
	nodeSet  string // prefix:node:<node>:sess, the sessions this node attached
	evicted  string // prefix:evicted:<node>
	ids      string // prefix:{meta}:ids
	epochKey string // prefix:{meta}:epoch
	control  string // prefix:ctl:<node>, a pub/sub channel
}

func newKeys(prefix, node string) keys {
	return keys{
		prefix: prefix, node: node,
		nodeKey: prefix + ":node:" + node, nodes: prefix + ":nodes", nodeSet: prefix + ":node:" + node + ":sess",
		evicted: prefix + ":evicted:" + node, ids: prefix + ":{meta}:ids", epochKey: prefix + ":{meta}:epoch",
		control: prefix + ":ctl:" + node,
	}
}

func (k keys) session(tag uint16, id string) string {
	return fmt.Sprintf("%s:{t%d}:s:%s", k.prefix, tag, id)
}

func (k keys) name(tag uint16, key string) string {
	return fmt.Sprintf("%s:{t%d}:n:%s", k.prefix, tag, key)
}

func (k keys) nodeKeyOf(node string) string { return k.prefix + ":node:" + node }
func (k keys) nodeSetOf(node string) string { return k.prefix + ":node:" + node + ":sess" }
func (k keys) evictedOf(node string) string { return k.prefix + ":evicted:" + node }
func (k keys) janitorOf(node string) string { return k.prefix + ":janitor:" + node }
func (k keys) controlOf(node string) string { return k.prefix + ":ctl:" + node }

// member is a session's entry in its node's set: tag/sid/key, what the
// janitor needs to find both of its keys.
func member(tag uint16, id, key string) string {
	return strconv.Itoa(int(tag)) + "/" + id + "/" + key
}

func parseMember(m string) (tag uint16, id, key string, ok bool) {
	t, rest, ok1 := strings.Cut(m, "/")
	id, key, ok2 := strings.Cut(rest, "/")
	n, err := strconv.Atoi(t)
	if !ok1 || !ok2 || err != nil || n < 0 || n >= tags {
		return 0, "", "", false
	}
	return uint16(n), id, key, true
}

// validNode reports whether a node name is usable in keys and logs.
func validNode(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
