// Package nav is the walking geometry of the zone: a read-only tile grid
// built from zone.Grid, collision of an avatar's circle against it, sliding
// movement, line of sight, nearest walkable point and A* path finding.
//
// Coordinates are metres, origin at the map's top-left corner, X east and
// Y south, as in package zone. An avatar is a circle of radius r; for
// collision its axis-aligned bounding box (a square of side 2r) is tested
// against blocked tiles, which is cheap, exact on a tile grid and slightly
// conservative near corners.
//
// A Grid is immutable and safe for concurrent use. A Finder holds reusable
// A* buffers and is not safe for concurrent use: keep one per goroutine.
// Move, Collides, BlockedAt, LineOfSight and Finder.Path (with a
// preallocated dst) do not allocate, so the simulation can call them every
// tick for every avatar.
package nav
