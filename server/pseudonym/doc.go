// Package pseudonym checks the pseudonym a visitor picks before entering
// the fair. Most visitors are minors, so the checks lean towards refusing.
//
// Check turns what the pupil typed into two strings:
//
//   - the display form, what others see: NFKC (full-width, mathematical,
//     circled and superscript characters become plain ones, "e" + U+0301
//     becomes "é"), white space trimmed and collapsed. Case and accents
//     are kept: "Maëlle" is shown as "Maëlle".
//   - the key, used for uniqueness among online users and for the
//     deny-list: the display form case-folded, without diacritics, with
//     look-alikes mapped (0→o, 1/l/i→i, 3→e, 4→a, 5→s, 7→t, Cyrillic and
//     Greek letters drawn like Latin ones to those) and separators dropped.
//     "Léa", "LEA", "L e a", "Ｌéａ" and "1ea" share the key "iea".
//     Since "I" and "l" cannot be told apart in most fonts, i and l are one
//     letter in the key; "Lia" and "Ila" therefore count as the same name.
//
// A pseudonym is refused with an *Error: a Reason (the category: the
// server closes Forbidden with 4012, the others with 4010), a Rule (what
// exactly) and a French Message written for a 12-year-old that says what to
// change, with an example, and fits a WebSocket close reason. After
// normalisation:
//
//   - TooShort, TooLong: it has fewer than 3 or more than 20 runes
//     (Config.MinLen, Config.MaxLen), or the raw input is over
//     64+16*MaxLen bytes (384 by default).
//   - BadCharacters: it holds anything but letters, combining marks on
//     letters (three at most), ASCII digits and the separators space, "-",
//     "_", "." (not at an end, not two in a row). The Rule says which:
//     RuleEmoji ("Léo🦊"), RuleSymbol (punctuation and symbols, "!", "'",
//     "@": quoted in the message), RuleLetter (Latin letters outside Basic
//     Latin to Latin Extended-B and Latin Extended Additional: IPA and
//     small capitals, "ᴀᴅᴍɪɴ"), RuleDigitForm (digits other than 0-9),
//     RuleInvisible (control and format characters: zero width joiners,
//     bidi overrides, Hangul fillers, variation selectors, bytes that are
//     not UTF-8), RuleMarks (a mark without a letter, more than three on
//     one), RuleSeparator. Letters must come from one script, or from Han
//     with kana (Japanese) or with Hangul (Korean): "аdmin" with a Cyrillic
//     "а" is RuleMixedScripts. There must be a letter (RuleNoLetter), at
//     most 4 digits (RuleDigits: a phone number or a postcode is personal
//     data), and no web-address shape ("www.x", "site.fr": RuleLink).
//   - Forbidden: it matches the deny-list: the word lists of package
//     server/moderation (words.txt, staff.txt, matched as names) plus
//     Config.Deny: RuleStaff for the titles of school and fair staff,
//     alone or with a name ("Mme Durand", "M. Martin", "CPE Dupont",
//     "Dr.Who"), staff roles ("admin", "modo", "prof") and the fair's own
//     name ("Usine Extraordinaire", "Usine Extra"), whatever the spacing
//     ("MmeDurand", "M.Martin", "C.P.E"); RuleDenied for insults, slurs,
//     sexual and drug terms common among French teenagers. A pseudonym
//     that breaks the separator rule but names a title ("M. Martin", whose
//     ". " is two separators) is told about the title.
//
// # Deny-list matching and the Scunthorpe problem
//
// Matching on the key catches the usual disguises: "M0déRateur",
// "a.d.m.i.n", "ＡＤＭＩＮ", "sale_pute". An entry of 4 runes or more is
// refused anywhere in the key, even across words ("salepute"); a shorter
// one ("con", "pd", "fdp") only as a whole word, as a word with digits
// around it ("fdp93"), as the whole key ("P.D") or as a run of one-letter
// words ("le c.o.n"). Words are also split where the case changes
// ("LeCon", "MmeDurand", "CPEDupont"). "^word" entries match the start of
// the pseudonym glued or not ("mmedurand"), without look-alike mapping
// (the key of "mlle" is that of "Milena"'s first letters); the one-letter
// title "=m" matches a first word "M" followed by others ("M. Martin",
// "M Martin"), not an initial at the end ("Léa M").
//
// Repeated letters are folded on both sides ("connnnard", "cooon",
// "puuute" hit "connard", "con", "pute"), but a hit in the folded form
// counts only where a repeat was folded: "Mie" has no repeat, so it is not
// read as "Mlle" (whose folded key is "mie").
//
// Substring matching refuses innocent names that contain an entry: the
// Scunthorpe problem. Digit and i/l mapping makes it worse, since more
// strings look like an entry: an entry "anal" would have the key "anai"
// and refuse "Anaïs" (key "anais"). Two tools in the word lists keep it in check:
//
//   - "=word" makes an entry whole-word only, for entries found inside
//     ordinary names: "=nazi" (Nazim), "=viol" (Violette), "=nique"
//     (Monique, technique), "=conne" (connexion), "=anus" (Janus).
//   - "!word" is an exception: a hit inside it is ignored: "!badminton"
//     for "admin", "!modou" for "modo", "!salopette", "!computer".
//
// The trade-off is deliberate and one-sided: a whole-word entry misses
// glued forms ("=bite" refuses "Bite" and "grosse bite" but not
// "grossebite", which "bite" would, along with "Habite" and "Orbite"), and a
// substring entry refuses the odd rare name ("Cui", whose key is that of
// "cul"; "Gogol"). A refused pupil just picks another name and moderators
// handle what slips through; a name-calling pseudonym shown to a whole
// class does more harm. Entries that are mostly innocent words
// ("héroïne", "chatte", "anal" in "analyse", "canal") are left out rather
// than refused everywhere. testdata/ordinary.txt lists the names that must
// pass (TestOrdinaryNames), testdata/blocked.txt what must be refused and
// with which rule (TestBlockedCorpus); add to them when a real name is
// refused or an insult slips through, and fix moderation's words.txt or
// staff.txt with "!" or "=".
//
// Known limits: titles glued to a name in lower case are caught only for
// "mme", "mlle" and "cpe" ("drmartin" and "aedmartin" pass, since "Drake"
// and "Aedan" must); look-alikes are mapped for Latin, Greek and Cyrillic only
// (a name written only in Cherokee or Armenian letters drawn like Latin
// ones gets its own key), "rn" is not read as "m", the apostrophe of
// "N'Golo" is refused, and the deny-list cannot see meaning: it will not
// catch a new insult, a contact handle ("snap_leo") or a classmate's full
// name. Report buttons and moderators remain necessary.
//
// A Checker is immutable after New and safe for concurrent use.
package pseudonym
