package moderation

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed words.txt
var builtinWords string

//go:embed staff.txt
var builtinStaff string

// Config configures a Filter. The zero value is valid: the built-in word
// lists, no staff titles, messages of at most 2000 bytes.
type Config struct {
	// Staff also refuses, in names, the titles and roles of school and fair
	// staff and the fair's own name ("Mme Durand", "admin", "Usine Extra"):
	// pseudonyms need it; class names ("3e B de Mme Durand") and chat do
	// not. False means no staff check.
	Staff bool
	// Deny holds extra entries in the syntax of words.txt ("word", "=word",
	// "!word", "^word", section lines "@insult", "@hate", "@sexual",
	// "@drugs", "@staff"); they start in the @insult section. Nil adds
	// nothing to the built-in lists.
	Deny []string
	// MaxBytes bounds the text Message and Name look at: longer is TooLong,
	// so the work per call is bounded. Zero means 2000; at most 65536.
	MaxBytes int
}

const (
	defaultMaxBytes = 2000
	limitMaxBytes   = 1 << 16
)

// Filter checks chat messages and names. It is immutable after New (its
// only state is a pool of scratch buffers) and safe for concurrent use.
type Filter struct {
	lists    lists
	maxBytes int
	scratch  sync.Pool // *scratch
}

// New returns a Filter for cfg.
func New(cfg Config) (*Filter, error) {
	f := &Filter{maxBytes: cfg.MaxBytes}
	if f.maxBytes == 0 {
		f.maxBytes = defaultMaxBytes
	}
	if f.maxBytes < 1 || f.maxBytes > limitMaxBytes {
		return nil, fmt.Errorf("moderation: MaxBytes %d is not in 1..%d", cfg.MaxBytes, limitMaxBytes)
	}
	var srcs []source
	if cfg.Staff {
		srcs = append(srcs, source{"staff.txt", strings.Split(builtinStaff, "\n"), true})
	}
	srcs = append(srcs, source{"words.txt", strings.Split(builtinWords, "\n"), true})
	if len(cfg.Deny) > 0 {
		srcs = append(srcs, source{"Config.Deny", cfg.Deny, false})
	}
	l, err := parseLists(srcs...)
	if err != nil {
		return nil, fmt.Errorf("moderation: bad word list: %w", err)
	}
	f.lists = l
	f.scratch.New = func() any { return new(scratch) }
	return f, nil
}

// Name checks a name shown to others: a class name, a name on a
// leaderboard or a share page. The word lists are matched as for
// pseudonyms, which is stricter than for messages (an entry of 4 letters
// or more is refused anywhere, even across words: "sale_pute"), then the
// contact-details filter runs as for messages. It does not check the
// characters or the length of a name: that is the pseudonym checker's job.
func (f *Filter) Name(name string) Reason {
	if len(name) > f.maxBytes {
		return TooLong
	}
	if !utf8.ValidString(name) {
		return Invalid
	}
	if r := f.nameWords(name); r != OK {
		return r
	}
	return f.contacts(name)
}

// NameWords is Name without the contact-details filter: the word lists
// only, matched as for names. The pseudonym checker uses it, since it has
// its own rules for digits and web addresses.
func (f *Filter) NameWords(name string) Reason {
	if len(name) > f.maxBytes {
		return TooLong
	}
	if !utf8.ValidString(name) {
		return Invalid
	}
	return f.nameWords(name)
}

// Message checks a chat message: the word lists, word by word, and the
// contact details. An ordinary message allocates nothing once the Filter's
// buffers are warm (BenchmarkMessage).
func (f *Filter) Message(text string) Reason {
	if len(text) > f.maxBytes {
		return TooLong
	}
	if !utf8.ValidString(text) {
		return Invalid
	}
	s := f.scratch.Get().(*scratch)
	defer f.scratch.Put(s)
	s.prepare(text)
	if r := f.messageWords(s); r != OK {
		return r
	}
	return contactsOf(s)
}

// contacts runs the contact-details filter alone.
func (f *Filter) contacts(text string) Reason {
	s := f.scratch.Get().(*scratch)
	defer f.scratch.Put(s)
	s.prepare(text)
	return contactsOf(s)
}
