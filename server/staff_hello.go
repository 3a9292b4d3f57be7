package server

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// French reasons of closes 4018 and 4019.
const (
	staffRefusedReason = "Ton accès de l'équipe a expiré : rouvre le lien reçu des organisateurs."
	staffRevokedReason = "Ton accès de l'équipe a été retiré par les organisateurs."
)

// staffHello is a HELLO with a staff ticket: the ticket's staff member's
// display form, uniqueness key ("staff:" and their id: one session per
// staff member) and traits, or the close code and reason of a refusal.
func (s *Server) staffHello(ctx context.Context, ticket string, colour, shape uint8) (string, string, presence.Traits, protocol.CloseCode, string) {
	if s.staff.verifier == nil {
		return "", "", presence.Traits{}, protocol.CloseStaffRefused, staffRefusedReason
	}
	st, err := s.staff.tickets.Redeem(ctx, ticket)
	switch {
	case errors.Is(err, staff.ErrUnavailable):
		return "", "", presence.Traits{}, protocol.CloseServiceUnavailable, unavailableReason
	case err != nil:
		return "", "", presence.Traits{}, protocol.CloseStaffRefused, staffRefusedReason
	}
	display := strings.Join(strings.Fields(norm.NFKC.String(st.Name)), " ")
	if n := utf8.RuneCountInString(display); n < 1 || n > 40 {
		display = string([]rune(display)[:min(n, 40)])
	}
	if display == "" {
		return "", "", presence.Traits{}, protocol.CloseStaffRefused, staffRefusedReason
	}
	tr := presence.Traits{Role: st.Role, Colour: colour, Shape: shape, Staff: st.ID, JTI: st.JTI, Booth: st.Booth}
	return display, "staff:" + st.ID, tr, 0, ""
}

// revokeSweep closes, every RevokeEvery, the staff sessions whose token
// was revoked (4019), until ctx ends. It reads the denylist (I/O) here,
// never on the hub: the hub lists its staff sessions, this checks them.
func (s *Server) revokeSweep(ctx context.Context) {
	if s.cfg.Classes.RevokeEvery == 0 || s.staff.verifier == nil {
		return
	}
	t := time.NewTicker(s.cfg.Classes.RevokeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reply := make(chan []staffRef, 1)
		if !s.hub.send(ctx, staffListCmd{reply: reply}) {
			return
		}
		var refs []staffRef
		select {
		case refs = <-reply:
		case <-ctx.Done():
			return
		}
		for _, r := range refs {
			revoked, err := s.staff.deny.Revoked(ctx, r.jti)
			if err != nil || !revoked {
				continue // unreachable: checked again next time
			}
			s.hub.send(ctx, revokeCmd{c: r.c})
		}
	}
}

// staffRef is one staff session for the sweep.
type staffRef struct {
	c   *conn
	jti string
}

// staffListCmd lists the node's staff sessions.
type staffListCmd struct{ reply chan []staffRef }

func (l staffListCmd) run(h *hub) {
	var out []staffRef
	for _, c := range h.conns {
		if cs := h.classSessOf(c); cs != nil && cs.jti != "" {
			out = append(out, staffRef{c: c, jti: cs.jti})
		}
	}
	l.reply <- out
}

// revokeCmd ends a staff session whose token was revoked: the session
// ends (not resumable) and the connection is closed with 4019.
type revokeCmd struct{ c *conn }

func (r revokeCmd) run(h *hub) {
	if !h.owns(r.c) {
		return
	}
	h.cls.m.revoked.Inc()
	hs := r.c.sess
	h.drop(hs)
	h.store.End(hs.ref)
	r.c.close(protocol.CloseStaffRevoked, staffRevokedReason)
}
