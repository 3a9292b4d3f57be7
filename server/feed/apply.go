package feed

import (
	"errors"
	"slices"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Apply replays what other nodes published since the last Apply: remote
// avatars enter, move and leave the world, hotspot discoveries reach the
// local viewers, remote hotspot counts add to the local ones. It removes
// the remote avatars that no record mentioned for Expiry. Call it before
// each Step, with the time of the tick.
func (s *Sync) Apply(w *world.World, now time.Time) {
	t := now.UnixNano()
	s.round++
	s.inbox = s.feed.Drain(s.inbox[:0])
	for i := range s.inbox {
		s.apply(w, s.inbox[i].Data, t)
	}
	for _, d := range s.discs {
		w.DiscoveredRemote(d.avatar, string(d.hotspot))
	}
	clear(s.discs)
	s.discs = s.discs[:0]
	clear(s.inbox) // the messages' data can go
	s.sweep(w, t)
	s.sweepHotspots(w, t)
	if s.round%uint64(s.cfg.TickRate) == 0 {
		s.sweepStreams(t)
		s.m.remote.Set(float64(len(s.remotes)))
	}
}

func (s *Sync) apply(w *world.World, data []byte, t int64) {
	r := &s.rec
	if err := r.Decode(data); err != nil {
		s.stats.DroppedRecord++
		if errors.Is(err, ErrVersion) {
			s.m.drop[dropVersion].Inc()
		} else {
			s.m.drop[dropMalformed].Inc()
		}
		return
	}
	if r.Node == s.cfg.Node {
		return // our own, back from the channel
	}
	if int(r.Channel) >= len(s.names) {
		s.stats.DroppedRecord++
		s.m.drop[dropMalformed].Inc()
		return
	}
	key := streamKey{r.Node, r.Channel}
	si, ok := s.streams[key]
	if !ok {
		si = s.newStream(key, r.Seq-1)
	}
	st := &s.st[si]
	switch d := r.Seq - st.lastSeq; {
	case d == 0 || d > 1<<31:
		s.stats.DroppedRecord++
		s.m.drop[dropDuplicate].Inc()
		return
	case d > 1:
		s.stats.Gaps += uint64(d - 1)
		s.m.gaps.Add(float64(d - 1))
		st.gapped = true
	}
	st.lastSeq, st.seen = r.Seq, t
	if tick := s.tickOf(t); tick > r.Tick && tick-r.Tick > uint64(s.cfg.Stale/time.Duration(s.tickT)) {
		s.stats.DroppedRecord++
		s.m.drop[dropStale].Inc()
		return
	}
	s.stats.Received++
	if r.Full {
		st.fullGen++
		if st.gapped {
			st.gapped = false
			s.stats.Resyncs++
			s.m.resyncs.Inc()
		}
	}
	r.Identities(func(id Ident) { s.ident(w, si, &id, t) })
	r.Positions(func(p Position) { s.position(w, si, p, t) })
	r.Gone(func(id world.ID) {
		if ri, ok := s.remotes[id]; ok && s.rs[ri].stream == si {
			s.rs[ri].goneRound = s.round
		}
	})
	r.Discoveries(func(d Discovered) { s.discs = append(s.discs, pendingDisc{avatar: d.Avatar, hotspot: d.Hotspot}) })
	node := r.Node
	r.Hotspots(func(h HotspotViewers) { s.hotspot(node, &h, t) })
	r.Notices(func(n Notice) {
		if len(s.inNote) < maxNotices {
			s.inNote = append(s.inNote, ReceivedNotice{Avatar: n.Avatar, Kind: n.Kind, Text: string(n.Text)})
		}
	})
}

// maxNotices bounds the notices kept between two calls of Notices.
const maxNotices = 4096

func (s *Sync) ident(w *world.World, si int32, id *Ident, t int64) {
	s.stats.Identities++
	p := nav.Point{X: protocol.Dequantise(id.X), Y: protocol.Dequantise(id.Y)}
	who := world.Identity{Role: protocol.Role(id.Role), Group: id.Group, Colour: id.Colour, Shape: id.Shape}
	ri, ok := s.remotes[id.ID]
	if !ok {
		who.Name = string(id.Name)
		if err := w.JoinRemote(id.ID, who, p); err != nil {
			return // a local avatar has the id (resumed here): it wins
		}
		s.stats.Joined++
		ri = s.newRemote(id.ID)
	} else {
		cur, _ := w.Identity(id.ID)
		who.Name = cur.Name
		if cur.Name != string(id.Name) {
			who.Name = string(id.Name)
		}
		if who != cur {
			w.SetRemoteIdentity(id.ID, who)
		}
		w.MoveRemote(id.ID, p)
	}
	s.mention(ri, si, t)
}

func (s *Sync) position(w *world.World, si int32, p Position, t int64) {
	ri, ok := s.remotes[p.ID]
	if !ok {
		s.stats.Unknown++
		return
	}
	s.stats.Positions++
	w.MoveRemote(p.ID, nav.Point{X: protocol.Dequantise(p.X), Y: protocol.Dequantise(p.Y)})
	s.mention(ri, si, t)
}

// mention records that stream si's latest record names remote ri.
func (s *Sync) mention(ri, si int32, t int64) {
	r := &s.rs[ri]
	if r.stream != si {
		if r.stream >= 0 {
			s.st[r.stream].members--
		}
		s.st[si].members++
		r.stream = si
	}
	r.fullGen, r.seen, r.goneRound = s.st[si].fullGen, t, 0
}

// sweep removes the remote avatars said gone, or missing from a full
// record of their stream, at the Apply before (one Apply of grace, so that
// an avatar that walked into another channel, whose record may come a
// little later, does not leave and enter again), and those not mentioned
// for Expiry.
func (s *Sync) sweep(w *world.World, t int64) {
	exp := int64(s.cfg.Expiry)
	for i := range s.rs {
		r := &s.rs[i]
		if r.id == 0 {
			continue
		}
		switch {
		case t-r.seen > exp:
			s.stats.Expired++
			s.m.expired.Inc()
			s.removeRemote(w, int32(i))
		case r.goneRound == 0 && s.st[r.stream].fullGen != r.fullGen:
			r.goneRound = s.round
		case r.goneRound != 0 && r.goneRound < s.round:
			s.removeRemote(w, int32(i))
		}
	}
}

func (s *Sync) newRemote(id world.ID) int32 {
	var ri int32
	if n := len(s.rsFree); n > 0 {
		ri = s.rsFree[n-1]
		s.rsFree = s.rsFree[:n-1]
	} else {
		ri = int32(len(s.rs))
		s.rs = append(s.rs, remoteAv{})
	}
	s.rs[ri] = remoteAv{id: id, stream: -1}
	s.remotes[id] = ri
	return ri
}

func (s *Sync) removeRemote(w *world.World, ri int32) {
	r := &s.rs[ri]
	w.LeaveRemote(r.id)
	delete(s.remotes, r.id)
	s.st[r.stream].members--
	*r = remoteAv{}
	s.rsFree = append(s.rsFree, ri)
	s.stats.Left++
}

func (s *Sync) newStream(key streamKey, lastSeq uint32) int32 {
	var si int32
	if n := len(s.stFree); n > 0 {
		si = s.stFree[n-1]
		s.stFree = s.stFree[:n-1]
	} else {
		si = int32(len(s.st))
		s.st = append(s.st, stream{})
	}
	s.st[si] = stream{key: key, lastSeq: lastSeq}
	s.streams[key] = si
	return si
}

// sweepStreams forgets the streams that sent nothing for 10 Expiry and
// have no avatar left, so that nodes that come and go leave nothing.
func (s *Sync) sweepStreams(t int64) {
	for i := range s.st {
		st := &s.st[i]
		if st.key != (streamKey{}) && st.members == 0 && t-st.seen > 10*int64(s.cfg.Expiry) {
			delete(s.streams, st.key)
			*st = stream{}
			s.stFree = append(s.stFree, int32(i))
		}
	}
}

func (s *Sync) hotspot(node uint64, h *HotspotViewers, t int64) {
	counts := s.nodes[node]
	if counts == nil {
		counts = make(map[string]*hotCount)
		s.nodes[node] = counts
	}
	c, ok := counts[string(h.Hotspot)]
	if !ok {
		if h.Viewers == 0 {
			return
		}
		c = &hotCount{}
		counts[string(h.Hotspot)] = c
	}
	if c.n != h.Viewers {
		c.n = h.Viewers
		s.markHot(string(h.Hotspot))
	}
	c.seen = t
}

func (s *Sync) markHot(id string) {
	if !slices.Contains(s.hotDirty, id) {
		s.hotDirty = append(s.hotDirty, id)
	}
}

// sweepHotspots expires the counts not refreshed for Expiry and tells the
// world the new sums of the counts that changed.
func (s *Sync) sweepHotspots(w *world.World, t int64) {
	exp := int64(s.cfg.Expiry)
	for node, counts := range s.nodes {
		for id, c := range counts {
			if c.n == 0 || t-c.seen > exp {
				if c.n != 0 {
					s.markHot(id)
				}
				delete(counts, id)
			}
		}
		if len(counts) == 0 {
			delete(s.nodes, node)
		}
	}
	for _, id := range s.hotDirty {
		total := uint32(0)
		for _, counts := range s.nodes {
			if c := counts[id]; c != nil {
				total += c.n
			}
		}
		if s.hotTotal[id] != total {
			w.SetRemoteViewers(id, total)
			if total == 0 {
				delete(s.hotTotal, id)
			} else {
				s.hotTotal[id] = total
			}
		}
	}
	s.hotDirty = s.hotDirty[:0]
}

// syncMetrics are the synchroniser's counters.
