package class

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

var _ Bus = (*RedisBus)(nil)

// RedisBus is the Bus of the nodes of a fair: one pub/sub channel,
// prefix:{class}:bus. Publish queues (1,024 messages); a goroutine of Run
// sends them. A message lost while Redis is away is not sent again: beats
// come every second anyway, and an order's effect is also in the class's
// stored record.
type RedisBus struct {
	rc  redis.UniversalClient
	ch  string
	out chan []byte
	log *slog.Logger
}

// NewRedisBus returns the bus in rc under prefix ("" means "fair").
func NewRedisBus(rc redis.UniversalClient, prefix string, log *slog.Logger) *RedisBus {
	if prefix == "" {
		prefix = "fair"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &RedisBus{rc: rc, ch: prefix + ":{class}:bus", out: make(chan []byte, 1024), log: log}
}

// Publish implements Bus.
func (b *RedisBus) Publish(m Message) bool {
	enc, err := Encode(&m)
	if err != nil {
		return false
	}
	select {
	case b.out <- enc:
		return true
	default:
		return false
	}
}

// Run implements Bus: it subscribes, delivers and publishes until ctx
// ends, resubscribing after an outage (go-redis does).
func (b *RedisBus) Run(ctx context.Context, deliver func(Message)) {
	sub := b.rc.Subscribe(ctx, b.ch)
	defer sub.Close()
	done := make(chan struct{})
	go func() { // the publisher
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case enc := <-b.out:
				pctx, cancel := context.WithTimeout(ctx, time.Second)
				if err := b.rc.Publish(pctx, b.ch, enc).Err(); err != nil && ctx.Err() == nil {
					b.log.Debug("class bus publish failed", "err", err)
				}
				cancel()
			}
		}
	}()
	msgs := sub.Channel(redis.WithChannelSize(1024))
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case pm, ok := <-msgs:
			if !ok {
				<-done
				return
			}
			m, err := Decode([]byte(pm.Payload))
			if err != nil {
				b.log.Warn("class bus: a bad message", "err", err)
				continue
			}
			deliver(m)
		}
	}
}
