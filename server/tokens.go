package server

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Resume tokens (docs/PROTOCOL.md §4 WELCOME, "Resume tokens"). Holding the
// token is holding the visitor's avatar, so a token is short-lived:
//
//   - every resume rotates it: the WELCOME carries a new one;
//   - the token that was used stays valid (prevTokenGrace) until the server
//     reads a first message on the new connection, which proves the WELCOME
//     arrived, so that a lost WELCOME does not lose the avatar; a resume
//     with it takes the session over like one with the current token;
//   - a close 1000 from the client ends the visit and voids it at once
//     (hub.leave); any other end keeps it for the resume window.
//
// Resumes are joins, which the hub takes one at a time: of two resumes with
// one token, the second takes the session from the first (4006 to the
// first) while the token is valid, or gets 4007; one connection ends with it.
//
// A token starts with the epoch of the server's run, so that a token of an
// earlier run (sessions live in memory) gets 4007 with the reason
// "restarted", and any other unknown token "expired".

const prevTokenGrace = 10 * time.Second

const (
	epochBytes = 6
	epochLen   = 8  // base64 of epochBytes
	tokenLen   = 30 // epoch + base64 of 16 random bytes
)

// Reasons of a 4007 close.
const (
	reasonRestarted = "restarted"
	reasonExpired   = "expired"
)

func newEpoch() string { return randomB64(epochBytes) }

func (h *hub) newToken() string { return h.epoch + randomB64(16) }

func randomB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// rotate gives s a new token after a resume with used (its current token, or
// its previous one in its grace: the client never got the current one).
func (h *hub) rotate(s *session, used string, now time.Time) {
	if s.prev != "" && s.prev != used {
		delete(h.byToken, s.prev)
	}
	if s.token != used {
		delete(h.byToken, s.token)
	}
	s.prev, s.prevUntil = used, now.Add(prevTokenGrace)
	s.token = h.newToken()
	h.byToken[s.token] = s
}

// voidPrev ends the grace of s's previous token.
func (h *hub) voidPrev(s *session) {
	if s.prev == "" {
		return
	}
	if h.byToken[s.prev] == s {
		delete(h.byToken, s.prev)
	}
	s.prev = ""
}

// unknownTokenReason says why a token opens no session: one of an earlier
// run of the server, or anything else.
func (h *hub) unknownTokenReason(tok string) string {
	if len(tok) == tokenLen && tok[:epochLen] != h.epoch {
		if _, err := base64.RawURLEncoding.DecodeString(tok); err == nil {
			return reasonRestarted
		}
	}
	return reasonExpired
}
