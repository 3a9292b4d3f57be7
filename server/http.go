package server

import (
	"io/fs"
	"mime"
	"net/http"
	"net/http/pprof"
	"path"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// accepts reports whether the request's Accept-Encoding allows coding
// (listed and not with q=0).
func accepts(r *http.Request, coding string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), coding) {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// Handler serves the public side: the page, the zone, the media, the
// share pages and /ws.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.serveWS)
	mux.HandleFunc("GET /api/zone", s.serveZone)
	mux.HandleFunc("POST /api/staff/ticket", s.serveTicket) // staff_http.go
	mux.HandleFunc("GET /api/staff/ticket", s.serveTicket)  // 405 in JSON (the mux answers other methods)
	mux.HandleFunc("GET /media/", s.serveMedia)
	mux.Handle("GET /p/", s.shares) // share pages of badges (server/share)
	mux.HandleFunc("GET /", s.servePage)
	return securityHeaders(mux)
}

// AdminHandler serves /metrics, /healthz, /readyz and /debug/pprof/, meant for an address
// kept off the public port.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	s.adminRoutes(mux)
	return mux
}

func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{}))
	// Profiling for the organisers' engineers; the admin address stays off the public port.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	// 503 while the server does not take new visitors: before Serve,
	// draining at shutdown, or while shared presence (Redis) is unreachable
	// (new sessions would get 4014). The body says which.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.Ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}

func (s *Server) combinedHandler() http.Handler {
	mux := http.NewServeMux()
	s.adminRoutes(mux)
	mux.Handle("/", s.Handler())
	return mux
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// Everything comes from this origin: no CDN, fonts or trackers.
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) serveZone(w http.ResponseWriter, r *http.Request) {
	etag := `"` + s.cfg.Zone.ID + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Add("Vary", "Accept-Encoding")
	if accepts(r, "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(s.zoneGz)
		return
	}
	_, _ = w.Write(s.zoneJS)
}

const notBuilt = `<!doctype html><html lang="fr"><meta charset="utf-8"><title>Usine Extraordinaire</title>
<p>La page n'est pas construite. Lancez <code>make run</code> (ou <code>make web</code>) depuis le dépôt.</p></html>`

// servePage serves the built page: index.html is never cached (a new build
// is seen at once), hashed assets are cached for a year, and a precompressed
// .br or .gz twin (written by the build) is served to clients that accept it.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if name == "classe" || name == "moderation" { // the teacher's and the moderators' pages (web/src/*.html)
		name += ".html"
	}
	if s.cfg.Page == nil {
		s.pageMissing(w, name)
		return
	}
	if _, err := fs.Stat(s.cfg.Page, name); err != nil {
		s.pageMissing(w, name)
		return
	}
	if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Add("Vary", "Accept-Encoding")
	for _, enc := range [...]struct{ coding, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !accepts(r, enc.coding) {
			continue
		}
		if b, err := fs.ReadFile(s.cfg.Page, name+enc.ext); err == nil {
			w.Header().Set("Content-Encoding", enc.coding)
			_, _ = w.Write(b)
			return
		}
	}
	b, err := fs.ReadFile(s.cfg.Page, name)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	_, _ = w.Write(b)
}

func (s *Server) pageMissing(w http.ResponseWriter, name string) {
	if name != "index.html" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(notBuilt))
}
