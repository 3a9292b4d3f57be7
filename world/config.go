package world

import (
	"fmt"
	"math"
)

// Config tunes a World. The zero value is a valid configuration: every
// zero field takes the default its comment gives.
type Config struct {
	TickRate   int     // Hz, MinTickRate to MaxTickRate; zero means 20
	MaxSpeed   float64 // m/s; zero means 5
	Radius     float64 // avatar radius, m; zero means 0.35
	CellSize   float64 // m; zero means 16
	ViewRadius float64 // area-of-interest radius, m; zero means 40
	Budget     int     // avatars sent individually per viewer; zero means 64 (nearest first)
	Seed       int64   // spawn randomness

	// Refresh is how many ticks apart a viewer's visible set is recomputed
	// (staggered by avatar id), when something moved, entered or left near
	// it since its last recomputation (a crowd standing still costs none);
	// moves of the current set are still sent as Near and FarEvery say.
	// Zero means TickRate/2 (10 at 20 Hz, so 500 ms), at least 1.
	// Newcomers are computed at once, and quiet areas see each other at once
	// (see the package doc), so the period mostly delays who is shown in a
	// crowd and enters at the edge of the view radius.
	Refresh int

	// Near is the radius, m, within which the avatars a viewer sees are sent
	// every tick they move; those farther away are sent at most every
	// FarEvery ticks (staggered over the viewers, so the load is even).
	// Zero means 20; at least ViewRadius sends everyone every tick.
	Near float64
	// FarEvery is how many ticks apart the moves of avatars beyond Near are
	// sent to a viewer; zero means 4 (5 Hz at 20 Hz); 1 sends them every
	// tick.
	FarEvery int

	// ChannelCells is the side of a feed channel, in cells: the zone is cut
	// into squares of ChannelCells x ChannelCells cells, each a channel of
	// the cross-node feed (Export, Interest). Zero means 4 (64 m squares at
	// the default CellSize; docs/ARCHITECTURE.md gives the measurement).
	ChannelCells int
}

// The tick rate's bounds, Hz: the one rule for the server's configuration
// and its flag.
const (
	MinTickRate = 1
	MaxTickRate = 100
)

// Limits Config values must respect.
//
// maxBudget bounds the avatars a viewer holds, hence the moves of one
// UPDATE (one record per held avatar, merged ticks included). A record
// takes at most 11 bytes (id delta 5, dx and dy 3 each): 4096 x 11 =
// 45,056 bytes, within the MOVES binary's 16-bit length
// (protocol.MaxMovesBytes, 65,535), so the encoder never refuses an update
// for its moves.
const (
	maxSpeed   = 100    // m/s
	maxBudget  = 4096   // see above: 4096 x 11 bytes <= protocol.MaxMovesBytes
	maxView    = 1000.0 // m
	maxCell    = 1024.0 // m
	minCell    = 1.0    // m
	maxRefresh = 1000   // ticks
	maxChannel = 64     // cells per feed channel side
	maxFar     = 100    // ticks
)

// withDefaults fills the zero fields and validates the result.
func (c Config) withDefaults() (Config, error) {
	if c.TickRate == 0 {
		c.TickRate = 20
	}
	if c.MaxSpeed == 0 {
		c.MaxSpeed = 5
	}
	if c.Radius == 0 {
		c.Radius = 0.35
	}
	if c.CellSize == 0 {
		c.CellSize = 16
	}
	if c.ViewRadius == 0 {
		c.ViewRadius = 40
	}
	if c.Budget == 0 {
		c.Budget = 64
	}
	if c.Refresh == 0 {
		c.Refresh = max(1, c.TickRate/2)
	}
	if c.ChannelCells == 0 {
		c.ChannelCells = 4
	}
	if c.Near == 0 {
		c.Near = 20
	}
	if c.FarEvery == 0 {
		c.FarEvery = 4
	}
	switch {
	case c.TickRate < MinTickRate || c.TickRate > MaxTickRate:
		return c, fmt.Errorf("world: TickRate %d out of [%d, %d]", c.TickRate, MinTickRate, MaxTickRate)
	case !inRange(c.MaxSpeed, 0, maxSpeed) || c.MaxSpeed == 0:
		return c, fmt.Errorf("world: MaxSpeed %v out of (0, %d] m/s", c.MaxSpeed, maxSpeed)
	case !inRange(c.CellSize, minCell, maxCell):
		return c, fmt.Errorf("world: CellSize %v out of [%v, %v] m", c.CellSize, minCell, maxCell)
	case !inRange(c.Radius, 0, c.CellSize/2) || c.Radius == 0:
		return c, fmt.Errorf("world: Radius %v out of (0, CellSize/2] m", c.Radius)
	case !inRange(c.ViewRadius, 0, maxView) || c.ViewRadius == 0:
		return c, fmt.Errorf("world: ViewRadius %v out of (0, %v] m", c.ViewRadius, maxView)
	case c.Budget < 1 || c.Budget > maxBudget:
		return c, fmt.Errorf("world: Budget %d out of [1, %d]", c.Budget, maxBudget)
	case c.Refresh < 1 || c.Refresh > maxRefresh:
		return c, fmt.Errorf("world: Refresh %d out of [1, %d]", c.Refresh, maxRefresh)
	case c.ChannelCells < 1 || c.ChannelCells > maxChannel:
		return c, fmt.Errorf("world: ChannelCells %d out of [1, %d]", c.ChannelCells, maxChannel)
	case !inRange(c.Near, 0, maxView) || c.Near == 0:
		return c, fmt.Errorf("world: Near %v out of (0, %v] m", c.Near, maxView)
	case c.FarEvery < 1 || c.FarEvery > maxFar:
		return c, fmt.Errorf("world: FarEvery %d out of [1, %d]", c.FarEvery, maxFar)
	}
	return c, nil
}

// inRange reports whether lo <= v <= hi; false for NaN.
func inRange(v, lo, hi float64) bool { return v >= lo && v <= hi && !math.IsInf(v, 0) }
