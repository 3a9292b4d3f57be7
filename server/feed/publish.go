package feed

import (
	"cmp"
	"slices"
	"time"

	"github.com/usine-extraordinaire/fairworld/world"
)

// Publish exports what the local avatars did since the last Publish, one
// record per channel, and hands them to the publisher goroutine; then it
// updates the subscriptions from the local viewers' interest. Call it
// after each Step.
func (s *Sync) Publish(w *world.World, now time.Time) {
	t := now.UnixNano()
	var b *pubBatch
	select {
	case b = <-s.free:
	default:
		s.stats.DroppedTicks++
		s.m.drop[dropPublishQueueFull].Inc()
	}
	tick := s.tickOf(t)
	w.Export(func(ex *world.ChannelExport) {
		ch := ex.Channel
		full := false
		switch nf := s.nextFull[ch]; {
		case nf == 0: // staggered over the period, so full records do not come all at once
			s.nextFull[ch] = t + int64(ch)%max(1, s.fullT/s.tickT)*s.tickT
		case t >= nf:
			full = true
			s.nextFull[ch] = max(nf+s.fullT, t+s.tickT)
		}
		s.moved, s.idents = s.moved[:0], s.idents[:0]
		for _, a := range ex.Avatars {
			switch {
			case full || a.New || a.Ident:
				s.idents = append(s.idents, a)
			case a.Moved:
				s.moved = append(s.moved, a)
			}
		}
		notes := s.outNote[int32(ch)]
		if !full && len(s.moved)+len(s.idents)+len(ex.Gone)+len(ex.Discovered)+len(notes) == 0 &&
			!slices.ContainsFunc(ex.Hotspots, func(h world.HotspotCount) bool { return h.Changed }) {
			return // nothing new: the next full record is the keepalive
		}
		s.seq[ch]++ // also when dropped: receivers see the gap
		if b == nil {
			return
		}
		slices.SortFunc(s.moved, func(x, y world.ExportAvatar) int { return cmp.Compare(x.ID, y.ID) })
		b.offs = append(b.offs, len(b.buf))
		b.chs = append(b.chs, int32(ch))
		s.enc.b = b.buf
		s.enc.begin(Header{Node: s.cfg.Node, Channel: uint32(ch), Seq: s.seq[ch], Tick: tick, Full: full})
		s.enc.positions(s.moved)
		s.enc.identities(s.idents)
		s.enc.gone(ex.Gone)
		s.enc.discovered(ex.Discovered)
		s.enc.hotspots(ex.Hotspots, full)
		s.enc.notices(notes)
		b.buf = s.enc.b
	})
	// Notices of channels without a record this tick (their avatar left
	// meanwhile) are dropped: a notice is only news for a moment.
	for ch, ns := range s.outNote {
		clear(ns)
		s.outNote[ch] = ns[:0]
	}
	if b != nil {
		b.offs = append(b.offs, len(b.buf))
		for i, ch := range b.chs {
			b.msgs = append(b.msgs, Message{Channel: s.names[ch], Data: b.buf[b.offs[i]:b.offs[i+1]]})
		}
		if len(b.msgs) == 0 {
			b.reset()
			s.free <- b
		} else {
			s.stats.Published += uint64(len(b.msgs))
			s.inflight.Add(1)
			s.work <- b // never blocks: as many places as batches
		}
	}
	s.subscriptions(w, t)
}

// Notice publishes a friendly notice about local avatar id, who stands in
// feed channel ch (World.ChannelOf), with the next Publish: the other
// nodes hand it to their viewers of the avatar (Notices). text is at most
// MaxNoticeBytes. Call it on the hub goroutine, between two Publishes.
func (s *Sync) Notice(ch int, id world.ID, kind uint8, text string) {
	if ch < 0 || ch >= len(s.names) {
		return
	}
	s.outNote[int32(ch)] = append(s.outNote[int32(ch)], Notice{Avatar: id, Kind: kind, Text: []byte(text)})
}

// Notices calls fn with each notice other nodes published since the last
// call (received by the Applies in between), then forgets them. Call it
// after Apply.
func (s *Sync) Notices(fn func(ReceivedNotice)) {
	for _, n := range s.inNote {
		fn(n)
	}
	clear(s.inNote)
	s.inNote = s.inNote[:0]
}

// subscriptions subscribes the channels the local viewers need now and
// unsubscribes those no one needed for Linger.
func (s *Sync) subscriptions(w *world.World, t int64) {
	s.bits = w.Interest(s.cfg.Margin, s.bits)
	changed := false
	linger := int64(s.cfg.Linger)
	for ch := range s.sub {
		if s.bits[ch/64]&(1<<(ch%64)) != 0 {
			s.lastWanted[ch] = t
			if !s.sub[ch] {
				s.sub[ch], changed = true, true
			}
		} else if s.sub[ch] && t-s.lastWanted[ch] > linger {
			s.sub[ch], changed = false, true
		}
	}
	if !changed {
		return
	}
	s.subMu.Lock()
	copy(s.desired, s.sub)
	s.subGen++
	s.subMu.Unlock()
	select {
	case s.subNote <- struct{}{}:
	default:
	}
}
