package content

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// testZone is a hand-built zone of two booths and seven hotspots, one per
// kind of content in validSet.
func testZone() *zone.Zone {
	return &zone.Zone{
		Booths: []zone.Booth{{ID: "b-01", Name: "Chimie", Sector: "chimie"}, {ID: "b-02", Name: "Aéronautique", Sector: "aero"}},
		Hotspots: []zone.Hotspot{
			{ID: "h-001", Challenge: zone.ChallengeInnovation, Booth: "b-01"},
			{ID: "h-002", Challenge: zone.ChallengeInclusion, Booth: "b-01"},
			{ID: "h-003", Challenge: zone.ChallengeIndustry40, Booth: "b-02"},
			{ID: "h-004", Challenge: zone.ChallengeSustainable, Booth: "b-02"},
			{ID: "h-005", Challenge: zone.ChallengeInclusion},
			{ID: "h-006", Challenge: zone.ChallengeInnovation},
			{ID: "h-007", Challenge: zone.ChallengeSustainable},
		},
	}
}

const testSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#2e9e6a"/></svg>`

// testMedia is the media folder of validSet: small SVGs and the tiny
// generated video, audio and captions of testdata/media.
func testMedia(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, n := range []string{"a.svg", "p.svg", "s1.svg", "s2.svg", "q.svg"} {
		fsys["media/"+n] = &fstest.MapFile{Data: []byte(testSVG)}
	}
	for _, n := range []string{"tiny.webm", "tiny.opus", "tiny.vtt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "media", n))
		if err != nil {
			t.Fatal(err)
		}
		fsys["media/"+n] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// validSet is a valid contents file for testZone with one content of each
// kind.
func validSet() *Set {
	return &Set{
		Version: Version,
		Sectors: []Sector{{ID: "chimie", Name: "Chimie"}, {ID: "aero", Name: "Aéronautique"}},
		Booths: []Booth{
			{ID: "b-01", Sector: "chimie", Name: "Le laboratoire des couleurs", Company: "Pigmentis"},
			{ID: "b-02", Sector: "aero", Name: "Le hangar des hélicoptères", Company: "Rotorelle"},
		},
		Jobs: []Job{
			{ID: "soudeur", Feminine: "soudeuse", Masculine: "soudeur", Description: "Elle assemble des pièces de métal en les faisant fondre.", Technical: true},
			{ID: "chimiste", Feminine: "technicienne de laboratoire", Masculine: "technicien de laboratoire", Description: "Il analyse des échantillons.", Technical: true},
			{ID: "acheteur", Feminine: "acheteuse", Masculine: "acheteur", Description: "Elle choisit les fournisseurs."},
		},
		Contents: []Content{
			{Hotspot: "h-001", Kind: KindArticle, Challenge: zone.ChallengeInnovation, Title: "Une peinture qui sèche vite",
				Text: "Les chimistes inventent des peintures sans solvant.\n\nElles sèchent en une heure.", Points: 10,
				Image: &Image{Src: "/media/a.svg", Alt: "Un pot de peinture"}, Jobs: []string{"chimiste"}},
			{Hotspot: "h-002", Kind: KindTemoignage, Challenge: zone.ChallengeInclusion, Title: "Inès, soudeuse",
				Text: "Je soude des pièces d'avion depuis trois ans.", Points: 10,
				Speaker: &Speaker{Name: "Inès", Gender: GenderFemale, Role: RoleProfessional, Job: "soudeur", Age: 24,
					Portrait: Image{Src: "/media/p.svg", Alt: "Portrait dessiné d'Inès"}}},
			{Hotspot: "h-003", Kind: KindVisite, Challenge: zone.ChallengeIndustry40, Title: "La ligne de montage",
				Text: "Suis un hélicoptère de l'atelier à la piste.", Points: 15,
				Steps: []Step{
					{Image: Image{Src: "/media/s1.svg", Alt: "Le châssis"}, Caption: "On assemble le châssis."},
					{Image: Image{Src: "/media/s2.svg", Alt: "Le rotor"}, Caption: "On pose le rotor."},
				}},
			{Hotspot: "h-004", Kind: KindQuiz, Challenge: zone.ChallengeSustainable, Title: "Quiz : le recyclage",
				Text: "Trois questions sur le recyclage.", Points: 5, Image: &Image{Src: "/media/q.svg", Alt: "Des flèches de recyclage"},
				Questions: []Question{
					{Prompt: "Le verre se recycle-t-il sans fin ?", Choices: []Choice{{Text: "Oui", Right: true}, {Text: "Non"}},
						Explanation: "Le verre refondu garde ses qualités.", Points: 5},
					{Prompt: "Que trie-t-on dans le bac jaune ?", Choices: []Choice{{Text: "Les emballages", Right: true}, {Text: "Le verre"}, {Text: "Les piles"}},
						Explanation: "Le bac jaune reçoit les emballages.", Points: 5},
					{Prompt: "Quels métaux se recyclent ?", Multiple: true, Choices: []Choice{{Text: "L'acier", Right: true}, {Text: "L'aluminium", Right: true}, {Text: "Le bois"}},
						Explanation: "L'acier et l'aluminium se recyclent ; le bois n'est pas un métal.", Points: 5},
				}},
			{Hotspot: "h-005", Kind: KindQuestionnaire, Challenge: zone.ChallengeInclusion, Title: "Quel métier est fait pour toi ?",
				Text: "Réponds à trois questions.", Points: 15,
				Questionnaire: &Questionnaire{Results: 2, Questions: []QuestionnaireQuestion{
					{Prompt: "Tu préfères :", Choices: []QuestionnaireChoice{{Text: "Réparer", Jobs: []string{"soudeur"}}, {Text: "Analyser", Jobs: []string{"chimiste"}}}},
					{Prompt: "Tu aimes :", Choices: []QuestionnaireChoice{{Text: "Le métal", Jobs: []string{"soudeur"}}, {Text: "Négocier", Jobs: []string{"acheteur"}}}},
					{Prompt: "Ton endroit :", Choices: []QuestionnaireChoice{{Text: "L'atelier", Jobs: []string{"soudeur", "chimiste"}}, {Text: "Le bureau", Jobs: []string{"acheteur"}}}},
				}}},
			{Hotspot: "h-006", Kind: KindVideo, Challenge: zone.ChallengeInnovation, Title: "Le robot peintre",
				Text: "Regarde un robot peindre une aile.", Points: 10,
				Media: &Media{Src: "/media/tiny.webm", Captions: "/media/tiny.vtt", Poster: &Image{Src: "/media/a.svg", Alt: "Le robot"}}},
			{Hotspot: "h-007", Kind: KindAudio, Challenge: zone.ChallengeSustainable, Title: "Le bruit de la presse",
				Text: "Écoute une presse qui recycle le carton.", Points: 10,
				Image: &Image{Src: "/media/q.svg", Alt: "Une presse"},
				Media: &Media{Src: "/media/tiny.opus", Captions: "/media/tiny.vtt"}},
		},
	}
}

// loadSet writes s as contents.json into fsys and loads it against
// testZone.
func loadSet(t testing.TB, s *Set, fsys fstest.MapFS) (*Set, error) {
	t.Helper()
	b, err := jsonOf(s)
	if err != nil {
		t.Fatal(err)
	}
	return loadBytes(b, fsys)
}

func jsonOf(s *Set) ([]byte, error) { return json.MarshalIndent(s, "", "  ") }

func loadBytes(b []byte, fsys fstest.MapFS) (*Set, error) {
	f := fstest.MapFS{"contents.json": {Data: b}}
	for k, v := range fsys {
		f[k] = v
	}
	return Load(f, "contents.json", testZone())
}

// problemStrings returns the problems of err as strings.
func problemStrings(err error) []string {
	var out []string
	for _, p := range Problems(err) {
		out = append(out, p.Error())
	}
	return out
}
