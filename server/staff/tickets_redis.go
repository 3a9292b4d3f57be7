package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

var _ Tickets = (*RedisTickets)(nil)

// RedisTickets is the Tickets every node of a fair shares: one key per
// ticket, named by the ticket's SHA-256 (Redis never holds a usable
// ticket), expiring after TicketTTL and deleted by its use (GETDEL).
type RedisTickets struct {
	rc      redis.UniversalClient
	prefix  string
	timeout time.Duration
}

// NewRedisTickets returns the tickets in rc under prefix ("" means
// "fair"); every call is bounded by timeout (0 means 1 s).
func NewRedisTickets(rc redis.UniversalClient, prefix string, timeout time.Duration) *RedisTickets {
	if prefix == "" {
		prefix = "fair"
	}
	if timeout == 0 {
		timeout = time.Second
	}
	return &RedisTickets{rc: rc, prefix: prefix, timeout: timeout}
}

func (t *RedisTickets) key(ticket string) string {
	h := sha256.Sum256([]byte(ticket))
	return t.prefix + ":staff:ticket:" + hex.EncodeToString(h[:16])
}

// storedStaff is a ticket's record.
type storedStaff struct {
	ID      string `json:"sub"`
	Role    uint8  `json:"role"`
	Name    string `json:"name"`
	Booth   string `json:"booth,omitempty"`
	JTI     string `json:"jti"`
	Expires int64  `json:"exp"`
}

// Issue implements Tickets.
func (t *RedisTickets) Issue(ctx context.Context, s Staff) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	b, err := json.Marshal(storedStaff{ID: s.ID, Role: uint8(s.Role), Name: s.Name, Booth: s.Booth, JTI: s.JTI, Expires: s.Expires.Unix()})
	if err != nil {
		return "", fmt.Errorf("staff: failed to encode a ticket: %w", err)
	}
	tk := RandomID(ticketBytes)
	if err := t.rc.Set(ctx, t.key(tk), b, TicketTTL).Err(); err != nil {
		return "", refuse(CodeUnavailable, err, "failed to store a ticket")
	}
	return tk, nil
}

// Redeem implements Tickets.
func (t *RedisTickets) Redeem(ctx context.Context, ticket string) (Staff, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	b, err := t.rc.GetDel(ctx, t.key(ticket)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return Staff{}, refuse(CodeBadTicket, nil, "ticket unknown, used or expired")
	case err != nil:
		return Staff{}, refuse(CodeUnavailable, err, "failed to read a ticket")
	}
	var st storedStaff
	if err := json.Unmarshal(b, &st); err != nil {
		return Staff{}, refuse(CodeBadTicket, err, "ticket record unreadable")
	}
	return Staff{ID: st.ID, Role: protocol.Role(st.Role), Name: st.Name, Booth: st.Booth, JTI: st.JTI,
		Expires: time.Unix(st.Expires, 0)}, nil
}
