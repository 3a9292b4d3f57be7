package share

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"html/template"
	"image/color"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/server/progress"
)

// Source is where share links are looked up (a progress.Store).
type Source interface {
	Shared(ctx context.Context, token string) (progress.ShareRecord, error)
}

// BadgeInfo describes a badge for its page: its title, what it rewards
// and its challenge (a challenge key, "" for the quiz and questionnaire
// badges); ok is false for a badge the fair does not have.
type BadgeInfo func(id string) (title, description, challenge string, ok bool)

// Config configures a Handler.
type Config struct {
	Source Source    // required
	Badges BadgeInfo // required
	// PublicURL is the fair's address (https://fair.example.org), for the
	// absolute URLs of Open Graph tags; zero means the address the request
	// came to (its Host, over http unless X-Forwarded-Proto says https).
	PublicURL string
	// Timeout bounds a lookup; zero means 2 s.
	Timeout time.Duration
	Logger  *slog.Logger // nil discards
}

// Handler serves a badge's public page /p/<token> and its picture
// /p/<token>.png. It is safe for concurrent use.
type Handler struct {
	cfg   Config
	paint *painter
	page  *template.Template
	cache *pngCache
}

// New returns a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Source == nil || cfg.Badges == nil {
		return nil, errors.New("share: Config.Source and Config.Badges are required")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	p, err := newPainter()
	if err != nil {
		return nil, err
	}
	t, err := template.New("page").Parse(pageHTML)
	if err != nil {
		return nil, fmt.Errorf("share: page template: %w", err)
	}
	return &Handler{cfg: cfg, paint: p, page: t, cache: newPNGCache(256)}, nil
}

// pageCSP: the page shows its picture and its own inline style, nothing
// else: no script, no request to another site.
const pageCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// ServeHTTP serves GET /p/<token> and /p/<token>.png.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	name := strings.TrimPrefix(r.URL.Path, "/p/")
	token, isPNG := strings.CutSuffix(name, ".png")
	if !progress.ValidID(token) {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancel()
	sr, err := h.cfg.Source.Shared(ctx, token)
	switch {
	case errors.Is(err, progress.ErrNotFound):
		h.cache.drop(token)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Ce lien de partage n'existe pas ou a été supprimé.", http.StatusNotFound)
		return
	case err != nil:
		h.cfg.Logger.Warn("share: lookup failed", "err", err)
		http.Error(w, "Le salon est momentanément indisponible.", http.StatusServiceUnavailable)
		return
	}
	title, desc, challenge, ok := h.cfg.Badges(sr.Badge)
	if !ok {
		http.NotFound(w, r)
		return
	}
	card := Card{Name: sr.Name, Badge: title, Description: desc, Date: FrenchDate(time.Unix(int64(sr.At), 0)), Colour: ChallengeColour(challenge)}
	// A page is public but unlisted: no index, a short cache (it can be deleted).
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Robots-Tag", "noindex")
	if isPNG {
		h.servePNG(w, token, card)
		return
	}
	base := h.base(r)
	data := struct {
		Title, Description, Alt, Image, URL, Home string
		Card                                      Card
	}{
		Title:       card.Name + " a gagné le badge « " + card.Badge + " »",
		Description: card.Description + ", le " + card.Date + ", à L'Usine Extraordinaire digitale.",
		Image:       base + "/p/" + token + ".png",
		URL:         base + "/p/" + token,
		Home:        base + "/",
		Card:        card,
	}
	data.Alt = "Badge « " + card.Badge + " » de " + card.Name
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.page.Execute(w, data); err != nil {
		h.cfg.Logger.Warn("share: page", "err", err)
	}
}

func (h *Handler) servePNG(w http.ResponseWriter, token string, c Card) {
	b, ok := h.cache.get(token)
	if !ok {
		var err error
		if b, err = h.paint.PNG(c); err != nil {
			h.cfg.Logger.Error("share: picture", "err", err)
			http.Error(w, "picture failed", http.StatusInternalServerError)
			return
		}
		h.cache.put(token, b)
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(b)
}

// base is the absolute address of the fair for the page's tags.
func (h *Handler) base(r *http.Request) string {
	if h.cfg.PublicURL != "" {
		return h.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ChallengeColour is a challenge's colour, as the page draws it
// (web/src/texts.js); the quiz and questionnaire badges are blue.
func ChallengeColour(challenge string) color.RGBA {
	switch challenge {
	case "innovation":
		return color.RGBA{0xE6, 0x9F, 0x00, 255}
	case "inclusion":
		return color.RGBA{0xCC, 0x79, 0xA7, 255}
	case "industrie-4.0":
		return color.RGBA{0x56, 0xB4, 0xE9, 255}
	case "developpement-durable":
		return color.RGBA{0x00, 0x9E, 0x73, 255}
	}
	return color.RGBA{0x1f, 0x4f, 0xb5, 255}
}

// FrenchDate writes a day as "22 novembre 2021" ("1er" for the first), in
// the fair's time zone: it runs from November to December, in France
// (CET, no summer time then).
func FrenchDate(t time.Time) string {
	t = t.In(time.FixedZone("CET", 3600))
	months := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, months[t.Month()-1], t.Year())
}

// pngCache keeps the last pictures drawn, so that a link pasted in a
// group (every member's preview fetches the picture) draws it once. It is
// safe for concurrent use.
type pngCache struct {
	mu    sync.Mutex
	max   int
	order *list.List               // guarded by mu: tokens, most recent first
	items map[string]*list.Element // guarded by mu
}

type pngEntry struct {
	token string
	png   []byte
}

func newPNGCache(n int) *pngCache {
	return &pngCache{max: n, order: list.New(), items: map[string]*list.Element{}}
}

func (c *pngCache) get(token string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[token]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*pngEntry).png, true
}

func (c *pngCache) put(token string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[token]; ok {
		e.Value.(*pngEntry).png = b
		c.order.MoveToFront(e)
		return
	}
	c.items[token] = c.order.PushFront(&pngEntry{token: token, png: b})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*pngEntry).token)
	}
}

func (c *pngCache) drop(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[token]; ok {
		c.order.Remove(e)
		delete(c.items, token)
	}
}

// pageHTML is the public page: the pseudonym, the badge and its date,
// nothing else. html/template escapes every value.
const pageHTML = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<meta name="description" content="{{.Description}}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="L'Usine Extraordinaire digitale">
<meta property="og:locale" content="fr_FR">
<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.Description}}">
<meta property="og:url" content="{{.URL}}">
<meta property="og:image" content="{{.Image}}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="{{.Alt}}">
<meta name="twitter:card" content="summary_large_image">
<style>
body { margin: 0; font-family: system-ui, sans-serif; color: #14213d; background: #f7f7f2; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
img { width: 100%; height: auto; border-radius: 12px; }
h1 { font-size: 1.5rem; }
a { color: #1f4fb5; }
</style>
</head>
<body>
<main>
<img src="{{.Image}}" alt="{{.Alt}}" width="1200" height="630">
<h1>{{.Title}}</h1>
<p>{{.Card.Description}}, le {{.Card.Date}}.</p>
<p><a href="{{.Home}}">Visiter L'Usine Extraordinaire digitale</a></p>
</main>
</body>
</html>
`
