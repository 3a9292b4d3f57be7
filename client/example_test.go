package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Connect, walk east for a moment and wait until the server has applied the
// intent (its seq comes back as the UPDATE's ack) and the avatar has moved.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, err := client.Dial(ctx, "ws://localhost:8080/ws", client.Options{Pseudonym: "Lea"})
	if err != nil {
		// A refusal after the upgrade carries the close code and the
		// server's (French) reason, to show to the visitor.
		if code := client.CodeOf(err); code != 0 {
			log.Fatalf("refused: %v (retry: %v)", err, code.Retry())
		}
		log.Fatal(err)
	}
	defer c.Close()

	x0, _ := c.Self()
	seq, err := c.Move(1, 0) // east, full speed
	if err != nil {
		log.Fatal(err)
	}
	err = c.WaitFor(ctx, func(c *client.Client) bool {
		x, _ := c.Self()
		return c.Ack() >= seq && x > x0
	})
	if err != nil {
		log.Fatal(err)
	}
	c.Move(0, 0) // stop
	fmt.Printf("%s sees %d avatars\n", c.Welcome().Pseudonym, len(c.Avatars()))
}

// Events arrive on a bounded channel; a slow reader loses events (counted in
// Stats().EventsDropped), never positions.
func ExampleClient_Events() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "ws://localhost:8080/ws", client.Options{Pseudonym: "Lea"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	req, _ := c.OpenHotspot("h-001")
	for e := range c.Events() { // closed when the connection ends
		switch e := e.(type) { // one type per event kind
		case protocol.HotspotContent:
			if e.Req == req {
				fmt.Println(e.Title) // the content
				return
			}
		case protocol.ErrorEvent:
			if e.Ref == req {
				fmt.Println(e.Code) // an error such as out_of_range
				return
			}
		}
	}
}
