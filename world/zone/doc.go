// Package zone loads the industrial zone of the fair from a Tiled map
// (.tmx) and validates it.
//
// Organisers draw the zone in the Tiled editor; docs/ZONE.md describes the
// layers and custom properties the map must have. Load turns such a map
// into a Zone, the one form the server and the clients use: a walkability
// grid plus buildings, booths, hotspots and areas, in metres. Every problem
// found in a map is reported, not only the first, as *Error values joined
// with errors.Join (see Problems); Load never panics, whatever the input.
//
// The default fair map (default/fair.tmx, written by cmd/zonegen and then
// edited in Tiled) is embedded in the binary: Default loads it and
// DefaultFS serves its files (the tileset and its image). What hotspots
// show, and the stands' names, are in the contents file (world/content).
//
// A loaded Zone is immutable and safe for concurrent use.
package zone
