package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// maxZoneBytes bounds the /api/zone body (the default map is ~100 kB).
const maxZoneBytes = 32 << 20

// ZoneURL derives the zone's address from the game connection's: same host,
// http for ws and https for wss, /api/zone beside /ws.
func ZoneURL(wsURL string) (string, error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return "", fmt.Errorf("loadtest: bad url %q: %w", wsURL, err)
	}
	switch u.Scheme {
	case "ws", "http":
		u.Scheme = "http"
	case "wss", "https":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("loadtest: bad url %q: want ws:// or wss://", wsURL)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/ws") + "/api/zone"
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// FetchZone gets and decodes the zone.
func FetchZone(ctx context.Context, hc *http.Client, zoneURL string) (*zone.Zone, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, zoneURL, nil)
	if err != nil {
		return nil, fmt.Errorf("loadtest: failed to fetch the zone: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadtest: failed to fetch the zone: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("loadtest: failed to fetch the zone: %s: HTTP %d", zoneURL, resp.StatusCode)
	}
	var z zone.Zone
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxZoneBytes)).Decode(&z); err != nil {
		return nil, fmt.Errorf("loadtest: failed to decode the zone: %w", err)
	}
	if z.Width <= 0 || z.Height <= 0 {
		return nil, fmt.Errorf("loadtest: zone %q has no size", z.ID)
	}
	return &z, nil
}

// walkable reports whether (x, y) is inside the zone on a walkable tile.
// A zone without a grid is walkable everywhere.
func walkable(z *zone.Zone, x, y float64) bool {
	if x < 0 || y < 0 || x >= z.Width || y >= z.Height {
		return false
	}
	g := &z.Grid
	if g.Tile <= 0 || len(g.Blocked) != g.Cols*g.Rows {
		return true
	}
	c, r := int(x/g.Tile), int(y/g.Tile)
	if c >= g.Cols || r >= g.Rows {
		return false
	}
	return g.Blocked[r*g.Cols+c] == 0
}

// walkableIn returns a random walkable point of rect, or its centre when a
// few tries find none (the server then walks to the nearest walkable point).
func walkableIn(z *zone.Zone, b zone.Rect, rng *rand.Rand) (x, y float64) {
	for range 16 {
		x, y = b.X+rng.Float64()*b.W, b.Y+rng.Float64()*b.H
		if walkable(z, x, y) {
			return x, y
		}
	}
	return clamp(b.X+b.W/2, 0, z.Width), clamp(b.Y+b.H/2, 0, z.Height)
}

// walkableShare is the share of rect's sample points that are walkable.
func walkableShare(z *zone.Zone, b zone.Rect) float64 {
	const n = 8 // an 8x8 sample grid
	ok := 0
	for i := range n {
		for j := range n {
			if walkable(z, b.X+(float64(i)+0.5)*b.W/n, b.Y+(float64(j)+0.5)*b.H/n) {
				ok++
			}
		}
	}
	return float64(ok) / (n * n)
}

func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }
