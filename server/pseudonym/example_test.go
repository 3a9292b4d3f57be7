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
	for _, s := range []string{"  Léa   Martin ", "LEA MARTIN", "ａｄｍｉｎ", "Léa😀"} {
		display, key, err := c.Check(s)
		var e *pseudonym.Error
		if errors.As(err, &e) {
			// Close the connection with e.Message as the reason.
			fmt.Printf("%q: %v: %s\n", s, e.Reason, e.Message)
			continue
		}
		fmt.Printf("%q: shown as %q, key %q\n", s, display, key)
	}
	// Output:
	// "  Léa   Martin ": shown as "Léa Martin", key "ieamartin"
	// "LEA MARTIN": shown as "LEA MARTIN", key "ieamartin"
	// "ａｄｍｉｎ": forbidden: Ce pseudonyme n'est pas autorisé : choisis-en un autre.
	// "Léa😀": bad_characters: Utilise des lettres d'un même alphabet, 4 chiffres au plus, et - _ . ou espace entre les mots.
}
