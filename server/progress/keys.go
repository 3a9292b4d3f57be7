package progress

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// A progress key is three words of a list of 1024 (words.txt), shown once
// to the visitor to note down: "pomme girafe nuage". Given back in HELLO
// with the same pseudonym, it gives the progress back (on another day, on
// another device). It is a secret the server never stores: the store keeps
// KeyHash(pseudonym key, words), which is what a lookup compares.
//
// Entropy: 1024³ = 2³⁰ keys for each pseudonym. A guess must name a
// pseudonym too (the key is bound to it), so guessing is limited per
// pseudonym (KeyTriesPerPseudonym wrong keys an hour) and per node
// (server: 10 wrong keys a second, all visitors together). docs/
// ARCHITECTURE.md works out what that leaves an attacker: about one chance
// in 10,000 of finding one given pupil's key in the whole six weeks of a
// fair, and an expected 0.13 keys found by an attacker who tries all the
// time on four nodes.

//go:embed words.txt
var wordsFile string

// KeyWords is the number of words of a key.
const KeyWords = 3

// Words is the list of key words, as shown (with their accents), and the
// index of their folded forms. It is immutable and safe for concurrent use.
type Words struct {
	list  []string
	index map[string]int // folded form -> index in list
}

// LoadWords reads the embedded list; an error means the list in the
// binary is broken (a duplicate, a word ending in s or x), which
// TestWordList rules out.
func LoadWords() (*Words, error) {
	w := &Words{index: map[string]int{}}
	sc := bufio.NewScanner(strings.NewReader(wordsFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := fold(line)
		if f == "" || strings.HasSuffix(f, "s") || strings.HasSuffix(f, "x") {
			return nil, fmt.Errorf("progress: key word %q: must be letters, not ending in s or x", line)
		}
		if _, dup := w.index[f]; dup {
			return nil, fmt.Errorf("progress: key word %q listed twice", line)
		}
		w.index[f] = len(w.list)
		w.list = append(w.list, line)
	}
	if len(w.list) < 2 {
		return nil, errors.New("progress: no key words")
	}
	return w, nil
}

// Len is the number of words.
func (w *Words) Len() int { return len(w.list) }

// New draws a key of KeyWords words from crypto/rand, in its display form
// ("pomme girafe nuage").
func (w *Words) New() string {
	parts := make([]string, KeyWords)
	n := big.NewInt(int64(len(w.list)))
	for i := range parts {
		r, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic("progress: crypto/rand failed: " + err.Error()) // crypto/rand documents that it never fails
		}
		parts[i] = w.list[r.Int64()]
	}
	return strings.Join(parts, " ")
}

// ErrBadKey is returned by Normalise for a text that is not KeyWords words
// of the list.
var ErrBadKey = errors.New("progress: not a key of the list's words")

// KeyError says what is wrong with a typed key, for the visitor.
type KeyError struct {
	Words   int    // words typed
	Unknown string // the first word not in the list, as typed
}

func (e *KeyError) Error() string {
	if e.Unknown != "" {
		return fmt.Sprintf("progress: key word %q is not in the list", e.Unknown)
	}
	return fmt.Sprintf("progress: a key has %d words, not %d", KeyWords, e.Words)
}

func (e *KeyError) Unwrap() error { return ErrBadKey }

// Normalise reads a typed key: KeyWords words of the list in any case,
// with or without accents, separated by spaces, dashes, dots or commas; a
// word with a trailing s or x is read without it (no word of the list ends
// so). It returns the canonical form (folded words joined by single
// spaces) or a *KeyError.
func (w *Words) Normalise(typed string) (string, error) {
	fields := strings.FieldsFunc(fold(typed), func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	if len(fields) != KeyWords {
		return "", &KeyError{Words: len(fields)}
	}
	for i, f := range fields {
		if _, ok := w.index[f]; ok {
			continue
		}
		if g := strings.TrimRight(f, "sx"); g != f {
			if _, ok := w.index[g]; ok {
				fields[i] = g
				continue
			}
		}
		return "", &KeyError{Words: len(fields), Unknown: f}
	}
	return strings.Join(fields, " "), nil
}

// fold lowers a text and removes its accents and other marks: "Écureuil"
// is "ecureuil".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// KeyHash is what the store keeps of a key: the SHA-256 of the pseudonym's
// folded key (server/pseudonym: "Léa" and "LEA" are one) and the
// normalised words, 128 bits in hex. Binding the key to the pseudonym
// makes a guess target one pupil, never anyone's progress.
func KeyHash(pseudonymKey, normalisedKey string) string {
	h := sha256.Sum256([]byte("fair-progress-key\x00" + pseudonymKey + "\x00" + normalisedKey))
	return hex.EncodeToString(h[:16])
}

// WhoHash names a pseudonym in the wrong-key counters without holding it.
func WhoHash(pseudonymKey string) string {
	h := sha256.Sum256([]byte("fair-progress-who\x00" + pseudonymKey))
	return hex.EncodeToString(h[:12])
}

// NewID returns a new progress id: 16 random bytes in base64url (22
// characters). It names a visitor's progress in the store and the
// leaderboards; it is never shown, and knowing it gives nothing.
func NewID() string { return randomToken() }

func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidID reports whether s has the form of NewID's ids and share tokens.
func ValidID(s string) bool {
	if len(s) != 22 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
