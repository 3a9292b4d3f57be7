package pseudonym_test

import (
	"errors"
	"fmt"

	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
)

func ExampleChecker_Check() {
	c, err := pseudonym.New(pseudonym.Config{}) // 3 to 20 runes, built-in deny-list
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"  Léa   Martin ", "LEA MARTIN", "ａｄｍｉｎ", "Léo🦊", "M. Martin"} {
		display, key, err := c.Check(s)
		var e *pseudonym.Error
		if errors.As(err, &e) {
			// Close the connection with e.Message as the reason.
			fmt.Printf("%q: %v, %v: %s\n", s, e.Reason, e.Rule, e.Message)
			continue
		}
		fmt.Printf("%q: shown as %q, key %q\n", s, display, key)
	}
	// Output:
	// "  Léa   Martin ": shown as "Léa Martin", key "ieamartin"
	// "LEA MARTIN": shown as "LEA MARTIN", key "ieamartin"
	// "ａｄｍｉｎ": forbidden, staff: Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin ».
	// "Léo🦊": bad_characters, emoji: Les émojis comme « 🦊 » ne sont pas acceptés : écris seulement des lettres, par exemple « Léo ».
	// "M. Martin": forbidden, staff: Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin ».
}
