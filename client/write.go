package client

import (
	"context"
	"fmt"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Move asks the avatar to walk in direction (dx, dy) (length at most 1; (0, 0)
// stops) and returns the intent's seq, which a later UPDATE acks.
func (c *Client) Move(dx, dy float64) (seq uint32, err error) {
	return c.sendIntent(func(b []byte, seq uint32) []byte {
		return protocol.AppendMove(b, protocol.Move{Seq: seq, DX: dx, DY: dy})
	})
}

// Goto asks the avatar to walk to (x, y), in metres, and returns the intent's
// seq. The server answers with a PATH event carrying the same seq.
func (c *Client) Goto(x, y float64) (seq uint32, err error) {
	return c.sendIntent(func(b []byte, seq uint32) []byte {
		return protocol.AppendGoto(b, protocol.Goto{Seq: seq, X: x, Y: y})
	})
}

// OpenHotspot asks for a hotspot's content and returns the request number
// that the HOTSPOT_CONTENT or ERROR event will carry.
func (c *Client) OpenHotspot(id string) (req uint32, err error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.req++
	c.wbuf = protocol.AppendOpenHotspot(c.wbuf[:0], protocol.OpenHotspot{Req: c.req, ID: id})
	return c.req, c.write()
}

// CloseHotspot says the hotspot's panel was closed.
func (c *Client) CloseHotspot(id string) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.wbuf = protocol.AppendCloseHotspot(c.wbuf[:0], protocol.CloseHotspot{ID: id})
	return c.write()
}

// LastSeq is the seq of the last intent sent (Options.Seq before any).
func (c *Client) LastSeq() uint32 {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.seq
}

// sendIntent numbers and writes an intent. The seq is taken under writeMu so
// that seqs go out in increasing order.
func (c *Client) sendIntent(encode func(b []byte, seq uint32) []byte) (uint32, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.seq++
	c.wbuf = encode(c.wbuf[:0], c.seq)
	if c.opts.OnEcho != nil {
		// Stamped before the write, so the ack can never be read first.
		c.mu.Lock()
		c.echo.push(echoEntry{seq: c.seq, at: c.now()})
		c.mu.Unlock()
	}
	return c.seq, c.write()
}

// write sends c.wbuf; the caller holds writeMu.
func (c *Client) write() error {
	select {
	case <-c.done:
		return c.sendError()
	default:
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.WriteTimeout)
	err := c.conn.Write(ctx, websocket.MessageBinary, c.wbuf)
	cancel()
	if err != nil {
		select {
		case <-c.done:
			return c.sendError()
		default:
		}
		return fmt.Errorf("client: failed to write: %w", err)
	}
	c.stats.messagesSent.Add(1)
	c.stats.bytesSent.Add(uint64(len(c.wbuf)))
	return nil
}

func (c *Client) sendError() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return ErrClosed
}

// now is the time since the client started, on the monotonic clock.
func (c *Client) now() time.Duration { return time.Since(c.start) }

// echoEntry is an intent waiting for its ack.
type echoEntry struct {
	seq uint32
	at  time.Duration // since Client.start
}

// echoRing holds the intents sent and not yet acked, oldest first. It is
// bounded: past its size the oldest is forgotten (never reported).
type echoRing struct {
	buf        [16]echoEntry
	head, n    int
	overwrites uint64
}

func (r *echoRing) push(e echoEntry) {
	if r.n == len(r.buf) {
		r.head = (r.head + 1) % len(r.buf)
		r.n--
		r.overwrites++
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

// ack removes and appends to dst the entries whose seq is at most ack
// (in serial-number order, so the numbering may wrap).
func (r *echoRing) ack(ack uint32, dst []echoEntry) []echoEntry {
	for r.n > 0 && int32(ack-r.buf[r.head].seq) >= 0 {
		dst = append(dst, r.buf[r.head])
		r.head = (r.head + 1) % len(r.buf)
		r.n--
	}
	return dst
}

// sendReq numbers and writes a request; the number is what its answer
// (or ERROR) carries.
func (c *Client) sendReq(encode func(b []byte, req uint32) []byte) (uint32, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.req++
	c.wbuf = encode(c.wbuf[:0], c.req)
	return c.req, c.write()
}

// Answer sends the one scored attempt at quiz question q (from 0) of a
// hotspot the visitor has open: the indexes (from 0) of the picked
// choices. The server answers with an ANSWER_RESULT (or an ERROR).
func (c *Client) Answer(hotspot string, q int, choices ...int) (req uint32, err error) {
	if q < 0 || q > 255 || len(choices) > protocol.MaxAnswerChoices {
		return 0, fmt.Errorf("client: question %d with %d choices: out of range", q, len(choices))
	}
	a := protocol.Answer{HotspotID: hotspot, Question: uint8(q), N: uint8(len(choices))}
	for i, ch := range choices {
		if ch < 0 || ch > 63 {
			return 0, fmt.Errorf("client: choice %d out of range", ch)
		}
		a.Choices[i] = uint8(ch)
	}
	return c.sendReq(func(b []byte, req uint32) []byte { a.Req = req; return protocol.AppendAnswer(b, a) })
}

// Questionnaire sends the questionnaire's answers, one per question: the
// index (from 0) of the picked choice, or -1 for a question skipped. The
// server answers with a QUESTIONNAIRE_RESULT (or an ERROR).
func (c *Client) Questionnaire(hotspot string, answers []int) (req uint32, err error) {
	if len(answers) > protocol.MaxQuestionnaireAnswers {
		return 0, fmt.Errorf("client: %d answers, more than %d", len(answers), protocol.MaxQuestionnaireAnswers)
	}
	q := protocol.QuestionnaireAnswers{HotspotID: hotspot, N: uint8(len(answers))}
	for i, a := range answers {
		if a < -1 || a > 63 {
			return 0, fmt.Errorf("client: answer %d out of range", a)
		}
		q.Answers[i] = int8(a)
	}
	return c.sendReq(func(b []byte, req uint32) []byte { q.Req = req; return protocol.AppendQuestionnaire(b, q) })
}

// GetProgress asks for the whole progress (a full PROGRESS event).
func (c *Client) GetProgress() (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendGetProgress(b, protocol.GetProgress{Req: req})
	})
}

// Leaderboard asks for a leaderboard (a LEADERBOARD event).
func (c *Client) Leaderboard(scope protocol.Scope) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendGetLeaderboard(b, protocol.GetLeaderboard{Req: req, Scope: scope})
	})
}

// Share asks for the share link of a badge the visitor earned (a
// SHARE_LINK event with its path).
func (c *Client) Share(badge string) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendShare(b, protocol.Share{Req: req, Badge: badge}, false)
	})
}

// Unshare deletes a badge's share link (a SHARE_LINK event with no path).
func (c *Client) Unshare(badge string) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendShare(b, protocol.Share{Req: req, Badge: badge}, true)
	})
}

// Erase asks the server to erase everything it keeps about the visitor;
// it then ends the session and closes the connection with 4015 (erased).
func (c *Client) Erase() (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte { return protocol.AppendErase(b, protocol.Erase{Req: req}) })
}
