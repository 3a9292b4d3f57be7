package staff

import (
	"errors"
	"fmt"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Staff is who a valid token names.
type Staff struct {
	ID      string // the token's sub: the staff member's id, chosen by the organisers
	Role    protocol.Role
	Name    string // the display name
	Booth   string // a professional's booth id, else ""
	JTI     string // the token's id, for revocation
	Expires time.Time
}

// Role names, as the token's role claim spells them.
var roleNames = map[string]protocol.Role{
	"professional": protocol.RoleProfessional,
	"teacher":      protocol.RoleTeacher,
	"moderator":    protocol.RoleModerator,
	"organiser":    protocol.RoleOrganiser,
}

// ParseRole returns the staff role a claim names.
func ParseRole(s string) (protocol.Role, bool) {
	r, ok := roleNames[s]
	return r, ok
}

// RoleName is the claim's spelling of a staff role, "" for another role.
func RoleName(r protocol.Role) string {
	for n, v := range roleNames {
		if v == r {
			return n
		}
	}
	return ""
}

// Code is a typed reason a token or a ticket is refused; it is also the
// "error" field of the ticket endpoint's JSON (docs/PROTOCOL.md §3).
type Code string

const (
	CodeNoToken     Code = "no_token"
	CodeBadToken    Code = "bad_token"
	CodeExpired     Code = "token_expired"
	CodeRevoked     Code = "token_revoked"
	CodeWrongRole   Code = "wrong_role"
	CodeBadTicket   Code = "bad_ticket"
	CodeUnavailable Code = "unavailable"
)

// Error is why a token or a ticket was refused.
type Error struct {
	Code   Code
	Detail string // English, for logs
	Err    error  // the cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("staff: %s: %s: %v", e.Code, e.Detail, e.Err)
	}
	return fmt.Sprintf("staff: %s: %s", e.Code, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrExpired) and the like match on the code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Detail == "" && t.Err == nil
}

// Sentinels to compare with errors.Is.
var (
	ErrNoToken     = &Error{Code: CodeNoToken}
	ErrBadToken    = &Error{Code: CodeBadToken}
	ErrExpired     = &Error{Code: CodeExpired}
	ErrRevoked     = &Error{Code: CodeRevoked}
	ErrWrongRole   = &Error{Code: CodeWrongRole}
	ErrBadTicket   = &Error{Code: CodeBadTicket}
	ErrUnavailable = &Error{Code: CodeUnavailable}
)

// CodeOf returns the Code of an error from this package, "" for another.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func refuse(c Code, err error, format string, args ...any) *Error {
	return &Error{Code: c, Detail: fmt.Sprintf(format, args...), Err: err}
}
