// Package world is the authoritative simulation of the fair's industrial
// zone: avatars, their walking intents, hotspots, and what each avatar's
// client must be told every tick.
//
// # Ownership
//
// One goroutine (the server's hub) owns a *World and calls all its
// methods; a World is not safe for concurrent use. No method blocks, does
// I/O, reads the clock or allocates per avatar per tick in steady state.
// Path finding runs elsewhere (nav.Finder on the server's workers); the
// world only follows the waypoints it is given (SetPath).
//
// # The tick
//
// The hub applies commands between ticks (Join, Leave, SetMove, SetPath,
// OpenHotspot, CloseHotspot, Error, Event), then calls Step(dt) and then
// Updates(fn). Step:
//
//  1. integrates each avatar's intent: a MOVE direction (length <= 1) or a
//     list of waypoints, at most MaxSpeed*dt per tick, sliding along walls
//     with nav.Grid.Move; the intent's seq becomes the avatar's Ack;
//  2. closes the hotspots whose viewer walked beyond twice their range;
//  3. re-sorts every avatar into its cell (a counting sort: O(avatars +
//     cells), with positions copied beside the slot numbers so that the
//     scans below read memory in order);
//  4. recomputes the visible sets that are due (below);
//  5. queues one HotspotViewers event per hotspot whose viewer count
//     changed, for the avatars within ViewRadius of it.
//
// Updates then walks each avatar's visible set once, compares every
// visible avatar's quantised position with the one last sent to that
// viewer, and hands fn one protocol.Update per avatar that has anything
// new. Positions are compared quantised, so sub-quantum jitter sends
// nothing, and a skipped Update loses nothing: the next one carries the
// latest positions. What is due follows the message budget (updates.go):
// avatars within Near every tick they move, those beyond on the viewer's
// far ticks (one in FarEvery), a change of the counts alone once a second.
//
// Standing visitors cost almost nothing (change.go): each Step touches
// the cells where something moved, entered or left; a viewer with no
// touched cell within reach is neither recomputed nor scanned, and when
// nothing changed anywhere the cell layout is not rebuilt.
//
// # Cells and interest
//
// The zone is cut into CellSize squares (16 m by default). A viewer's
// candidates are the avatars in the cells overlapping its ViewRadius
// circle (40 m). If at most Budget (64) candidates are within ViewRadius,
// all of them are visible and Crowd is 0. Otherwise the viewer sees the
// Budget best-scored ones and Crowd counts the rest within ViewRadius.
// The score is the squared distance, scaled down for avatars the viewer
// should see first (the priority hook: non-visitors, such as professionals
// at their booths and teachers, and members of the viewer's non-zero
// group compete as if at 0.7 times their distance) and for avatars already
// visible (0.9 times, so ranks that swap in a crowd do not churn the set).
// A visible avatar leaves the set only beyond ViewRadius plus a margin
// (max(1 m, ViewRadius/20)); it enters within ViewRadius. Enters and
// leaves therefore happen once per crossing.
//
// Visible sets are recomputed every Refresh ticks (10 at 20 Hz), staggered
// by avatar id so each tick does 1/Refresh of the work, when something
// changed within reach, and at once at the first Step after a Join. Moves
// of the current set are sent as the message budget says.
// When a newcomer starts seeing an avatar that has room in its own budget
// and no crowd, that avatar starts seeing the newcomer in the same tick, so
// in quiet areas someone who joins is seen at once.
//
// In a crowd (the nightly agora) the cost per viewer must not grow with
// the crowd. A cell with more than 64 avatars is also sorted by 2 m
// sub-cell; a viewer with more than 4*Budget avatars in the cells around
// it visits sub-cells nearest first and stops as soon as Budget candidates
// are certain to score better than anything not visited yet. Its Crowd is
// then estimated from cell and sub-cell counts instead of distances.
// Bandwidth is bounded by Budget per viewer whatever the crowd.
//
// # Memory layout
//
// Avatars live in slots: parallel slices indexed by slot, a free list, and
// an id-to-slot map used only at the API's edges. Local avatars take the
// first slots at each renumbering, so that only they (the viewers) have a
// region in the block of visible sets. What every scan reads
// per visible avatar (position, quantised position, generation, priority
// tag) is one 20-byte record. Every 128 ticks the slots are renumbered in
// cell order (when the layout changed), so that the per-tick passes, which walk viewers in slot
// order, find a viewer's visible avatars in cache after its neighbour's.
//
// Each viewer's visible set is a slice sorted by avatar id, in its slot's
// region of one block that holds all the sets in slot order (re-packed
// when the slots are renumbered, so Updates reads the sets as one stream).
// It holds, per visible avatar, its slot, the slot's generation (so an
// avatar that left is noticed in the next scan and gets exactly one Leave,
// and a reused slot is never mistaken for it) and the position last sent. Entries that stop
// being visible stay in the slice as tombstones until the next Updates
// sends their Leave. A Leave is only ever sent for an avatar whose Enter
// was sent to that viewer.
//
// # Several nodes: remote avatars and the feed export
//
// A node simulates the avatars of its own connections (local avatars).
// The avatars of other nodes near its viewers are remote avatars
// (JoinRemote, MoveRemote, SetRemoteIdentity, LeaveRemote): in the cell
// layout like local ones, so radius, budget, crowd and priority treat them
// alike, but never viewers, never moved by intents, never sent events.
// After each Step, Export hands the node's synchroniser (server/feed) what
// the local avatars did per feed channel (a square of ChannelCells cells)
// and Interest the channels its viewers need; DiscoveredRemote and
// SetRemoteViewers bring other nodes' hotspot events and counts in. The
// world never reads the clock: the synchroniser decides when a remote
// avatar expires. See docs/ARCHITECTURE.md.
//
// # Hotspots
//
// OpenHotspot checks the range, counts the avatar as a viewer of the
// hotspot, queues the content for it and a HotspotDiscovered for the
// avatars that see it (and see each other) near the hotspot. Closing,
// walking beyond twice the range and Leave all decrement the count; a
// changed count is broadcast once per tick.
package world
