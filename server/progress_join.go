package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
)

// The gateway's part of progress (docs/PROTOCOL.md §3, "Progress keys"):
// on the connection's goroutine, before the join, it finds the progress a
// session starts with, waiting on the store (never on the hub's goroutine).

// progressJoin is what the gateway found of a joining session's progress.
type progressJoin struct {
	id  string           // the progress id: a new one, or the record's
	rec *progress.Record // nil: nothing stored yet
	err error            // the store could not be read (a resume only)
}

// French reasons of close 4016 (at most 123 bytes: a close reason's limit).
const (
	keyReasonWords   = "Une clé, c'est trois mots de la liste, par exemple « pomme girafe nuage »."
	keyReasonUnknown = "Ce pseudonyme et cette clé ne vont pas ensemble : vérifie les trois mots et ton pseudonyme."
	keyReasonTooMany = "Trop d'essais de clé pour ce pseudonyme : réessaie dans une heure."
	keyReasonTooFast = "Trop d'essais de clé en ce moment : réessaie dans une minute."
	keyReasonWordFmt = "Le mot « %s » n'est pas dans la liste : vérifie l'orthographe de ta clé."
	maxKeyReasonWord = 40 // bytes of a typed word quoted in a reason
)

// progressHello is the progress of a new session (HELLO without a resume
// token) whose pseudonym's folded key is key: a new one when HELLO has no
// progress key, else the progress the key opens. A refusal is a close
// code (4016, or 4014 when the store cannot be reached) and its reason.
func (s *Server) progressHello(ctx context.Context, typed, key string) (progressJoin, protocol.CloseCode, string) {
	if typed == "" {
		return progressJoin{id: progress.NewID()}, 0, ""
	}
	words := s.hub.prog.cat.Words()
	norm, err := words.Normalise(typed)
	var ke *progress.KeyError
	if errors.As(err, &ke) {
		s.hub.prog.m.jobs.WithLabelValues("key", "malformed").Inc()
		if ke.Unknown != "" {
			w := ke.Unknown
			if len(w) > maxKeyReasonWord {
				w = w[:maxKeyReasonWord]
			}
			return progressJoin{}, protocol.CloseKeyRefused, fitReason(fmt.Sprintf(keyReasonWordFmt, w))
		}
		return progressJoin{}, protocol.CloseKeyRefused, keyReasonWords
	}
	store := s.cfg.Progress
	who := progress.WhoHash(key)
	n, err := store.WrongKeys(ctx, who)
	if err != nil {
		return progressJoin{}, protocol.CloseServiceUnavailable, unavailableReason
	}
	if n >= progress.KeyTriesPerPseudonym {
		s.hub.prog.m.jobs.WithLabelValues("key", "too_many").Inc()
		return progressJoin{}, protocol.CloseKeyRefused, keyReasonTooMany
	}
	// The node's bound on wrong keys, for everyone together: checked
	// before, taken only for a wrong key.
	if s.wrongKeys.Tokens() < 1 {
		s.hub.prog.m.jobs.WithLabelValues("key", "too_fast").Inc()
		return progressJoin{}, protocol.CloseKeyRefused, keyReasonTooFast
	}
	id, err := store.Lookup(ctx, progress.KeyHash(key, norm))
	var rec *progress.Record
	if err == nil {
		rec, err = store.Load(ctx, id)
	}
	switch {
	case errors.Is(err, progress.ErrNotFound):
		s.wrongKeys.Allow()
		_ = store.Failed(ctx, who)
		s.hub.prog.m.jobs.WithLabelValues("key", "wrong").Inc()
		return progressJoin{}, protocol.CloseKeyRefused, keyReasonUnknown
	case err != nil:
		return progressJoin{}, protocol.CloseServiceUnavailable, unavailableReason
	}
	s.hub.prog.m.jobs.WithLabelValues("key", "ok").Inc()
	return progressJoin{id: id, rec: rec}, 0, ""
}

// progressResume is the progress of a resumed session, found by the id
// its traits keep. A store that cannot be read gives err: the hub then
// uses what it still holds of the session, or refuses the join.
func (s *Server) progressResume(ctx context.Context, sess presence.Session) progressJoin {
	id := sess.Traits.Progress
	if id == "" { // a session of a build before progress
		return progressJoin{id: progress.NewID()}
	}
	rec, err := s.cfg.Progress.Load(ctx, id)
	switch {
	case errors.Is(err, progress.ErrNotFound):
		return progressJoin{id: id}
	case err != nil:
		return progressJoin{id: id, err: err}
	}
	return progressJoin{id: id, rec: rec}
}

// fitReason cuts a close reason to 123 bytes, on a rune boundary.
func fitReason(r string) string {
	const limit = 123
	if len(r) <= limit {
		return r
	}
	for i := limit; i > 0; i-- {
		if r[i]&0xC0 != 0x80 {
			return r[:i]
		}
	}
	return ""
}
