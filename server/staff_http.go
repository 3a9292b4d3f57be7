package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// staffSignIn is the server's part of staff sign-in (docs/PROTOCOL.md §3,
// "Staff sign-in"): the ticket endpoint and HELLO's ticket. Safe for
// concurrent use.
type staffSignIn struct {
	verifier *staff.Verifier // nil: no staff key, nobody signs in
	tickets  staff.Tickets
	deny     staff.Denylist
	limit    *rate.Limiter
	m        *classMetrics
}

// French messages of the ticket endpoint's errors, for the page to show.
var ticketMessages = map[string]string{
	string(staff.CodeNoToken):     "Ouvre le lien personnel reçu des organisateurs pour te connecter.",
	string(staff.CodeBadToken):    "Ce lien d'accès n'est pas valide : demande un nouveau lien aux organisateurs.",
	string(staff.CodeExpired):     "Ce lien d'accès a expiré : demande un nouveau lien aux organisateurs.",
	string(staff.CodeRevoked):     "Ce lien d'accès a été retiré par les organisateurs.",
	string(staff.CodeWrongRole):   "Ce lien ne donne pas un accès de l'équipe du salon.",
	string(staff.CodeUnavailable): "Le salon est momentanément indisponible : nouvel essai dans quelques secondes.",
	"staff_disabled":              "La connexion de l'équipe n'est pas ouverte sur ce serveur.",
	"method_not_allowed":          "Requête refusée.",
	"rate_limited":                "Trop de connexions en ce moment : nouvel essai dans une seconde.",
}

// ticketAnswer is the 200 answer of POST /api/staff/ticket.
type ticketAnswer struct {
	Ticket       string `json:"ticket"`
	ExpiresIn    int    `json:"expires_in"`
	Role         string `json:"role"`
	RoleCode     uint8  `json:"role_code"`
	Name         string `json:"name"`
	Booth        string `json:"booth"`
	TokenExpires int64  `json:"token_expires"`
}

type ticketError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// serveTicket is POST /api/staff/ticket: a token in the Authorization
// header (never in the URL) for a single-use ticket HELLO carries.
func (s *Server) serveTicket(w http.ResponseWriter, r *http.Request) {
	si := s.staff
	w.Header().Set("Cache-Control", "no-store")
	fail := func(status int, code string) {
		si.m.tickets.WithLabelValues(code).Inc()
		w.Header().Set("Content-Type", "application/json")
		if code == "rate_limited" {
			w.Header().Set("Retry-After", "1")
		}
		if code == "method_not_allowed" {
			w.Header().Set("Allow", "POST")
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(ticketError{Error: code, Message: ticketMessages[code]})
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "method_not_allowed")
		return
	}
	if !si.limit.Allow() {
		fail(http.StatusTooManyRequests, "rate_limited")
		return
	}
	if si.verifier == nil {
		fail(http.StatusNotFound, "staff_disabled")
		return
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		fail(http.StatusUnauthorized, string(staff.CodeNoToken))
		return
	}
	st, err := si.verifier.Verify(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		code := staff.CodeOf(err)
		switch code {
		case staff.CodeWrongRole:
			fail(http.StatusForbidden, string(code))
		case staff.CodeUnavailable:
			s.log.Warn("staff denylist unreachable", "err", err)
			fail(http.StatusServiceUnavailable, string(code))
		case staff.CodeNoToken, staff.CodeExpired, staff.CodeRevoked:
			fail(http.StatusUnauthorized, string(code))
		default:
			fail(http.StatusUnauthorized, string(staff.CodeBadToken))
		}
		return
	}
	ticket, err := si.tickets.Issue(r.Context(), st)
	if err != nil {
		s.log.Warn("staff tickets unreachable", "err", err)
		fail(http.StatusServiceUnavailable, string(staff.CodeUnavailable))
		return
	}
	si.m.tickets.WithLabelValues("ok").Inc()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ticketAnswer{
		Ticket: ticket, ExpiresIn: int(staff.TicketTTL / time.Second), Role: staff.RoleName(st.Role), RoleCode: uint8(st.Role),
		Name: st.Name, Booth: st.Booth, TokenExpires: st.Expires.Unix(),
	})
}
