package protocol

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// vector is one example of docs/PROTOCOL.md. Value is the message as generic
// msgpack data in JSON (binary data as a hex string). For UPDATE, ViewBefore
// is what the client held ([id, x, y] each) and Moves the absolute positions
// the MOVES binary decodes to.
type vector struct {
	Name       string     `json:"name"`
	Dir        string     `json:"dir"` // "c2s" or "s2c"
	Hex        string     `json:"hex"`
	Value      any        `json:"value"`
	ViewBefore [][]uint32 `json:"view_before,omitempty"`
	Moves      [][]uint32 `json:"moves,omitempty"`
	// DecodeOnly marks a message of another version (an older server,
	// fields a later version appends): decoders must read it as the
	// message of this version it describes, encoders never write it.
	DecodeOnly bool `json:"decode_only,omitempty"`
}

type vectorCase struct {
	name   string
	client *ClientMessage
	server *ServerMessage
	view   [][]uint32 // server: view before
	raw    []byte     // decode-only: the bytes, which decode to client or server
}

func vectorCases() []vectorCase {
	return []vectorCase{
		{name: "hello", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa"}}},
		{name: "hello_resume", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ResumeToken: "q3xSJ1m0GkWcO2mB0hC7Xw"}}},
		{name: "hello_look", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", Colour: 3, Shape: 1}}},
		{name: "move", client: &ClientMessage{Type: TypeMove, Move: Move{Seq: 7, DX: 0.6, DY: -0.8}}},
		{name: "move_stop", client: &ClientMessage{Type: TypeMove, Move: Move{Seq: 8}}},
		{name: "goto", client: &ClientMessage{Type: TypeGoto, Goto: Goto{Seq: 9, X: 120.5, Y: 64.25}}},
		{name: "open_hotspot", client: &ClientMessage{Type: TypeOpenHotspot, OpenHotspot: OpenHotspot{Req: 3, ID: "h-042"}}},
		{name: "close_hotspot", client: &ClientMessage{Type: TypeCloseHotspot, CloseHotspot: CloseHotspot{ID: "h-042"}}},
		{name: "hello_key", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ProgressKey: "pomme girafe nuage"}}},
		{name: "answer", client: &ClientMessage{Type: TypeAnswer, Answer: Answer{Req: 4, HotspotID: "h-042", Question: 2, N: 1, Choices: [MaxAnswerChoices]uint8{1}}}},
		{name: "answer_multiple", client: &ClientMessage{Type: TypeAnswer, Answer: Answer{Req: 5, HotspotID: "h-042", Question: 3, N: 2, Choices: [MaxAnswerChoices]uint8{0, 2}}}},
		{name: "questionnaire", client: &ClientMessage{Type: TypeQuestionnaire, Questionnaire: QuestionnaireAnswers{Req: 6, HotspotID: "h-270", N: 4, Answers: [MaxQuestionnaireAnswers]int8{1, Skipped, 0, 2}}}},
		{name: "get_progress", client: &ClientMessage{Type: TypeGetProgress, GetProgress: GetProgress{Req: 7}}},
		{name: "get_leaderboard", client: &ClientMessage{Type: TypeGetLeaderboard, GetLeaderboard: GetLeaderboard{Req: 8, Scope: ScopeFair}}},
		{name: "share", client: &ClientMessage{Type: TypeShare, Share: Share{Req: 9, Badge: "innovation-5"}}},
		{name: "unshare", client: &ClientMessage{Type: TypeUnshare, Share: Share{Req: 10, Badge: "innovation-5"}}},
		{name: "erase", client: &ClientMessage{Type: TypeErase, Erase: Erase{Req: 11}}},
		{name: "hello_staff", client: &ClientMessage{Type: TypeHello, Hello: Hello{StaffTicket: "Tk7pQ2vX9mR4sL8wN3bY6cF1"}}},
		{name: "class_create", client: &ClientMessage{Type: TypeClassCreate, ClassCreate: ClassCreate{Req: 12, Name: "4e B Jules Verne", Level: "4e"}}},
		{name: "class_join", client: &ClientMessage{Type: TypeClassJoin, ClassJoin: ClassJoin{Req: 1, Code: "KXWPDMTA"}}},
		{name: "class_list", client: &ClientMessage{Type: TypeClassList, ClassList: ClassList{Req: 13}}},
		{name: "class_open", client: &ClientMessage{Type: TypeClassOpen, ClassOpen: ClassOpen{Req: 14, Class: 7}}},
		{name: "class_route", client: &ClientMessage{Type: TypeClassRoute, ClassRoute: ClassRoute{Req: 15, Class: 7, Hotspots: []string{"h-042", "h-007", "h-120"}}}},
		{name: "class_route_ready", client: &ClientMessage{Type: TypeClassRoute, ClassRoute: ClassRoute{Req: 16, Class: 7, Route: "innovation"}}},
		{name: "class_order_pause", client: &ClientMessage{Type: TypeClassOrder, ClassOrder: ClassOrder{Req: 17, Class: 7, Order: OrderPause, Seconds: 120}}},
		{name: "class_order_end", client: &ClientMessage{Type: TypeClassOrder, ClassOrder: ClassOrder{Req: 18, Class: 7, Order: OrderEnd}}},
		{name: "class_leave", client: &ClientMessage{Type: TypeClassLeave, ClassLeave: ClassLeave{Req: 2}}},
		{name: "welcome", server: &ServerMessage{Type: TypeWelcome, Welcome: welcomeVector}},
		{name: "welcome_fast", server: &ServerMessage{Type: TypeWelcome, Welcome: fastWelcome}},
		{name: "update_self_only", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1200, Ack: 7, SelfX: 1928, SelfY: 1030, Online: 2}}},
		{name: "update_enter", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1201, Ack: 7, SelfX: 1932, SelfY: 1027,
			Enters: []Enter{{ID: 5, Pseudonym: "Tom", X: 2000, Y: 1000, Colour: 2}, {ID: 9, Pseudonym: "Inès", X: 1900, Y: 1100, Role: RoleProfessional, Colour: 5, Shape: 3}},
			Online: 3}}},
		{name: "update_moves", view: [][]uint32{{5, 2000, 1000}, {9, 1900, 1100}, {300, 100, 100}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1202, Ack: 8, SelfX: 1936, SelfY: 1024,
			Moves:  []MoveRec{{ID: 5, X: 2004, Y: 997}, {ID: 9, X: 1900, Y: 1104}, {ID: 300, X: 40, Y: 100}},
			Online: 3}}},
		{name: "update_leave_events", view: [][]uint32{{5, 2004, 997}, {9, 1900, 1104}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1203, Ack: 8, SelfX: 1936, SelfY: 1024,
			Leaves: []uint32{5},
			Events: []Event{
				HotspotContent{Req: 3, HotspotID: "h-042", Title: "La centrale marémotrice", Text: "La marée fait tourner les turbines.", Media: "/media/developpement-durable.svg", Challenge: "developpement-durable", Booth: "b-07", Viewers: 2},
				HotspotDiscovered{HotspotID: "h-042", AvatarID: 9, Pseudonym: "Inès"},
				HotspotViewers{HotspotID: "h-042", Viewers: 2},
				ErrorEvent{Code: ErrOutOfRange, Ref: 4, Message: "too far from hotspot h-043"},
				Path{Seq: 9, Points: []uint16{1940, 1024, 1928, 1100}},
			},
			Crowd: 0, Online: 3}}},
		{name: "update_crowd", view: [][]uint32{{9, 1900, 1104}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1204, Ack: 8, SelfX: 1936, SelfY: 1024, Crowd: 1400, Online: 2200}}},
		{name: "update_content_temoignage", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1205, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{HotspotContent{Req: 5, HotspotID: "h-007", Title: "Inès, soudeuse", Text: "Je soude des cuves.", Media: "/media/p/h-007.svg",
				Challenge: "inclusion", Booth: "b-02", Viewers: 1, ContentKind: "temoignage", Points: 10, ReadingMs: 5000, Alt: "Portrait d'Inès",
				Speaker: &Speaker{Name: "Inès", Gender: "f", Role: "professionnel", Job: "soudeuse", Age: 34}}},
		}}},
		{name: "update_content_visite", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1206, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				HotspotContent{Req: 6, HotspotID: "h-008", Title: "La ligne", Text: "Suis la ligne.", Media: "/media/v/1.svg", Challenge: "industrie-4.0",
					Viewers: 2, ContentKind: "visite", Points: 15, Seen: true, ReadingMs: 6300, Alt: "Le quai",
					Steps: []Step{{Src: "/media/v/1.svg", Alt: "Le quai", Caption: "On charge."}, {Src: "/media/v/2.svg", Alt: "Le robot", Caption: "Il soude."}}},
				HotspotContent{Req: 7, HotspotID: "h-009", Title: "Le son du port", Text: "Écoute.", Challenge: "innovation",
					Viewers: 1, ContentKind: "audio", Points: 10, ReadingMs: 9000,
					AV: &AV{Src: "/media/a/port.ogg", Captions: "/media/a/port.vtt"}},
			},
		}}},
		{name: "update_content_quiz", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1207, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				HotspotContent{Req: 8, HotspotID: "h-042", Title: "Quiz des marées", Text: "Trois questions.", Challenge: "developpement-durable",
					Viewers: 1, ContentKind: "quiz", Points: 5, ReadingMs: 7200,
					Questions: []Question{
						{Prompt: "La marée monte :", Choices: []string{"deux fois par jour", "une fois par an"}, Points: 5},
						{Prompt: "Elle fait tourner :", Multiple: true, Choices: []string{"des turbines", "des pales", "des roues"}, Points: 5,
							Answered: true, Right: false, RightChoices: []uint8{0, 1}, Explanation: "Turbines et pales."},
					}},
				HotspotContent{Req: 9, HotspotID: "h-270", Title: "Quel métier est fait pour toi ?", Text: "Réponds.", Challenge: "inclusion",
					Viewers: 1, ContentKind: "questionnaire", Points: 15, ReadingMs: 60000,
					Questionnaire: &Questionnaire{Results: 3, Questions: []QuestionnaireQuestion{{Prompt: "Tu aimes :", Choices: []string{"bricoler", "calculer"}}}}},
			},
		}}},
		{name: "update_progress", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1208, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				Progress{Full: true, Points: 25, Challenges: []ChallengeProgress{
					{Challenge: "innovation", Seen: 1, Total: 67}, {Challenge: "inclusion", Seen: 1, Total: 67},
					{Challenge: "industrie-4.0", Seen: 0, Total: 67}, {Challenge: "developpement-durable", Seen: 0, Total: 69}},
					Seen:   []string{"h-001", "h-007"},
					Badges: []Badge{{ID: "innovation-5", Title: "Étincelle de l'innovation", Description: "5 contenus Innovation découverts"}},
					Key:    "pomme girafe nuage", QuizRight: 1, QuizTotal: 70},
				BadgeEarned{Badge: Badge{ID: "quiz-1", Title: "Bonne réponse", Description: "Une bonne réponse à un quiz", EarnedAt: 1637568000}},
				BadgeNotice{AvatarID: 9, Pseudonym: "Inès", Badge: "quiz-1", Title: "Bonne réponse"},
			},
		}}},
		{name: "update_answers", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1209, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				AnswerResult{Req: 4, HotspotID: "h-042", Question: 2, Right: true, RightChoices: []uint8{1}, Explanation: "Deux fois par jour.", Points: 5},
				QuestionnaireResult{Req: 6, HotspotID: "h-270", Jobs: []Job{{ID: "soudeur", Feminine: "soudeuse", Masculine: "soudeur", Description: "Elle assemble des pièces de métal."}}},
				ErrorEvent{Code: ErrAlreadyAnswered, Ref: 5, Message: "question 4 of h-042 already answered"},
			},
		}}},
		{name: "update_leaderboard", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1210, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				Leaderboard{Req: 8, Scope: ScopeFair, Top: []LeaderEntry{{Rank: 1, Pseudonym: "Tom", Points: 120}, {Rank: 2, Pseudonym: "Léa", Points: 95}}, Rank: 2, Points: 95, Players: 1430},
				ShareLink{Req: 9, Badge: "innovation-5", Path: "/p/Vq3lM0d2yQJk8hB1xZ5wAg"},
			},
		}}},
		{name: "update_class", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1211, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				RoleEvent{Role: RolePupil, Name: "Léa"},
				ClassInfo{Req: 1, Class: 7, Name: "4e B Jules Verne", Level: "4e", Teacher: "Mme Durand", Route: "innovation",
					Steps: []RouteStep{{Hotspot: "h-042", X: 1940, Y: 1100}, {Hotspot: "h-007", X: 600, Y: 2400}}, Pupils: 24, Done: 3},
				NextStep{Steps: 1, Total: 2, Hotspot: "h-007", X: 600, Y: 2400, Path: []uint16{1936, 1024, 600, 1024, 600, 2400}},
			},
		}}},
		{name: "update_teacher", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1212, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				RoleEvent{Role: RoleTeacher, Name: "Mme Durand"},
				Classes{Req: 13, Classes: []ClassSummary{{Class: 7, Name: "4e B Jules Verne", Level: "4e", Code: "KXWPDMTA", Pupils: 24}},
					Routes: []ReadyRoute{{ID: "innovation", Title: "Parcours Innovation", Hotspots: []string{"h-042", "h-007"}}}},
				ClassInfo{Req: 14, Class: 7, Name: "4e B Jules Verne", Level: "4e", Teacher: "Mme Durand", Code: "KXWPDMTA", Closed: true, Pupils: 24},
			},
		}}},
		{name: "update_members", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1213, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				Members{Full: true, Members: []Member{
					{Member: 0, Avatar: 12, Pseudonym: "Mme Durand", X: 1936, Y: 1024, Role: RoleTeacher, Flags: MemberOnline},
					{Member: 1, Avatar: 5, Pseudonym: "Léa", X: 2000, Y: 1000, Role: RolePupil, Steps: 2, Points: 45, Flags: MemberOnline | MemberFollowing | MemberDone},
					{Member: 2, Pseudonym: "Tom", X: 100, Y: 3000, Role: RolePupil, Steps: 1, Points: 10},
				}},
				ClassOrderEvent{Req: 17, Order: OrderPause, Active: true, Seconds: 120, Teacher: 12},
				ErrorEvent{Code: ErrBadCode, Ref: 1, Message: "no class has this code"},
			},
		}}},

		{name: "chat_say", client: &ClientMessage{Type: TypeChatSay, ChatSay: ChatSay{Req: 12, Channel: ChannelClass, Text: "On se retrouve au quai ?"}}},
		{name: "chat_quick", client: &ClientMessage{Type: TypeChatQuick, ChatQuick: ChatQuick{Req: 13, Channel: ChannelNearby, Phrase: 3}}},
		{name: "chat_report", client: &ClientMessage{Type: TypeChatReport, ChatReport: ChatReport{Req: 14, MessageID: 4503599627370497, Avatar: 9, Reason: ReportContact}}},
		{name: "chat_class", client: &ClientMessage{Type: TypeChatClass, ChatClass: ChatClass{Req: 15, ClassOn: true, NearbyFree: true}}},
		{name: "moderate", client: &ClientMessage{Type: TypeModerate, Moderate: Moderate{Req: 16, Action: ModMute, Avatar: 9, Seconds: 600}}},
		{name: "update_chat", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1211, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				ChatMessage{ID: 4503599627370497, Channel: ChannelClass, AvatarID: 9, Pseudonym: "Inès", Role: RoleVisitor, Text: "On se retrouve au quai ?", At: 1637568000},
				ChatMessage{ID: 4503599627370498, Channel: ChannelNearby, AvatarID: 5, Pseudonym: "Tom", Phrase: 1, At: 1637568003},
				ChatMessage{ID: 4503599627370400, Channel: ChannelClass, AvatarID: 12, Pseudonym: "Léa", Text: "Je suis devant l'usine.", At: 1637567900, Past: true},
				ChatRemoved{ID: 4503599627370400},
				ChatState{ClassOn: true, NearbyFree: false, MutedUntil: 1637568030},
				ChatBlocked{Req: 12, Reason: "phone", Hint: "Pas de numéro de téléphone dans le tchat."},
				ErrorEvent{Code: ErrChatRateLimited, Ref: 13, Message: "chat faster than 1 a second: muted for 30 s"},
			},
		}}},
		{name: "update_moderation", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1212, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{
				Report{ID: 77, Reason: ReportContact, At: 1637568010, Reporter: "Léa", AvatarID: 9, Pseudonym: "Inès", MessageID: 4503599627370497,
					Evidence: []ChatMessage{
						{ID: 4503599627370400, Channel: ChannelClass, AvatarID: 12, Pseudonym: "Léa", Text: "Je suis devant l'usine.", At: 1637567900},
						{ID: 4503599627370497, Channel: ChannelClass, AvatarID: 9, Pseudonym: "Inès", Text: "On se retrouve au quai ?", At: 1637568000},
					}},
				ReportClosed{ID: 76},
				Moderated{Req: 16, Action: ModMute},
			},
		}}},

		// Decode-only: what decoders must accept from other versions.
		{name: "hello_later_fields", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", Colour: 3, Shape: 1, ProgressKey: "pomme girafe nuage"}},
			raw: rawArray(uint64(TypeHello), "Léa", "", uint64(3), uint64(1), "pomme girafe nuage", "", "later", []any{uint64(1), uint64(2)})},
		{name: "update_content_before_contents", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1203, Ack: 8, SelfX: 1936, SelfY: 1024, Online: 3,
			Events: []Event{HotspotContent{Req: 3, HotspotID: "h-042", Title: "La centrale marémotrice", Text: "La marée fait tourner les turbines.", Media: "/media/developpement-durable.svg", Challenge: "developpement-durable", Booth: "b-07", Viewers: 2}}}},
			raw: rawArray(uint64(TypeUpdate), uint64(1203), uint64(8), uint64(1936), uint64(1024), []byte{}, []any{}, []any{},
				[]any{[]any{uint64(1), uint64(3), "h-042", "La centrale marémotrice", "La marée fait tourner les turbines.", "/media/developpement-durable.svg", "developpement-durable", "b-07", uint64(2)}},
				uint64(0), uint64(3))},
		{name: "move_later_fields", client: &ClientMessage{Type: TypeMove, Move: Move{Seq: 7, DX: 0.6, DY: -0.8}},
			raw: rawArray(uint64(TypeMove), uint64(7), 0.6, -0.8, nil, []any{uint64(1), "x"})},
		{name: "welcome_without_max_speed", server: &ServerMessage{Type: TypeWelcome, Welcome: withSpeed(welcomeVector, DefaultMaxSpeed)},
			raw: rawArray(uint64(TypeWelcome), "s-5f2a9c", "q3xSJ1m0GkWcO2mB0hC7Xw", uint64(12), uint64(20),
				"usine-extraordinaire@3f9a1c0b7d2e", "v1-dev", "Léa", false)},
		{name: "welcome_later_fields", server: &ServerMessage{Type: TypeWelcome, Welcome: fastWelcome},
			raw: rawArray(uint64(TypeWelcome), "s-5f2a9c", "q3xSJ1m0GkWcO2mB0hC7Xw", uint64(12), uint64(20),
				"usine-extraordinaire@3f9a1c0b7d2e", "v1-dev", "Léa", true, 8.0, "later", []any{uint64(1), uint64(2)})},
		{name: "update_enter_later_fields", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1201, Ack: 7, SelfX: 1932, SelfY: 1027,
			Enters: []Enter{{ID: 5, Pseudonym: "Tom", X: 2000, Y: 1000, Colour: 2}, {ID: 9, Pseudonym: "Inès", X: 1900, Y: 1100, Role: RoleProfessional, Colour: 5, Shape: 3}},
			Events: []Event{HotspotViewers{HotspotID: "h-042", Viewers: 2}},
			Online: 3}},
			raw: rawArray(uint64(TypeUpdate), uint64(1201), uint64(7), uint64(1932), uint64(1027), []byte{},
				[]any{
					[]any{uint64(5), "Tom", uint64(2000), uint64(1000), uint64(0), uint64(2), uint64(0), uint64(0xff8800)},
					[]any{uint64(9), "Inès", uint64(1900), uint64(1100), uint64(1), uint64(5), uint64(3), "later", []any{uint64(1)}},
				},
				[]any{}, []any{[]any{uint64(3), "h-042", uint64(2), "later"}, []any{uint64(200), "an unknown event kind"}},
				uint64(0), uint64(3), "later")},
	}
}

var welcomeVector = Welcome{
	SessionID: "s-5f2a9c", ResumeToken: "q3xSJ1m0GkWcO2mB0hC7Xw", SelfID: 12, TickHz: 20,
	ZoneID: "usine-extraordinaire@3f9a1c0b7d2e", Build: "v1-dev", Pseudonym: "Léa", MaxSpeed: 5}

// fastWelcome: a resumed session on a server started with -max-speed 8.
var fastWelcome = func() Welcome { w := withSpeed(welcomeVector, 8); w.Resumed = true; return w }()

func withSpeed(w Welcome, s float64) Welcome { w.MaxSpeed = s; return w }

// rawArray encodes a message as this package's encoders would (smallest
// integer forms, float64, str and bin families), for decode-only vectors.
func rawArray(v ...any) []byte { return appendRaw(nil, v) }

func appendRaw(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0xc0)
	case bool:
		return appendBool(b, x)
	case uint64:
		return appendUint(b, x)
	case float64:
		return appendFloat(b, x)
	case string:
		return appendString(b, x)
	case []byte:
		return append(appendBinHeader(b, len(x)), x...)
	case []any:
		b = appendArrayHeader(b, len(x))
		for _, e := range x {
			b = appendRaw(b, e)
		}
		return b
	}
	panic(fmt.Sprintf("appendRaw: %T", v))
}

func viewFrom(rows [][]uint32) *View {
	v := NewView()
	for _, r := range rows {
		v.set(r[0], uint16(r[1]), uint16(r[2]))
	}
	return v
}

func encodeCase(c vectorCase) []byte {
	if c.raw != nil {
		return c.raw
	}
	if c.client != nil {
		m := c.client
		switch m.Type {
		case TypeHello:
			return AppendHello(nil, m.Hello)
		case TypeMove:
			return AppendMove(nil, m.Move)
		case TypeGoto:
			return AppendGoto(nil, m.Goto)
		case TypeOpenHotspot:
			return AppendOpenHotspot(nil, m.OpenHotspot)
		case TypeCloseHotspot:
			return AppendCloseHotspot(nil, m.CloseHotspot)
		case TypeAnswer:
			return AppendAnswer(nil, m.Answer)
		case TypeQuestionnaire:
			return AppendQuestionnaire(nil, m.Questionnaire)
		case TypeGetProgress:
			return AppendGetProgress(nil, m.GetProgress)
		case TypeGetLeaderboard:
			return AppendGetLeaderboard(nil, m.GetLeaderboard)
		case TypeShare, TypeUnshare:
			return AppendShare(nil, m.Share, m.Type == TypeUnshare)
		case TypeErase:
			return AppendErase(nil, m.Erase)
		case TypeChatSay:
			return AppendChatSay(nil, m.ChatSay)
		case TypeChatQuick:
			return AppendChatQuick(nil, m.ChatQuick)
		case TypeChatReport:
			return AppendChatReport(nil, m.ChatReport)
		case TypeChatClass:
			return AppendChatClass(nil, m.ChatClass)
		case TypeModerate:
			return AppendModerate(nil, m.Moderate)
		default:
			return AppendClassMessage(nil, m)
		}
	}
	if c.server.Type == TypeWelcome {
		return AppendWelcome(nil, &c.server.Welcome)
	}
	u := c.server.Update // copy: encoding may append to Moves
	b, err := viewFrom(c.view).AppendUpdate(nil, &u)
	if err != nil {
		panic(err) // the vectors are small
	}
	return b
}

// generic turns msgpack-decoded values into JSON-friendly ones (bin as hex).
func generic(v any) any {
	switch x := v.(type) {
	case []byte:
		return hex.EncodeToString(x)
	case []any:
		for i := range x {
			x[i] = generic(x[i])
		}
		return x
	}
	return v
}

func TestVectors(t *testing.T) {
	var got []vector
	for _, c := range vectorCases() {
		b := encodeCase(c)
		var val any
		if err := msgpack.Unmarshal(b, &val); err != nil {
			t.Fatalf("%s: reference decoder rejects our encoding: %v", c.name, err)
		}
		vec := vector{Name: c.name, Dir: "c2s", Hex: hex.EncodeToString(b), Value: generic(val), DecodeOnly: c.raw != nil}
		if c.server != nil {
			vec.Dir = "s2c"
			vec.ViewBefore = c.view
			for _, m := range c.server.Update.Moves {
				if c.raw != nil {
					break
				}
				vec.Moves = append(vec.Moves, []uint32{m.ID, uint32(m.X), uint32(m.Y)})
			}
		}
		got = append(got, vec)

		// Decoding gives back the message.
		if c.client != nil {
			var m ClientMessage
			if err := DecodeClient(b, &m); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(&m, c.client) {
				t.Errorf("%s: decoded %+v, want %+v", c.name, m, *c.client)
			}
		} else {
			var m ServerMessage
			if err := DecodeServer(b, &m, viewFrom(c.view)); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			normalise(&m.Update)
			want := *c.server
			normalise(&want.Update)
			if !reflect.DeepEqual(m, want) {
				t.Errorf("%s: decoded\n%+v\nwant\n%+v", c.name, m, want)
			}
		}
	}
	path := filepath.Join("testdata", "vectors.json")
	enc, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, '\n')
	if *update {
		if err := os.WriteFile(path, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./protocol -run TestVectors -update)", err)
	}
	if !bytes.Equal(enc, want) {
		t.Errorf("testdata/vectors.json is stale: the encoding changed; update docs/PROTOCOL.md and run go test ./protocol -run TestVectors -update")
	}
}

// normalise makes nil and empty slices compare equal.
func normalise(u *Update) {
	if len(u.Moves) == 0 {
		u.Moves = nil
	}
	if len(u.Enters) == 0 {
		u.Enters = nil
	}
	if len(u.Leaves) == 0 {
		u.Leaves = nil
	}
	if len(u.Events) == 0 {
		u.Events = nil
	}
}

// TestVectorsInTheDocument: every vector's bytes are shown in
// docs/PROTOCOL.md, and every hex string the document shows is a vector,
// so the document cannot drift from the codec.
func TestVectorsInTheDocument(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "PROTOCOL.md"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	known := make(map[string]bool)
	for _, v := range vs {
		known[v.Hex] = true
		if !bytes.Contains(doc, []byte("`"+v.Hex+"`")) {
			t.Errorf("vector %s is not in docs/PROTOCOL.md", v.Name)
		}
	}
	for _, m := range regexp.MustCompile("`([0-9a-f]{16,})`").FindAllSubmatch(doc, -1) {
		if !known[string(m[1])] {
			t.Errorf("docs/PROTOCOL.md shows %s…, which is no vector", m[1][:16])
		}
	}
}
