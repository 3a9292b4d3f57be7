package pseudonym_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
)

func newChecker(tb testing.TB, cfg pseudonym.Config) *pseudonym.Checker {
	tb.Helper()
	c, err := pseudonym.New(cfg)
	if err != nil {
		tb.Fatalf("New(%+v): %v", cfg, err)
	}
	return c
}

// reasonOf returns the Reason of err, OK for nil.
func reasonOf(tb testing.TB, err error) pseudonym.Reason {
	tb.Helper()
	if err == nil {
		return pseudonym.OK
	}
	var e *pseudonym.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v (%T) is not a *pseudonym.Error", err, err)
	}
	if e.Reason == pseudonym.OK {
		tb.Fatalf("error %v has Reason OK", err)
	}
	return e.Reason
}

func TestReasons(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	tests := []struct {
		in   string
		want pseudonym.Reason
	}{
		{"Léa", pseudonym.OK},
		{"Mathis_42", pseudonym.OK},
		{"Jean-Baptiste", pseudonym.OK},
		{"Dr.Who", pseudonym.Forbidden}, // a title
		{"Drake", pseudonym.OK},
		{"Léo 2010", pseudonym.OK},
		{"   Léa   Martin  ", pseudonym.OK},
		{"Ελένη", pseudonym.OK},      // Greek only
		{"Наташа", pseudonym.OK},     // Cyrillic only
		{"ياسمين", pseudonym.OK},     // Arabic only
		{"田中さん", pseudonym.OK},       // Han with Hiragana
		{"김민준", pseudonym.OK},        // Hangul
		{"Nguyễn Văn", pseudonym.OK}, // Vietnamese: Latin Extended Additional

		{"", pseudonym.TooShort},
		{"   ", pseudonym.TooShort},
		{"Lu", pseudonym.TooShort},
		{"ａｂ", pseudonym.TooShort},
		{"abcdefghijklmnopqrstu", pseudonym.TooLong},          // 21
		{"Maximilien-Alexandre", pseudonym.OK},                // 20
		{"Maximilien-Alexandre2", pseudonym.TooLong},          // 21
		{strings.Repeat("a", 1<<20), pseudonym.TooLong},       // cut before any work
		{"Léa" + strings.Repeat(" ", 500), pseudonym.TooLong}, // raw input cap

		{"Léa😀", pseudonym.BadCharacters},
		{"😀😀😀", pseudonym.BadCharacters},
		{"Léa❤️", pseudonym.BadCharacters},
		{"🇫🇷Léo", pseudonym.BadCharacters},
		{"Léa!", pseudonym.BadCharacters},
		{"L'ami", pseudonym.BadCharacters},
		{"léa@ecole.fr", pseudonym.BadCharacters},
		{"leo#1", pseudonym.BadCharacters},
		{"-Léa", pseudonym.BadCharacters},
		{"Léa_", pseudonym.BadCharacters},
		{"Léa..Zoé", pseudonym.BadCharacters},
		{"Léa - Zoé", pseudonym.BadCharacters},
		{"Léa\tZoé", pseudonym.OK}, // white space is collapsed
		{"Lé\x00a", pseudonym.BadCharacters},
		{"Lé\x1ba", pseudonym.BadCharacters},
		{"L\u200Béa", pseudonym.BadCharacters},                        // zero width space
		{"L\u200Déa", pseudonym.BadCharacters},                        // zero width joiner
		{"\u202Eadmin", pseudonym.BadCharacters},                      // right-to-left override
		{"Léa\u2066x\u2069", pseudonym.BadCharacters},                 // bidi isolate
		{"Léa\uFE0F", pseudonym.BadCharacters},                        // variation selector
		{"\u3164\u3164\u3164", pseudonym.BadCharacters},               // Hangul filler, "blank" name
		{"Le\u034Fa", pseudonym.BadCharacters},                        // combining grapheme joiner
		{"\u0301Léa", pseudonym.BadCharacters},                        // mark without a letter
		{"Z\u0301\u0302\u0303\u0304\u0305a", pseudonym.BadCharacters}, // Zalgo
		{"Léa\xff", pseudonym.BadCharacters},                          // not UTF-8
		{"ᴀᴅᴍɪɴ", pseudonym.BadCharacters},                            // Latin small capitals
		{"ǃǃǃ", pseudonym.BadCharacters},                              // click letter drawn as "!"
		{"L\uE000a", pseudonym.BadCharacters},                         // private use
		{"Léa٣", pseudonym.BadCharacters},                             // non-ASCII digit
		{"аdmin", pseudonym.BadCharacters},                            // Cyrillic а among Latin
		{"pаypal", pseudonym.BadCharacters},                           // idem
		{"Tanaka田中", pseudonym.BadCharacters},                         // Latin with Han
		{"123", pseudonym.BadCharacters},                              // no letter
		{"0612345678", pseudonym.BadCharacters},                       // phone number
		{"06 12 34 56 78", pseudonym.BadCharacters},
		{"Kevin_13012", pseudonym.BadCharacters}, // five digits
		{"www.jeux", pseudonym.BadCharacters},
		{"monsite.fr", pseudonym.BadCharacters},
		{"discord.gg", pseudonym.BadCharacters},
		{"http site", pseudonym.BadCharacters},

		{"admin", pseudonym.Forbidden},
		{"Admin_du_jeu", pseudonym.Forbidden},
		{"LeModo", pseudonym.Forbidden},
		{"Prof Martin", pseudonym.Forbidden},
		{"M0déRateur", pseudonym.Forbidden},
		{"a.d.m.i.n", pseudonym.Forbidden},
		{"Staff", pseudonym.Forbidden},
		{"Organisatrice", pseudonym.Forbidden},
		{"Serveur", pseudonym.Forbidden},
		{"Système", pseudonym.Forbidden},
		{"SUPPORT", pseudonym.Forbidden},
		{"Intervenant.e", pseudonym.Forbidden},
		{"con", pseudonym.Forbidden},
		{"Le con", pseudonym.Forbidden},
		{"c.o.n", pseudonym.Forbidden},
		{"le c o n", pseudonym.Forbidden},
		{"fdp93", pseudonym.Forbidden},
		{"F.D.P", pseudonym.Forbidden},
		{"Connard", pseudonym.Forbidden},
		{"salepute", pseudonym.Forbidden},
		{"Sale_Pute", pseudonym.Forbidden},
		{"PUT41N", pseudonym.Forbidden},
		{"nique ta mère", pseudonym.Forbidden},
		{"niquetamere", pseudonym.Forbidden},
		{"Enculé", pseudonym.Forbidden},
		{"nazi", pseudonym.Forbidden},
		{"Hitler_88", pseudonym.Forbidden},
		{"Bougnoule", pseudonym.Forbidden},
		{"p.d", pseudonym.Forbidden},
		{"Pé-dé", pseudonym.Forbidden},
		{"Sexe", pseudonym.Forbidden},
		{"P0RN0", pseudonym.Forbidden},
		{"Cannabis", pseudonym.Forbidden},
		{"viol", pseudonym.Forbidden},
		{"Violeur", pseudonym.Forbidden},
		{"5al0pe", pseudonym.Forbidden},
	}
	for _, tt := range tests {
		display, key, err := c.Check(tt.in)
		if got := reasonOf(t, err); got != tt.want {
			t.Errorf("Check(%q) = %q, %q, %v (%v); want %v", tt.in, display, key, err, got, tt.want)
			continue
		}
		if tt.want != pseudonym.OK && (display != "" || key != "") {
			t.Errorf("Check(%q) refused but returned %q, %q", tt.in, display, key)
		}
		if tt.want == pseudonym.OK && (display == "" || key == "") {
			t.Errorf("Check(%q) accepted but returned %q, %q", tt.in, display, key)
		}
	}
}

// corpus reads a testdata file: one pseudonym per line, "#" comments,
// "[section]" headers. It returns the lines by section ("" before any).
func corpus(tb testing.TB, name string) map[string][]string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string][]string)
	section := ""
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			continue
		}
		out[section] = append(out[section], line)
	}
	return out
}

// TestOrdinaryNames guards against the Scunthorpe problem: first names from
// everywhere and the pseudonyms pupils pick, including those that contain a
// deny-list entry or a title, or look like one once look-alikes are mapped
// and repeated letters folded, must pass (testdata/ordinary.txt).
func TestOrdinaryNames(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	names := corpus(t, "ordinary.txt")[""]
	if len(names) < 200 {
		t.Fatalf("ordinary.txt has %d names; keep at least 200", len(names))
	}
	for _, n := range names {
		if _, _, err := c.Check(n); err != nil {
			t.Errorf("Check(%q) = %v; an ordinary name must pass", n, err)
		}
	}
}

// TestBlockedCorpus: staff titles with names in every spacing, accents and
// look-alikes, and insults disguised with repeated letters, are refused,
// each with the rule that tells the pupil why (testdata/blocked.txt).
func TestBlockedCorpus(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	want := map[string]pseudonym.Rule{"staff": pseudonym.RuleStaff, "denied": pseudonym.RuleDenied, "any": pseudonym.RuleNone}
	sections := corpus(t, "blocked.txt")
	if len(sections["staff"]) < 50 || len(sections["denied"]) < 20 {
		t.Fatalf("blocked.txt has %d staff and %d denied entries", len(sections["staff"]), len(sections["denied"]))
	}
	for section, names := range sections {
		rule, ok := want[section]
		if !ok {
			t.Fatalf("blocked.txt: unknown section %q", section)
		}
		for _, n := range names {
			_, _, err := c.Check(n)
			var e *pseudonym.Error
			if !errors.As(err, &e) {
				t.Errorf("Check(%q) accepted; it must be refused", n)
				continue
			}
			if rule != pseudonym.RuleNone && e.Rule != rule {
				t.Errorf("Check(%q) refused with %v (%s); want %v", n, e.Rule, e.Message, rule)
			}
		}
	}
}

func TestLookAlikes(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	// Each of these is refused, whatever the reason.
	for _, in := range []string{
		"ａｄｍｉｎ",             // full-width
		"ＡＤＭＩＮ",             // full-width capitals
		"𝐚𝐝𝐦𝐢𝐧",             // mathematical bold
		"ⓐⓓⓜⓘⓝ",             // circled
		"аdmin",             // Cyrillic а
		"admіn",             // Cyrillic і
		"αdmin",             // Greek α
		"ad\u200Dmin",       // zero width joiner
		"adm\u00ADin",       // soft hyphen
		"a\u0301dmi\u0300n", // combining accents
		"ádmìn",             // precomposed accents
		"\u202Enimda",       // bidi override: shows "admin"
		"4dm1n",             // digits
		"AdMiN",
		"A-D-M-I-N",
		"Ad Min",
		"ᴀᴅᴍɪɴ",
		"Mοdo", // Greek ο
		"MODO", // capitals
		"m0d0", // digits
		"Prσf", // Greek σ among Latin
		"ΡRΟF", // Greek capitals Ρ and Ο among Latin
		"Ρrоf", // Greek and Cyrillic
	} {
		if _, _, err := c.Check(in); err == nil {
			t.Errorf("Check(%q) accepted a look-alike", in)
		}
	}

	// Look-alikes that are allowed map to the same key as the original.
	_, want, err := c.Check("Léa")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		"Ｌéａ", "Le\u0301a", "LÉA", "lea", "L e a", "L-é-a", "L.E.A", "L_e_a",
		"1ea", "Lé4", "IEA", "𝐋𝐞𝐚", "ⓛⓔⓐ", "ＬＥＡ",
	} {
		_, key, err := c.Check(in)
		if err != nil {
			t.Errorf("Check(%q): %v", in, err)
			continue
		}
		if key != want {
			t.Errorf("Check(%q) key = %q; want %q as for Léa", in, key, want)
		}
	}

	// A name written only in Cyrillic or Greek letters drawn like Latin
	// ones takes the key of the Latin name: "Тор" cannot sit beside "Top".
	for _, pair := range [][2]string{
		{"Тор", "Top"},
		{"сосо", "coco"},
		{"ΤΟΜ", "TOM"},
		{"ΚΑΤΕ", "KATE"},
	} {
		_, k1, err1 := c.Check(pair[0])
		_, k2, err2 := c.Check(pair[1])
		if err1 != nil || err2 != nil {
			t.Errorf("Check(%q), Check(%q): %v, %v", pair[0], pair[1], err1, err2)
			continue
		}
		if k1 != k2 {
			t.Errorf("key(%q) = %q, key(%q) = %q; want equal", pair[0], k1, pair[1], k2)
		}
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	same := [][]string{
		{"Léa", "LEA", "Lea", "L e a", "léa", "Ｌｅａ"},
		{"Jean-Baptiste", "Jean Baptiste", "jeanbaptiste", "JEAN_BAPTISTE", "Jean.Baptiste"},
		{"Maëlle", "Maelle", "MAËLLE", "Maë11e", "MaeIIe"},
		{"Chloé", "Chloe", "CHLOÉ", "Chl0é"},
		{"Cœur", "Coeur", "CŒUR"},
		{"Strauß", "Strauss", "STRAUSS"},
		{"Mathis_42", "Mathis42", "MATHIS 42"},
		{"Zoé", "Zoe\u0308", "Zoë", "Z0E"},
	}
	seen := make(map[string]string) // key -> group's first name
	for _, group := range same {
		var want string
		for i, in := range group {
			_, key, err := c.Check(in)
			if err != nil {
				t.Errorf("Check(%q): %v", in, err)
				continue
			}
			if i == 0 {
				want = key
				if other, ok := seen[key]; ok {
					t.Errorf("%q and %q share key %q", in, other, key)
				}
				seen[key] = in
			} else if key != want {
				t.Errorf("key(%q) = %q; want %q as for %q", in, key, want, group[0])
			}
		}
	}
	// Different names, different keys.
	different := []string{"Léa", "Léo", "Lena", "Lucas", "Lukas", "Luca", "Emma", "Emmа2", "Noé", "Noah", "Tom", "Tim"}
	keys := make(map[string]string)
	for _, in := range different {
		_, key, err := c.Check(in)
		if err != nil {
			continue // "Emmа2" mixes scripts: refused, fine
		}
		if other, ok := keys[key]; ok {
			t.Errorf("%q and %q share key %q", in, other, key)
		}
		keys[key] = in
	}
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	tests := []struct{ in, want string }{
		{"Léa", "Léa"},
		{"  Léa  ", "Léa"},
		{"Léa   Martin", "Léa Martin"},
		{"Léa\u00A0Martin", "Léa Martin"}, // no-break space
		{"Léa\u3000Martin", "Léa Martin"}, // ideographic space
		{"Le\u0301a", "Léa"},              // composed
		{"Ｌéａ", "Léa"},                    // full width
		{"Maëlle", "Maëlle"},
		{"ANAÏS", "ANAÏS"},
		{"Jean-Baptiste", "Jean-Baptiste"},
		{"Sébastien", "Sébastien"},
		{"Cœur", "Cœur"},
		{"ﬁfi", "fifi"}, // ligature split
		{"Léo²", "Léo2"},
		{"Héloïse_13", "Héloïse_13"},
	}
	for _, tt := range tests {
		display, _, err := c.Check(tt.in)
		if err != nil {
			t.Errorf("Check(%q): %v", tt.in, err)
			continue
		}
		if display != tt.want {
			t.Errorf("Check(%q) display = %q; want %q", tt.in, display, tt.want)
		}
	}
}

// TestMessages: every rule has its own plain French sentence, with the
// offending character quoted where it can be shown, and each fits a close
// reason (120 bytes) in every configuration.
func TestMessages(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	tests := []struct {
		in     string
		reason pseudonym.Reason
		rule   pseudonym.Rule
		msg    string
	}{
		{"Lu", pseudonym.TooShort, pseudonym.RuleTooShort, "Ton pseudonyme est trop court : il faut au moins 3 caractères, par exemple « Léo »."},
		{strings.Repeat("a", 21), pseudonym.TooLong, pseudonym.RuleTooLong, "Ton pseudonyme est trop long : 20 caractères au plus, espaces compris."},
		{"Léo🦊", pseudonym.BadCharacters, pseudonym.RuleEmoji, "Les émojis comme « 🦊 » ne sont pas acceptés : écris seulement des lettres, par exemple « Léo »."},
		{"🇫🇷Léo", pseudonym.BadCharacters, pseudonym.RuleEmoji, "Les émojis comme « 🇫 » ne sont pas acceptés : écris seulement des lettres, par exemple « Léo »."},
		{"Léa❤️", pseudonym.BadCharacters, pseudonym.RuleEmoji, "Les émojis comme « ❤ » ne sont pas acceptés : écris seulement des lettres, par exemple « Léo »."},
		{"Léa!", pseudonym.BadCharacters, pseudonym.RuleSymbol, "Le signe « ! » n'est pas accepté : mets seulement des lettres, des chiffres, et - _ . entre les mots."},
		{"L'ami", pseudonym.BadCharacters, pseudonym.RuleSymbol, "Le signe « ' » n'est pas accepté : mets seulement des lettres, des chiffres, et - _ . entre les mots."},
		{"léa@ecole.fr", pseudonym.BadCharacters, pseudonym.RuleSymbol, "Le signe « @ » n'est pas accepté : mets seulement des lettres, des chiffres, et - _ . entre les mots."},
		{"ᴀᴅᴍɪɴ", pseudonym.BadCharacters, pseudonym.RuleLetter, "La lettre « ᴀ » n'est pas acceptée : écris avec les lettres ordinaires de ton clavier."},
		{"Léa٣", pseudonym.BadCharacters, pseudonym.RuleDigitForm, "Le chiffre « ٣ » n'est pas accepté : écris les chiffres avec 0 1 2 3 4 5 6 7 8 9."},
		{"L\u200Béa", pseudonym.BadCharacters, pseudonym.RuleInvisible, "Ton pseudonyme contient un caractère invisible ou spécial : efface-le et écris-le de nouveau."},
		{"\u202Eadmin", pseudonym.BadCharacters, pseudonym.RuleInvisible, "Ton pseudonyme contient un caractère invisible ou spécial : efface-le et écris-le de nouveau."},
		{"Léa\xff", pseudonym.BadCharacters, pseudonym.RuleInvisible, "Ton pseudonyme contient un caractère invisible ou spécial : efface-le et écris-le de nouveau."},
		{"Z\u0301\u0302\u0303\u0304\u0305a", pseudonym.BadCharacters, pseudonym.RuleMarks, "Il y a trop d'accents sur une lettre, ou un accent tout seul : trois accents au plus par lettre."},
		{"Léa_", pseudonym.BadCharacters, pseudonym.RuleSeparator, "Mets - _ . ou un espace seulement entre deux mots, un seul à la fois : « Léa-Zoé », pas « Léa- »."},
		{"Léa - Zoé", pseudonym.BadCharacters, pseudonym.RuleSeparator, "Mets - _ . ou un espace seulement entre deux mots, un seul à la fois : « Léa-Zoé », pas « Léa- »."},
		{"аdmin", pseudonym.BadCharacters, pseudonym.RuleMixedScripts, "Écris avec un seul alphabet : « Léa » ou « Лея », mais pas des lettres des deux mélangées."},
		{"Tanaka田中", pseudonym.BadCharacters, pseudonym.RuleMixedScripts, "Écris avec un seul alphabet : « Léa » ou « Лея », mais pas des lettres des deux mélangées."},
		{"123", pseudonym.BadCharacters, pseudonym.RuleNoLetter, "Ton pseudonyme doit contenir au moins une lettre : « Léo2010 » et pas « 2010 »."},
		{"Kevin_13012", pseudonym.BadCharacters, pseudonym.RuleDigits, "4 chiffres au plus : ne mets pas de numéro de téléphone ni de code postal dans ton pseudonyme."},
		{"monsite.fr", pseudonym.BadCharacters, pseudonym.RuleLink, "Ton pseudonyme ne doit pas ressembler à une adresse de site (www, .fr, .com…)."},
		{"M. Martin", pseudonym.Forbidden, pseudonym.RuleStaff, "Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin »."},
		{"Mme Durand", pseudonym.Forbidden, pseudonym.RuleStaff, "Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin »."},
		{"Admin", pseudonym.Forbidden, pseudonym.RuleStaff, "Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin »."},
		{"connnnard", pseudonym.Forbidden, pseudonym.RuleDenied, "Ce pseudonyme contient un mot grossier, blessant ou interdit : choisis-en un autre."},
	}
	seen := make(map[pseudonym.Rule]bool)
	for _, tt := range tests {
		_, _, err := c.Check(tt.in)
		var e *pseudonym.Error
		if !errors.As(err, &e) {
			t.Errorf("Check(%q) = %v; want a refusal", tt.in, err)
			continue
		}
		if e.Reason != tt.reason || e.Rule != tt.rule || e.Message != tt.msg || e.Error() != tt.msg {
			t.Errorf("Check(%q) = %v, %v, %q;\nwant %v, %v, %q", tt.in, e.Reason, e.Rule, e.Message, tt.reason, tt.rule, tt.msg)
		}
		if e.Rule.Reason() != e.Reason {
			t.Errorf("Check(%q): rule %v has reason %v, error says %v", tt.in, e.Rule, e.Rule.Reason(), e.Reason)
		}
		seen[e.Rule] = true
	}
	for r := pseudonym.RuleTooShort; r <= pseudonym.RuleDenied; r++ {
		if !seen[r] {
			t.Errorf("no test for the message of %v", r)
		}
	}
	// Every message, in every configuration, fits a close reason.
	for _, cfg := range []pseudonym.Config{{}, {MinLen: 64, MaxLen: 64}, {MinLen: 1, MaxLen: 1}} {
		c := newChecker(t, cfg)
		for _, in := range []string{"", strings.Repeat("a", 65), "😀", "a😀", "a\U0001F98A", "a\u0378", "admin", "M. Martin", "a!", "aᴀ", "a٣", "a\u200B"} {
			_, _, err := c.Check(in)
			var e *pseudonym.Error
			if !errors.As(err, &e) {
				continue
			}
			if len(e.Message) > 120 || !utf8.ValidString(e.Message) || strings.Contains(e.Message, "%") {
				t.Errorf("%+v: Check(%q): message %q is %d bytes", cfg, in, e.Message, len(e.Message))
			}
		}
	}
}

func TestReasonString(t *testing.T) {
	t.Parallel()
	for r, want := range map[pseudonym.Reason]string{
		pseudonym.OK: "ok", pseudonym.TooShort: "too_short", pseudonym.TooLong: "too_long",
		pseudonym.BadCharacters: "bad_characters", pseudonym.Forbidden: "forbidden", 9: "reason_9",
	} {
		if got := r.String(); got != want {
			t.Errorf("Reason(%d).String() = %q; want %q", r, got, want)
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []pseudonym.Config{
		{MinLen: -1},
		{MaxLen: -1},
		{MaxLen: 65},
		{MinLen: 10, MaxLen: 5},
		{MinLen: 21}, // above the default MaxLen
		{Deny: []string{"..."}},
		{Deny: []string{"l'ami"}},
		{Deny: []string{"😀"}},
	} {
		if _, err := pseudonym.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", cfg)
		}
	}

	c := newChecker(t, pseudonym.Config{MinLen: 2, MaxLen: 8, Deny: []string{
		"# comment",
		"",
		"zut", // short: whole word
		"Crotte   # end of line comment",
		"=flûte",       // whole word
		"!crottelette", // exception
	}})
	tests := []struct {
		in   string
		want pseudonym.Reason
	}{
		{"Lu", pseudonym.OK},
		{"L", pseudonym.TooShort},
		{"Alexandr", pseudonym.OK},
		{"Alexandre", pseudonym.TooLong},
		{"zut", pseudonym.Forbidden},
		{"Zut_toi", pseudonym.Forbidden},
		{"Zutalors", pseudonym.OK},
		{"Crottin", pseudonym.OK},
		{"Crottes", pseudonym.Forbidden},
		{"Crottelette", pseudonym.TooLong},
		{"Flute", pseudonym.Forbidden},
		{"Flutiste", pseudonym.OK},
		{"Fluteaux", pseudonym.OK},
		{"admin", pseudonym.Forbidden}, // the built-in list stays
	}
	for _, tt := range tests {
		if _, _, err := c.Check(tt.in); reasonOf(t, err) != tt.want {
			t.Errorf("Check(%q) = %v; want %v", tt.in, err, tt.want)
		}
	}
	wide := newChecker(t, pseudonym.Config{Deny: []string{"crotte", "!crottelette"}})
	for in, want := range map[string]pseudonym.Reason{
		"Crottelette":        pseudonym.OK,
		"Crotte_crottelette": pseudonym.Forbidden, // one hit is outside the exception
	} {
		if _, _, err := wide.Check(in); reasonOf(t, err) != want {
			t.Errorf("Check(%q) = %v; want %v", in, err, want)
		}
	}
}

// TestConcurrent shares one Checker between goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	inputs := []string{"Léa", "ａｄｍｉｎ", "Jean-Baptiste", "😀😀😀", "Maëlle", "fdp93"}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		_, want[i], _ = c.Check(in)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g + n) % len(inputs)
				if _, key, _ := c.Check(inputs[i]); key != want[i] {
					t.Errorf("Check(%q) key = %q; want %q", inputs[i], key, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"Léa", "Mathis_42", "Jean-Baptiste", "ａｄｍｉｎ", "аdmin", "a.d.m.i.n",
		"L\u200Déa", "\u202Eadmin", "Le\u0301a", "田中さん", "Ελένη", "😀",
		" L  e a ", "ﬁfi", "fdp93", "Badminton", "\u3164\u3164\u3164", "Léa\xff",
		"M. Martin", "MmeDurand", "CPE Dupont", "connnnard", "Léo🦊", "M a e l l e", "ᴀdmin",
	} {
		f.Add(s)
	}
	c := newChecker(f, pseudonym.Config{})
	f.Fuzz(func(t *testing.T, s string) {
		display, key, err := c.Check(s)
		if err != nil {
			var e *pseudonym.Error
			if !errors.As(err, &e) || e.Reason == pseudonym.OK || len(e.Message) > 120 {
				t.Fatalf("Check(%q): bad error %#v", s, err)
			}
			if display != "" || key != "" {
				t.Fatalf("Check(%q) refused but returned %q, %q", s, display, key)
			}
			return
		}
		if key == "" || !utf8.ValidString(display) || !utf8.ValidString(key) {
			t.Fatalf("Check(%q) = %q, %q", s, display, key)
		}
		if n := utf8.RuneCountInString(display); n < 3 || n > 20 {
			t.Fatalf("Check(%q) display %q has %d runes", s, display, n)
		}
		display2, key2, err := c.Check(display)
		if err != nil || display2 != display || key2 != key {
			t.Fatalf("Check(%q) = %q, %q; Check(display) = %q, %q, %v", s, display, key, display2, key2, err)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	c := newChecker(b, pseudonym.Config{})
	for _, in := range []string{"Léa", "Jean-Baptiste_42", "ａｄｍｉｎ", "Sébastien Dupont", "😀😀😀", "田中さん"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Check(in)
			}
		})
	}
}

// TestKnownTradeOffs pins the costs documented in doc.go, so that changing
// them is a decision and not an accident.
func TestKnownTradeOffs(t *testing.T) {
	t.Parallel()
	c := newChecker(t, pseudonym.Config{})
	for in, want := range map[string]pseudonym.Reason{
		"Cui":        pseudonym.Forbidden, // key "cui" is that of "cul": i and l are one letter
		"Gogol":      pseudonym.Forbidden, // the writer, but also a common insult
		"grossebite": pseudonym.OK,        // "=bite" is whole-word only, for Habite and Orbite
		"N'Golo":     pseudonym.BadCharacters,
		"Mile":       pseudonym.Forbidden, // the key of "Mlle": i and l are one letter
		"Stafford":   pseudonym.Forbidden, // holds "staff"
		"M Pokora":   pseudonym.Forbidden, // reads as "M. Pokora"
		"drmartin":   pseudonym.OK,        // a glued lower-case "dr" cannot be told from "Drake"
		"aedmartin":  pseudonym.OK,        // nor "aed" from "Aedan"
		"Léa M":      pseudonym.OK,        // an initial at the end is not a title
	} {
		if _, _, err := c.Check(in); reasonOf(t, err) != want {
			t.Errorf("Check(%q) = %v; want %v", in, err, want)
		}
	}
	// "Lia" and "Ila" share a key.
	_, k1, _ := c.Check("Lia")
	_, k2, _ := c.Check("Ila")
	if k1 != k2 {
		t.Errorf("keys of Lia and Ila: %q, %q; want equal", k1, k2)
	}
}
