package staff

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Issue signs a token for s with the fair's private key: only the
// organisers' command (cmd/stafftoken) and tests call it; no node does.
// An empty s.JTI gets a random one; s.Expires is required.
func Issue(priv ed25519.PrivateKey, s Staff, now time.Time) (string, error) {
	name := RoleName(s.Role)
	switch {
	case len(priv) != ed25519.PrivateKeySize:
		return "", errors.New("staff: not an Ed25519 private key")
	case name == "":
		return "", fmt.Errorf("staff: role %d is not a staff role", s.Role)
	case s.Expires.IsZero() || !s.Expires.After(now):
		return "", errors.New("staff: the expiry must be in the future")
	case !idPattern.MatchString(s.ID):
		return "", fmt.Errorf("staff: id %q: 1 to 64 of A-Z a-z 0-9 _ -", s.ID)
	case s.Name == "":
		return "", errors.New("staff: a display name is required")
	case (s.Role == protocol.RoleProfessional) != (s.Booth != ""):
		return "", errors.New("staff: a booth is required for a professional, and only for one")
	}
	if s.JTI == "" {
		s.JTI = RandomID(12)
	}
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   s.ID,
			ID:        s.JTI,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(s.Expires),
		},
		Role: name, Name: s.Name, Booth: s.Booth,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(priv)
	if err != nil {
		return "", fmt.Errorf("staff: failed to sign: %w", err)
	}
	return tok, nil
}

// RandomID returns n random bytes in base64url, without padding.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
