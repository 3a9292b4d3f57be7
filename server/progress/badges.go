package progress

import (
	"fmt"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// BadgeKind says what a badge counts.
type BadgeKind uint8

const (
	BadgeChallenge     BadgeKind = iota // contents of one challenge seen
	BadgeQuiz                           // quiz questions answered right
	BadgeQuestionnaire                  // the questionnaire answered
	BadgeRoute                          // the route of the pupil's class done (server/class)
)

// RouteBadge is the id of the badge of a class's route done.
const RouteBadge = "parcours-classe"

// Badge is one badge of the fair: earned when the count it watches
// reaches Need. Badges are derived from the contents (how many there are
// of each challenge, how many quiz questions), so an organiser's contents
// file gets badges that fit it.
type Badge struct {
	ID          string // "innovation-5", "quiz-all", "metiers"
	Title       string // French: « Étincelle de l'innovation »
	Description string // French: "5 contenus « Innovation » découverts"
	Kind        BadgeKind
	Challenge   int // index in Catalogue.Challenges, for BadgeChallenge
	Need        int
}

// challengeName is a challenge's name in French, for badges: the noun,
// and the noun with its article after "de" ("de l'innovation").
func challengeName(c string) (label, of string) {
	switch c {
	case zone.ChallengeInnovation:
		return "Innovation", "de l'innovation"
	case zone.ChallengeInclusion:
		return "Inclusion", "de l'inclusion"
	case zone.ChallengeIndustry40:
		return "Industrie 4.0", "de l'industrie 4.0"
	case zone.ChallengeSustainable:
		return "Développement durable", "du développement durable"
	}
	return c, "de " + c
}

// ChallengeLabel is a challenge's French name ("Développement durable").
func ChallengeLabel(c string) string {
	label, _ := challengeName(c)
	return label
}

// tier is one step of a badge ladder; Need 0 means all.
type tier struct {
	need               int
	id, title, summary string
}

// Badge tiers: for each challenge, a first step, a second one, and all of
// its contents; for quizzes, a first right answer, ten, and all of them.
func challengeTiers() []tier {
	return []tier{{need: 5, title: "Étincelle"}, {need: 20, title: "Flamme"}, {need: 0, title: "Étoile"}}
}

func quizTiers() []tier {
	return []tier{
		{1, "quiz-1", "Bonne réponse", "Une bonne réponse à un quiz"},
		{10, "quiz-10", "As des quiz", "10 bonnes réponses aux quiz"},
		{0, "quiz-all", "Sans faute", "Toutes les questions des quiz réussies"},
	}
}

// MaxBadges bounds the badges of a catalogue (State keeps them in a
// 32-bit mask).
const MaxBadges = 32

// buildBadges makes the badges of a contents set: total[c] contents of
// challenge c, questions quiz questions, questionnaire whether there is
// one. A tier is left out when it is not below the total (a challenge of
// 12 contents has 5 and all, not 20).
func buildBadges(challenges []string, total []int, questions int, questionnaire bool) []Badge {
	var out []Badge
	for c, ch := range challenges {
		label, of := challengeName(ch)
		for _, t := range challengeTiers() {
			need, id, desc := t.need, fmt.Sprintf("%s-%d", ch, t.need), fmt.Sprintf("%d contenus « %s » découverts", t.need, label)
			if need == 0 {
				need, id, desc = total[c], ch+"-all", fmt.Sprintf("Tous les contenus « %s » découverts (%d)", label, total[c])
			} else if need >= total[c] {
				continue
			}
			if need > 0 {
				out = append(out, Badge{ID: id, Title: t.title + " " + of, Description: desc, Kind: BadgeChallenge, Challenge: c, Need: need})
			}
		}
	}
	for _, t := range quizTiers() {
		need := t.need
		desc := t.summary
		if need == 0 {
			need = questions
			desc = fmt.Sprintf("%s (%d)", t.summary, questions)
		} else if need >= questions {
			continue
		}
		if need > 0 {
			out = append(out, Badge{ID: t.id, Title: t.title, Description: desc, Kind: BadgeQuiz, Need: need})
		}
	}
	if questionnaire {
		out = append(out, Badge{ID: "metiers", Title: "Boussole des métiers", Description: "Le questionnaire « Quel métier est fait pour toi ? » terminé", Kind: BadgeQuestionnaire, Need: 1})
	}
	out = append(out, Badge{ID: RouteBadge, Title: "Parcours de classe", Description: "Le parcours de ta classe terminé", Kind: BadgeRoute, Need: 1})
	return out
}
