package staff

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// MaxTokenBytes bounds a token: a longer string is refused unparsed.
const MaxTokenBytes = 4 << 10

// claims are a staff token's JWT claims.
type claims struct {
	jwt.RegisteredClaims
	Role  string `json:"role"`
	Name  string `json:"name"`
	Booth string `json:"booth,omitempty"`
}

// idPattern bounds what a sub, a jti and a booth may hold: they become
// parts of Redis keys, of a session record (dot-separated) and of log lines.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Verifier checks staff tokens with the fair's public key. It is safe for
// concurrent use.
type Verifier struct {
	pub    ed25519.PublicKey
	deny   Denylist
	now    func() time.Time
	parser *jwt.Parser
}

// NewVerifier returns a Verifier of tokens signed by pub's private key;
// deny is the revocation denylist (nil: none is revoked); now is the clock
// (nil: time.Now).
func NewVerifier(pub ed25519.PublicKey, deny Denylist, now func() time.Time) (*Verifier, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("staff: public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if now == nil {
		now = time.Now
	}
	v := &Verifier{pub: pub, deny: deny, now: now}
	// Only EdDSA: "none" and HS256 (whose secret would be the public key,
	// the algorithm confusion) are refused before any key is used.
	v.parser = jwt.NewParser(jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return v.now() }))
	return v, nil
}

// Verify checks a token and returns who it names. Every refusal is an
// *Error: CodeBadToken (not a JWT, a wrong algorithm, a bad signature, a
// claim missing or malformed), CodeExpired, CodeWrongRole (a role that is
// not a staff role), CodeRevoked, CodeUnavailable (the denylist cannot be
// read).
func (v *Verifier) Verify(ctx context.Context, token string) (Staff, error) {
	if token == "" {
		return Staff{}, refuse(CodeNoToken, nil, "empty token")
	}
	if len(token) > MaxTokenBytes {
		return Staff{}, refuse(CodeBadToken, nil, "token of %d bytes over %d", len(token), MaxTokenBytes)
	}
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if _, ok := t.Method.(*jwt.SigningMethodEd25519); !ok {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return v.pub, nil
	})
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return Staff{}, refuse(CodeExpired, err, "token expired")
	default:
		return Staff{}, refuse(CodeBadToken, err, "token refused")
	}
	role, ok := ParseRole(c.Role)
	if !ok {
		return Staff{}, refuse(CodeWrongRole, nil, "role %q is not a staff role", c.Role)
	}
	switch {
	case !idPattern.MatchString(c.Subject):
		return Staff{}, refuse(CodeBadToken, nil, "sub missing or malformed")
	case !idPattern.MatchString(c.ID):
		return Staff{}, refuse(CodeBadToken, nil, "jti missing or malformed")
	case c.Name == "" || len(c.Name) > 160:
		return Staff{}, refuse(CodeBadToken, nil, "name missing or over 160 bytes")
	case role == protocol.RoleProfessional && !idPattern.MatchString(c.Booth):
		return Staff{}, refuse(CodeBadToken, nil, "a professional's token without its booth")
	case role != protocol.RoleProfessional && c.Booth != "":
		return Staff{}, refuse(CodeBadToken, nil, "booth in a %s's token", c.Role)
	}
	if v.deny != nil {
		revoked, err := v.deny.Revoked(ctx, c.ID)
		if err != nil {
			return Staff{}, refuse(CodeUnavailable, err, "denylist unreadable")
		}
		if revoked {
			return Staff{}, refuse(CodeRevoked, nil, "jti %s revoked", c.ID)
		}
	}
	return Staff{ID: c.Subject, Role: role, Name: c.Name, Booth: c.Booth, JTI: c.ID, Expires: c.ExpiresAt.Time}, nil
}
