package moderation

import "fmt"

// Reason says why a text is blocked; OK means it passes. The word reasons
// (Insult to Staff) come from the word lists, the contact reasons (Phone to
// Link) from the contact-details filter.
type Reason uint8

const (
	OK      Reason = iota // passes
	TooLong               // over Config.MaxBytes bytes
	Invalid               // not UTF-8
	Insult                // an insult or a swear word ("connard", "fdp")
	Hate                  // a homophobic, racist or antisemitic slur, hate
	Sexual                // a sexual word
	Drugs                 // a drug or self-harm word
	Staff                 // a staff title or role, or the fair's name: names with Config.Staff only
	Phone                 // a phone number: digits, spaced, dotted, with +33, or spelled in French words
	Email                 // an e-mail address, also with « arobase », « at », « point com »
	Handle                // a social network or messaging handle ("mon snap c'est leo_93")
	Link                  // a web address or a domain, also spaced or with « point »
	numReasons
)

var reasonNames = [...]string{
	OK:      "ok",
	TooLong: "too_long",
	Invalid: "invalid",
	Insult:  "insult",
	Hate:    "hate",
	Sexual:  "sexual",
	Drugs:   "drugs",
	Staff:   "staff",
	Phone:   "phone",
	Email:   "email",
	Handle:  "handle",
	Link:    "link",
}

// String returns a short snake_case name, fit for a metric label and a wire
// field.
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// Blocked reports whether r is not OK.
func (r Reason) Blocked() bool { return r != OK }

// Contact reports whether r is a contact detail: Phone, Email, Handle or
// Link.
func (r Reason) Contact() bool { return r >= Phone && r < numReasons }

// Words reports whether r comes from the word lists: Insult, Hate, Sexual,
// Drugs or Staff.
func (r Reason) Words() bool { return r >= Insult && r <= Staff }

var reasonMessages = [...]string{
	OK:      "",
	TooLong: "Ton message est trop long : coupe-le en plusieurs.",
	Invalid: "Ton message contient des caractères illisibles : écris-le de nouveau.",
	Insult:  "Ton message contient un mot grossier ou une insulte : il n'a pas été envoyé.",
	Hate:    "Ton message contient un mot blessant : il n'a pas été envoyé.",
	Sexual:  "Ton message contient un mot déplacé : il n'a pas été envoyé.",
	Drugs:   "Ton message contient un mot interdit ici : il n'a pas été envoyé.",
	Staff:   "Ce nom est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin ».",
	Phone:   "Ne donne pas de numéro de téléphone ici, même écrit en lettres : c'est une information personnelle.",
	Email:   "Ne donne pas d'adresse e-mail ici : c'est une information personnelle.",
	Handle:  "Ne donne pas ton pseudo de réseau social ici (Snap, Insta, TikTok, Discord…) : reste sur le salon.",
	Link:    "Les adresses de sites ne sont pas acceptées ici.",
}

// Message returns a French sentence for the pupil, at most 120 bytes (it
// fits a WebSocket close reason), saying why the text was not sent. It is
// "" for OK.
func (r Reason) Message() string {
	if r < numReasons {
		return reasonMessages[r]
	}
	return "Ton message n'a pas été envoyé."
}
