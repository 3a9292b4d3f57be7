package moderation

import "bytes"

// The contact-details filter reads the folded form f of a message and its
// tokens (maximal runs of letters and digits, "@" and "$" included). It
// looks for phone numbers, e-mail addresses, web addresses and social
// network handles, written plainly or disguised: spaced, dotted, spelled
// in French words, with « arobase » or « point com ».

// contactsOf runs the contact-details filter on a prepared message.
func contactsOf(s *scratch) Reason {
	if phone(s) {
		return Phone
	}
	if r := addresses(s); r != OK {
		return r
	}
	if handle(s) {
		return Handle
	}
	return OK
}

// tok returns the folded bytes of token i.
func (s *scratch) tok(i int) []byte {
	t := s.tokens[i]
	return s.f[t.start:t.end]
}

// gap returns the folded bytes between token i-1 and token i.
func (s *scratch) gap(i int) []byte {
	if i == 0 {
		return s.f[:s.tokens[0].start]
	}
	return s.f[s.tokens[i-1].end:s.tokens[i].start]
}

// is reports whether token i is one of words.
func (s *scratch) is(i int, words ...string) bool {
	if i < 0 || i >= len(s.tokens) {
		return false
	}
	t := s.tok(i)
	for _, w := range words {
		if string(t) == w {
			return true
		}
	}
	return false
}

// numberKind classifies the tokens of a phone number.
type numberKind uint8

const (
	notNumber numberKind = iota
	digitsTok            // "06", "o6" (digits, with o, i or l drawn like 0 and 1)
	unitWord             // "zero" to "neuf": one digit
	teenWord             // "onze" to "seize": two digits
	tensWord             // "dix", "vingt" to "soixante": two digits, a unit may follow
	etWord               // "et" in "vingt et un"
)

func numberOf(t []byte) (numberKind, int) {
	switch string(t) {
	case "zero", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf":
		return unitWord, 1
	case "onze", "douze", "treize", "quatorze", "quinze", "seize":
		return teenWord, 2
	case "dix", "vingt", "vingts", "trente", "quarante", "cinquante", "soixante",
		"septante", "huitante", "octante", "nonante":
		return tensWord, 2
	case "et":
		return etWord, 0
	}
	digits := 0
	for _, c := range t {
		switch {
		case isDigit(c):
			digits++
		case c == 'o' || c == 'i' || c == 'l':
		default:
			return notNumber, 0
		}
	}
	if digits == 0 {
		return notNumber, 0
	}
	return digitsTok, len(t)
}

// phoneDigits is the number of digits from which a run of numbers is a
// phone number: French numbers have 10 (9 after +33), a date "06/12/2025"
// has 8, a time "14:30" is not a run.
const phoneDigits = 9

// phone reports a run of numbers, written in digits or in French words,
// of phoneDigits digits or more, its parts separated by spaces, dots,
// dashes, slashes or brackets ("06 12 34 56 78", "+33 6 12.34.56.78",
// "zéro six douze trente-quatre cinquante-six soixante-dix-huit"). Commas
// separate numbers written in words but end a run of digits: "salles 12,
// 14, 18, 22 et 30" is a list.
func phone(s *scratch) bool {
	digits := 0
	prevKind := notNumber
	afterTens, prevQuatre := false, false
	// thousands: the run so far is a number written with spaces between
	// thousands ("1 000 000 000"): a first group of 1 to 3 digits not
	// starting with 0, then groups of 3. Phone numbers start with 0 or a
	// country code, and are grouped by two ("06 12 34 56 78") or as
	// "0 800 123 456".
	thousands := false
	for i := range s.tokens {
		t := s.tok(i)
		kind, n := numberOf(t)
		if kind != notNumber && digits > 0 && !numberGap(s.gap(i), prevKind != digitsTok || kind != digitsTok) {
			digits, afterTens = 0, false
		}
		start := digits == 0
		switch kind {
		case notNumber:
			digits, afterTens = 0, false
		case etWord:
			if !afterTens {
				digits = 0
			}
		case digitsTok:
			digits += n
			afterTens = false
		case unitWord:
			if !afterTens {
				digits++
			}
			afterTens = false
		case teenWord:
			if !afterTens {
				digits += 2
			}
			afterTens = false
		case tensWord:
			word := string(t)
			switch {
			case afterTens && word == "dix": // soixante-dix, quatre-vingt-dix
			case prevQuatre && (word == "vingt" || word == "vingts"):
				digits++ // quatre-vingt: "quatre" counted one already
			default:
				digits += 2
			}
			afterTens = true
		}
		switch {
		case kind != digitsTok:
			thousands = false
		case start:
			thousands = n <= 3 && t[0] != '0' && !bytes.ContainsRune(s.gap(i), '+')
		default:
			thousands = thousands && n == 3
		}
		prevQuatre = kind == unitWord && string(t) == "quatre"
		prevKind = kind
		if digits >= phoneDigits && !thousands {
			return true
		}
	}
	return false
}

// numberGap reports whether the bytes between two numbers keep them in one
// run: at most 4 bytes of spaces and . - _ / ( ) +, and commas or
// semicolons when words may be on either side.
func numberGap(g []byte, words bool) bool {
	if len(g) > 4 {
		return false
	}
	for _, c := range g {
		switch c {
		case ' ', '.', '-', '_', '/', '(', ')', '+':
		case ',', ';':
			if !words {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// tld reports the top-level domains looked for: after a glued dot
// ("monsite.fr") the wider set, after a spaced dot or « point » the ones
// that are not French words ("point com", not "point me").
func tld(t []byte, spaced bool) bool {
	switch string(t) {
	case "com", "fr", "net", "org", "io", "xyz", "info", "biz":
		return true
	case "tv", "eu", "app", "dev", "ly", "be", "uk", "ru", "site", "online", "shop", "gg":
		return !spaced
	}
	return false
}

// mailProvider reports the words of the usual mail providers' domains.
func mailProvider(t []byte) bool {
	switch string(t) {
	case "gmail", "hotmail", "yahoo", "outlook", "icloud", "live", "msn", "orange", "free",
		"sfr", "laposte", "wanadoo", "protonmail", "proton", "gmx", "aol", "yopmail", "bbox", "ymail":
		return true
	}
	return false
}

// atWord reports the words that say "@": « arobase » and its spellings,
// « at ».
func atWord(t []byte) (at, strong bool) {
	switch string(t) {
	case "arobase", "arobas", "arobaze", "arrobase", "arobace", "arroba", "arobaz", "arobasse":
		return true, true
	case "at":
		return true, false
	}
	return false, false
}

// addresses looks for e-mail addresses and web addresses.
func addresses(s *scratch) Reason {
	for i := range s.tokens {
		t := s.tok(i)
		switch string(t) {
		case "www", "http", "https":
			return Link
		}
		if at, strong := atWord(t); at {
			if strong || domainAt(s, i+1) != OK {
				return Email
			}
		}
		// "leo@gmail.com", "leo @ gmail . com", "@gmail"
		for j, c := range t {
			if c != '@' {
				continue
			}
			local := j > 0
			if j == len(t)-1 || !local {
				// "@" at an end of the token: spaced, or a mention "@Léo".
				if r := domainAfterAt(s, i, j); r != OK {
					return Email
				}
				continue
			}
			if isLetter(t[j+1]) {
				return Email // "leo@gmail", "x@y"
			}
		}
		// A domain: "monsite.fr", "monsite . com", "monsite point com".
		if i > 0 && tld(t, true) && (s.is(i-1, "point", "dot") || spacedDot(s.gap(i))) {
			return domainReason(s, i-1)
		}
		if i > 0 && tld(t, false) && gluedDot(s.gap(i)) {
			if string(t) == "gg" && !s.is(i-1, "discord") {
				continue // "bravo.gg": "gg" is "good game"
			}
			return domainReason(s, i-1)
		}
	}
	return OK
}

// domainReason says Email for a domain whose label before the top-level
// domain (token i, or the one before « point ») is a mail provider.
func domainReason(s *scratch, i int) Reason {
	if s.is(i, "point", "dot") {
		i--
	}
	if i >= 0 && mailProvider(s.tok(i)) {
		return Email
	}
	return Link
}

// domainAt reports a mail domain from token i: a provider, or a word and a
// top-level domain ("gmail", "truc point fr").
func domainAt(s *scratch, i int) Reason {
	if i >= len(s.tokens) {
		return OK
	}
	if mailProvider(s.tok(i)) {
		return Email
	}
	if i+1 < len(s.tokens) && tld(s.tok(i+1), false) && (gluedDot(s.gap(i+1)) || spacedDot(s.gap(i+1))) {
		return Email
	}
	if i+2 < len(s.tokens) && s.is(i+1, "point", "dot") && tld(s.tok(i+2), true) {
		return Email
	}
	return OK
}

// domainAfterAt handles an "@" at position j of token i that has no local
// part glued before it or no domain glued after it: "leo @ gmail",
// "leo@ gmail.com". A mention ("@Léo", "salut @Léo") is not an address.
func domainAfterAt(s *scratch, i, j int) Reason {
	t := s.tok(i)
	if j < len(t)-1 {
		// "@gmail": the domain is glued, the local part is not.
		if mailProvider(t[j+1:]) && i > 0 {
			return Email
		}
		return OK
	}
	return domainAt(s, i+1)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || c >= 0x80 }

// gluedDot reports the gap "." between two words written without spaces.
func gluedDot(g []byte) bool { return len(g) == 1 && g[0] == '.' }

// spacedDot reports a gap holding one dot and spaces: " . ", ". ", " .".
func spacedDot(g []byte) bool {
	dots := 0
	for _, c := range g {
		switch c {
		case '.':
			dots++
		case ' ':
		default:
			return false
		}
	}
	return dots == 1 && len(g) > 1
}

// platform reports the names of social networks and messaging apps and
// their usual abbreviations; "tik tok" is two tokens, seen by handle.
func platform(t []byte) bool {
	switch string(t) {
	case "snap", "snapchat", "snp", "snapp", "insta", "instagram", "insta@", "tiktok", "discord",
		"whatsapp", "whatsap", "watsap", "watsapp", "whatapp", "wsp", "wtsp", "wpp", "telegram", "tlg",
		"facebook", "fb", "messenger", "kik", "twitter", "twitch", "bereal", "yubo", "skype", "threads":
		return true
	}
	return false
}

// weakPlatform reports abbreviations that are other words too ("sc" for
// Snapchat, "ig" for Instagram): a platform only after "sur" in a message
// with a contact cue ("ajoute moi sur sc") or right after a possessive
// ("mon ig").
func weakPlatform(t []byte) bool {
	switch string(t) {
	case "sc", "ig", "dc", "disc", "wa":
		return true
	}
	return false
}

// cue reports the words that ask for contact or give it.
func cue(t []byte) bool {
	switch string(t) {
	case "ajoute", "ajoutes", "ajouter", "ajoutez", "ajout", "ajt", "ajte", "rajoute", "rajoutes",
		"rajoutez", "add", "adde", "addez", "follow", "followez", "abonne", "abonnez", "abonnes",
		"pseudo", "identifiant", "id", "dm", "mp", "priv", "contacte", "contactez", "ecris", "ecrivez", "msg", "texto", "appelle", "appel", "numero", "num":
		return true
	}
	return false
}

// possessive reports the words that, right before a platform, ask for or
// give an account: "mon snap", "ton insta", "t'as snap", "y'a un discord".
func possessive(t []byte) bool {
	switch string(t) {
	case "mon", "ma", "ton", "ta", "son", "sa", "notre", "votre", "leur", "as", "ya", "un", "mn", "tn":
		return true
	}
	return false
}

// handle reports a social handle: a platform named with a contact cue
// anywhere in the message, a possessive right before it, or a
// handle-shaped word near it ("snap : leo_93", "insta @leo.b").
func handle(s *scratch) bool {
	anyCue := false
	for i := range s.tokens {
		if cue(s.tok(i)) {
			anyCue = true
			break
		}
	}
	for i := range s.tokens {
		t := s.tok(i)
		strong := platform(t) || (s.is(i, "tik") && s.is(i+1, "tok"))
		weak := !strong && weakPlatform(t) && ((s.is(i-1, "sur") || s.is(i-1, "en")) && anyCue || s.is(i-1, "mon", "ton", "ma", "ta", "mn", "tn"))
		if !strong && !weak {
			continue
		}
		if weak || anyCue || (i > 0 && possessive(s.tok(i-1))) {
			return true
		}
		for j := max(0, i-2); j < min(len(s.tokens), i+4); j++ {
			if j != i && handleShaped(s, j) {
				return true
			}
		}
	}
	return false
}

// handleShaped reports a token shaped like an account name: letters with
// digits ("leo93"), with "_" or "." inside ("leo_b", "leo.b"), or after
// "@" ("@leo").
func handleShaped(s *scratch, i int) bool {
	t := s.tok(i)
	letters, digits := 0, 0
	for _, c := range t {
		switch {
		case isDigit(c):
			digits++
		case c == '@':
			return true
		default:
			letters++
		}
	}
	if letters > 0 && digits > 0 {
		return true
	}
	if i+1 < len(s.tokens) {
		g := s.gap(i + 1)
		if len(g) == 1 && (g[0] == '_' || g[0] == '.') {
			return true
		}
	}
	return false
}
