// Package moderation filters what pupils write for others to read: chat
// messages, and the names shown to others (pseudonyms, class names, names
// on leaderboards and share pages). Most users are minors, so the filters
// lean towards refusing; a refused pupil rewrites the message, moderators
// and report buttons handle what slips through.
//
// # API
//
// New(Config) returns a *Filter; Filter.Message checks a chat message,
// Filter.Name a name. Both return a Reason: OK, or why the text is
// blocked. Reason.String is a snake_case name (a metric label, a wire
// field), Reason.Message a French sentence for the pupil (at most 120
// bytes). Fold and Key give the folded form and the key of a name, which
// the pseudonym checker uses for uniqueness.
//
// # The folded form
//
// Every check reads the text folded: NFKC/NFKD (full-width, mathematical,
// circled, superscript characters become plain ones), lower case, without
// accents, combining marks or format characters (a zero width space inside
// a word glues it back), Greek and Cyrillic letters drawn like Latin ones
// mapped to those ("сон" with Cyrillic letters is "con"). The word lists
// then read it with the leet look-alikes mapped too: 0→o, 1→i, l→i, 3→e,
// 4→a, @→a, 5→s, $→s, 7→t ("c0nn4rd"); the contact filter reads it with
// digits kept.
//
// # Word filter
//
// words.txt lists insults, slurs, sexual and drug words (Reasons Insult,
// Hate, Sexual, Drugs); staff.txt the staff titles refused in pseudonyms
// (Config.Staff, Reason Staff). An entry of 4 runes or more matches inside
// a word ("salepute", "emmerdeur"); a shorter one ("con", "pd", "fdp")
// only as a whole word, so "contenu", "concours", "Mâcon" and "second"
// pass; "=word" makes a longer entry whole-word only ("=conne" for
// "connexion"), "!word" is an exception ("!computer"). In a message, words
// are also read without their leading and trailing digits ("fdp93"), runs
// of one-letter words are glued back ("c o n n a r d", "c.o.n", "p-d"),
// and repeated letters are folded ("connnnard", "puuute"). In a name, as
// for pseudonyms, substring entries match across words too ("sale_pute"),
// since names are short and the words of a name are often glued.
//
// # Contact-details filter
//
//   - Phone: a run of numbers of 9 digits or more, in digits ("0612345678",
//     "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "o6 l2 ...")
//     or in French words ("zéro six douze trente-quatre cinquante-six
//     soixante-dix-huit"), or both mixed. A date ("le 06/12/2025", 8
//     digits), a time ("14h30", "14:30"), a room ("salle 204"), an age, a
//     score ("2 fois 3", "12 à 3") stay under it. A list of numbers
//     separated by commas is not a run, unless they are written in words.
//   - Email: "x@y", an "@" spaced before a mail provider or a domain
//     ("leo @ gmail . com"), « arobase » and its spellings, « at » before a
//     provider or a domain, a provider's domain ("gmail.com", "hotmail
//     point fr"). A mention « @Léo » is not an address.
//   - Link: "www", "http", a word glued to a top-level domain by a dot
//     ("monsite.fr", "discord.gg", "bit.ly"), or with a spaced dot or
//     « point » / « dot » for the domains that are not French words
//     ("monsite point com", "truc . fr").
//   - Handle: the name of a social network or a messaging app (snap,
//     snapchat, insta, instagram, tiktok, « tik tok », discord, whatsapp and
//     its spellings, wsp, telegram, facebook, fb, kik, twitch, bereal,
//     yubo, skype…) together with a contact cue anywhere in the message
//     (« ajoute », « add », « follow », « abonne-toi », « pseudo », « mp »,
//     « dm »…), a possessive right before it (« mon snap », « t'as insta »,
//     « ton tiktok »), or a word shaped like an account near it
//     (« leo_93 », « @leo.b », « leo93 »). Weak abbreviations that are
//     other words too (« sc », « ig », « dc ») count only after « sur » in
//     a message with a cue (« ajoute moi sur sc »). Naming a platform
//     alone passes: « j'ai vu une vidéo sur tiktok ».
//
// # What it cannot catch
//
// The filters see words, not meaning. They do not catch: a new insult or
// a slang word not on the list, an insult cut in pieces of two letters or
// more ("con nard" is caught by "con", "pu te" is not), words glued across
// a space in a message ("sale pute" is caught by "pute"; "sa lepute" is
// not), a phone number spread over several messages or written with
// fewer than 9 digits in one, numbers in words other than French ones, an
// address or a handle described in words ("mon snap c'est mon prénom
// suivi de mon année de naissance"), a platform's name misspelled beyond
// the usual forms, look-alikes from scripts other than Latin, Greek and
// Cyrillic, letters drawn with several characters ("|\/|" for "m", "rn"
// for "m"), emoji used as letters, a classmate's full name, bullying in
// polite words, and images. It also refuses some ordinary text: a
// message about « cul-de-sac », 9 digits or more in a row (« 2024 2025
// 2026 »), a domain mentioned on purpose (« le site onisep.fr »). The pass
// and block corpora in testdata are the specification: add a line when a
// real message is refused or a disguise gets through.
//
// A Filter is immutable after New and safe for concurrent use.
package moderation
