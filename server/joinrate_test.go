package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// The join rate is fair-wide: two nodes over one Redis share one budget
// (a burst of 4, almost no refill), so 10 new visitors spread over both
// get 4 welcomes between them, not 4 each; the others get 4004.
func TestJoinRateIsFairWide(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	var urls []string
	for _, id := range []string{"ja", "jb"} {
		n := servertest.Start(t, func(c *server.Config) {
			c.JoinRate, c.JoinBurst = 0.01, 4
			servertest.Redis(t, rs.URL(), id, "jr", 0)(c)
		})
		urls = append(urls, n.URL)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	welcomed, refused := 0, 0
	for i := range 10 {
		c, err := client.Dial(ctx, urls[i%2], client.Options{Pseudonym: fmt.Sprintf("Visiteur%c", 'a'+i)})
		switch {
		case err == nil:
			welcomed++
			defer c.Close()
		case client.CodeOf(err) == protocol.CloseTooManyJoins:
			refused++
		case client.CodeOf(err) == protocol.CloseServiceUnavailable:
			// The node's first heartbeat is not done yet: try again.
			time.Sleep(200 * time.Millisecond)
		default:
			t.Fatalf("join %d: %v", i, err)
		}
	}
	if welcomed < 4 || welcomed > 5 || welcomed+refused < 9 {
		t.Fatalf("%d welcomed and %d refused with 4004 over two nodes, want the fair's burst of 4 (5 with a refill)", welcomed, refused)
	}
}
