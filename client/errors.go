package client

import (
	"errors"
	"fmt"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// CloseAbnormal is the code reported when the connection ended without a
// close frame (TCP reset, timeout, process killed): WebSocket's 1006, which
// never travels on the wire.
const CloseAbnormal protocol.CloseCode = 1006

// CloseError says why a connection ended or was refused. Code is the close
// code the server sent (docs/PROTOCOL.md §6), or CloseAbnormal when there
// was no close frame, or protocol.CloseMalformed when this client could not
// decode what the server sent (then Local is true).
type CloseError struct {
	Code   protocol.CloseCode
	Reason string // the server's reason text (French for 4010-4012), or the local cause
	Local  bool   // this client closed the connection (bad server message, write timeout)
	Err    error  // the underlying error, if any
}

func (e *CloseError) Error() string {
	who := "server"
	if e.Local {
		who = "client"
	}
	if e.Reason == "" {
		return fmt.Sprintf("%s closed the connection: %d %s", who, uint16(e.Code), e.Code)
	}
	return fmt.Sprintf("%s closed the connection: %d %s: %s", who, uint16(e.Code), e.Code, e.Reason)
}

func (e *CloseError) Unwrap() error { return e.Err }

// closeErrorOf turns an error of the websocket library into a *CloseError.
func closeErrorOf(err error) *CloseError {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce
	}
	var wce websocket.CloseError
	if errors.As(err, &wce) {
		return &CloseError{Code: protocol.CloseCode(wce.Code), Reason: wce.Reason}
	}
	return &CloseError{Code: CloseAbnormal, Reason: err.Error(), Err: err}
}

// CodeOf returns the close code carried by err: the Code of a *CloseError
// in its chain, or 0 when there is none (nil, or a dial failure before the
// WebSocket upgrade, such as connection refused or HTTP 403).
func CodeOf(err error) protocol.CloseCode {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
