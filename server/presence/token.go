package presence

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
)

// A resume token is, before base64url (no padding), 32 bytes:
//
//	epoch   6 bytes  the store's epoch when it was issued (ReasonRestarted)
//	tag     2 bytes  the session's key group (tagOf: where its records live)
//	sid     8 bytes  the session id
//	secret 16 bytes  random; stores keep only its SHA-256
//
// 43 characters, within the 64 bytes of docs/PROTOCOL.md §3. The epoch
// tells a token of sessions that were lost (a restarted memory store, a
// Redis that lost its data) from one that is merely unknown.
const (
	epochBytes = 6
	tokenBytes = epochBytes + 2 + 8 + 16
	tokenLen   = (tokenBytes*8 + 5) / 6
	// tags is how many key groups sessions are spread over (Redis Cluster
	// hash tags): a session's record and its pseudonym reservation share
	// one, so one script updates both.
	tags = 1024
)

type epoch [epochBytes]byte

type token struct {
	epoch  epoch
	tag    uint16
	sid    [8]byte
	secret [16]byte
}

func newEpoch() epoch {
	var e epoch
	_, _ = rand.Read(e[:]) // never fails (crypto/rand documents it)
	return e
}

// newSID returns a random session id.
func newSID() [8]byte {
	var s [8]byte
	_, _ = rand.Read(s[:])
	return s
}

// mint returns a token for session sid with a fresh secret.
func mint(e epoch, tag uint16, sid [8]byte) token {
	t := token{epoch: e, tag: tag, sid: sid}
	_, _ = rand.Read(t.secret[:])
	return t
}

func (t token) String() string {
	var b [tokenBytes]byte
	copy(b[:], t.epoch[:])
	binary.BigEndian.PutUint16(b[epochBytes:], t.tag)
	copy(b[epochBytes+2:], t.sid[:])
	copy(b[epochBytes+10:], t.secret[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hash is what stores keep of the token: the hex SHA-256 of its secret.
func (t token) hash() string {
	h := sha256.Sum256(t.secret[:])
	return hex.EncodeToString(h[:])
}

func parseToken(s string) (token, bool) {
	var t token
	if len(s) != tokenLen {
		return t, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != tokenBytes {
		return t, false
	}
	copy(t.epoch[:], b)
	t.tag = binary.BigEndian.Uint16(b[epochBytes:])
	copy(t.sid[:], b[epochBytes+2:])
	copy(t.secret[:], b[epochBytes+10:])
	return t, t.tag < tags
}

// tagOf is the key group of a pseudonym key.
func tagOf(key string) uint16 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return uint16(h.Sum32() % tags)
}

func sidString(sid [8]byte) string { return hex.EncodeToString(sid[:]) }
