package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Classes, routes and the teacher's orders (docs/PROTOCOL.md §3,
// "Classes"). Each method sends one message and returns its req; the
// answer comes as an event (CLASS, CLASSES, CLASS_ORDER) or an ERROR with
// that req.

// CreateClass creates a class led by this teacher (CLASS answers, with
// the join code).
func (c *Client) CreateClass(name, level string) (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassCreate, ClassCreate: protocol.ClassCreate{Req: req, Name: name, Level: level}}
	})
}

// JoinClass joins the class of a join code, as a pupil (CLASS answers;
// ERROR bad_code for a wrong code: the sixth closes with 4017).
func (c *Client) JoinClass(code string) (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassJoin, ClassJoin: protocol.ClassJoin{Req: req, Code: code}}
	})
}

// ListClasses asks for the teacher's classes and the ready-made routes
// (CLASSES).
func (c *Client) ListClasses() (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassList, ClassList: protocol.ClassList{Req: req}}
	})
}

// OpenClass makes this teacher lead one of their classes (CLASS, then a
// full MEMBERS).
func (c *Client) OpenClass(id uint32) (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassOpen, ClassOpen: protocol.ClassOpen{Req: req, Class: id}}
	})
}

// SetRoute sets a class's route: a ready-made one (route, no hotspots) or
// the teacher's own hotspots in order (route "").
func (c *Client) SetRoute(id uint32, route string, hotspots ...string) (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassRoute, ClassRoute: protocol.ClassRoute{Req: req, Class: id, Route: route, Hotspots: hotspots}}
	})
}

// Order gives the class an order (gather, follow, pause for seconds,
// end, close, reopen).
func (c *Client) Order(id uint32, o protocol.Order, seconds uint16) (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassOrder, ClassOrder: protocol.ClassOrder{Req: req, Class: id, Order: o, Seconds: seconds}}
	})
}

// LeaveClass takes a pupil out of their class (ROLE 0 follows), or stops
// a teacher leading one.
func (c *Client) LeaveClass() (req uint32, err error) {
	return c.sendClass(func(req uint32) protocol.ClientMessage {
		return protocol.ClientMessage{Type: protocol.TypeClassLeave, ClassLeave: protocol.ClassLeave{Req: req}}
	})
}

func (c *Client) sendClass(msg func(req uint32) protocol.ClientMessage) (uint32, error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		m := msg(req)
		return protocol.AppendClassMessage(b, &m)
	})
}

// Ticket is the answer of POST /api/staff/ticket.
type Ticket struct {
	Ticket       string `json:"ticket"`
	ExpiresIn    int    `json:"expires_in"`
	Role         string `json:"role"`
	RoleCode     uint8  `json:"role_code"`
	Name         string `json:"name"`
	Booth        string `json:"booth"`
	TokenExpires int64  `json:"token_expires"`
}

// TicketError is a refusal of POST /api/staff/ticket: the HTTP status and
// the JSON's error code (no_token, bad_token, token_expired, …) and
// French message.
type TicketError struct {
	Status  int
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *TicketError) Error() string {
	return fmt.Sprintf("client: staff ticket refused: HTTP %d %s", e.Status, e.Code)
}

// StaffTicket exchanges a staff token for a ticket at base (the server's
// http(s)://host:port): pass the ticket in Options.StaffTicket. hc nil
// means http.DefaultClient. A refusal is a *TicketError.
func StaffTicket(ctx context.Context, hc *http.Client, base, token string) (Ticket, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	rq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/staff/ticket", nil)
	if err != nil {
		return Ticket{}, fmt.Errorf("client: staff ticket: %w", err)
	}
	rq.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(rq)
	if err != nil {
		return Ticket{}, fmt.Errorf("client: staff ticket: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return Ticket{}, fmt.Errorf("client: staff ticket: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		te := &TicketError{Status: resp.StatusCode}
		_ = json.Unmarshal(body, te)
		return Ticket{}, te
	}
	var t Ticket
	if err := json.Unmarshal(body, &t); err != nil {
		return Ticket{}, fmt.Errorf("client: staff ticket: %w", err)
	}
	return t, nil
}
