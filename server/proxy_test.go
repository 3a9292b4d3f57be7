package server_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// Behind a reverse proxy that rewrites Host, the page's Origin is its public
// host: it is accepted when the proxy is trusted and says so in
// X-Forwarded-Host, refused otherwise.
func TestOriginBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	dialWith := func(in *servertest.Instance, h http.Header) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: name(), Header: h})
		if err == nil {
			c.Close()
		}
		return err
	}
	page := http.Header{"Origin": {"https://fair.example.org"}, "X-Forwarded-Host": {"fair.example.org"}}
	trusting := servertest.Start(t, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	if err := dialWith(trusting, page); err != nil {
		t.Errorf("page origin through a trusted proxy refused: %v", err)
	}
	if err := dialWith(trusting, http.Header{"Origin": {"https://evil.example.net"}, "X-Forwarded-Host": {"fair.example.org"}}); err == nil {
		t.Error("a foreign origin was accepted")
	}
	untrusting := servertest.Start(t, nil)
	if err := dialWith(untrusting, page); err == nil {
		t.Error("X-Forwarded-Host believed from an untrusted peer")
	}
}

// A client that neither reads nor answers pings is closed with 4013.
func TestSilentClientIsClosedIdle(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) {
		c.PingInterval = 200 * time.Millisecond
		c.PingTimeout = 300 * time.Millisecond
	})
	ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
	rawHello(t, ws) // then never reads again: pongs are never sent
	mustWait(t, 10*time.Second, "a silent client to be closed as idle", func() bool {
		return counter(t, in, "fair_gateway_closes_total", "code=idle") >= 1
	})
	if n := counter(t, in, "fair_gateway_keepalive_pings_total", "result=failed"); n < 1 {
		t.Errorf("keepalive_pings_total{result=failed} = %v", n)
	}
	// A reading client answers pings and stays.
	c := dial(t, in, client.Options{})
	ok := counter(t, in, "fair_gateway_keepalive_pings_total", "result=ok")
	mustWait(t, 10*time.Second, "the reading client to answer pings", func() bool {
		return counter(t, in, "fair_gateway_keepalive_pings_total", "result=ok") >= ok+3
	})
	select {
	case <-c.Done():
		t.Fatalf("a reading client was closed: %v", c.Err())
	default:
	}
}
