package loadfair

import (
	"fmt"
	"image/color"
	"maps"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WritePlots draws the report's series as PNG files in dir:
// connections.png, messages.png, tick_p99.png, echo.png and rss.png. It
// returns their paths.
func (r *Report) WritePlots(dir string) ([]string, error) {
	perNode := func(get func(Point) []float64, scale float64) map[string]plotter.XYs {
		out := map[string]plotter.XYs{}
		for i, n := range r.PerNode {
			var xy plotter.XYs
			for _, p := range r.Series {
				if v := get(p); i < len(v) {
					xy = append(xy, plotter.XY{X: p.T, Y: v[i] * scale})
				}
			}
			out["node "+n.ID] = xy
		}
		return out
	}
	one := func(get func(Point) float64) plotter.XYs {
		var xy plotter.XYs
		for _, p := range r.Series {
			xy = append(xy, plotter.XY{X: p.T, Y: get(p)})
		}
		return xy
	}
	charts := []struct {
		file, title, y string
		lines          map[string]plotter.XYs
	}{
		{"connections.png", "Connections per node", "connections", perNode(func(p Point) []float64 { return p.Conns }, 1)},
		{"messages.png", "WebSocket messages per second (all nodes)", "messages/s", map[string]plotter.XYs{
			"out": one(func(p Point) float64 { return p.MsgsOut }), "in": one(func(p Point) float64 { return p.MsgsIn })}},
		{"tick_p99.png", "Tick p99 per node (5 s windows, bucket bounds)", "ms", perNode(func(p Point) []float64 { return p.TickP99ms }, 1)},
		{"echo.png", "Input-to-echo of the walking probes (each second)", "ms", map[string]plotter.XYs{
			"p50": one(func(p Point) float64 { return p.EchoP50 }), "p99": one(func(p Point) float64 { return p.EchoP99 })}},
		{"rss.png", "Resident memory per node", "MB", perNode(func(p Point) []float64 { return p.RSS }, 1e-6)},
	}
	var files []string
	for _, ch := range charts {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s — %s", ch.title, r.Name)
		p.X.Label.Text = "seconds since the first bot"
		p.Y.Label.Text = ch.y
		p.Add(plotter.NewGrid())
		for i, name := range slices.Sorted(maps.Keys(ch.lines)) {
			if len(ch.lines[name]) == 0 {
				continue
			}
			l, err := plotter.NewLine(ch.lines[name])
			if err != nil {
				return files, fmt.Errorf("loadfair: plot %s: %w", ch.file, err)
			}
			l.Color = plotutil.Color(i)
			l.Width = vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(name, l)
		}
		p.Legend.Top = true
		p.BackgroundColor = color.White
		path := filepath.Join(dir, ch.file)
		if err := p.Save(20*vg.Centimeter, 10*vg.Centimeter, path); err != nil {
			return files, fmt.Errorf("loadfair: plot %s: %w", ch.file, err)
		}
		files = append(files, path)
	}
	return files, nil
}
