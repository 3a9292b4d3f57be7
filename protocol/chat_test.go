package protocol

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestQuickPhrasesInTheDocument: docs/PROTOCOL.md lists the quick phrases
// with the numbers and texts of the codec, and nothing more.
func TestQuickPhrasesInTheDocument(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "PROTOCOL.md"))
	if err != nil {
		t.Fatal(err)
	}
	start := regexp.MustCompile(`(?m)^\| phrase \| text \|$`).FindIndex(doc)
	if start == nil {
		t.Fatal("no quick phrase table in docs/PROTOCOL.md")
	}
	rows := regexp.MustCompile(`(?m)^\| (\d+) \| ([^|]+) \|$`).FindAllSubmatch(doc[start[1]:], -1)
	n := 0
	for _, r := range rows {
		if string(r[1]) != strconv.Itoa(n+1) {
			break // the table ended
		}
		want, _ := QuickPhrase(uint8(n + 1))
		if got := string(r[2]); got != want {
			t.Errorf("phrase %d: the document says %q, the codec %q", n+1, got, want)
		}
		n++
	}
	if n != QuickPhrasesCount {
		t.Errorf("the document lists %d phrases, the codec %d", n, QuickPhrasesCount)
	}
	if _, ok := QuickPhrase(0); ok {
		t.Error("phrase 0 exists")
	}
	if _, ok := QuickPhrase(uint8(QuickPhrasesCount + 1)); ok {
		t.Error("a phrase past the list exists")
	}
}

// A newer client's channel or report reason decodes (the server refuses
// the channel; the reason reads as "other"); an id beyond 2^53 - 1 is
// malformed.
func TestChatForwardCompatible(t *testing.T) {
	var m ClientMessage
	if err := DecodeClient(AppendChatSay(nil, ChatSay{Req: 1, Channel: 9, Text: "x"}), &m); err != nil || m.ChatSay.Channel != 9 {
		t.Fatalf("channel 9: %v %+v", err, m.ChatSay)
	}
	if err := DecodeClient(AppendChatReport(nil, ChatReport{Req: 1, MessageID: 5, Reason: 40}), &m); err != nil || m.ChatReport.Reason != ReportOther {
		t.Fatalf("reason 40: %v %+v", err, m.ChatReport)
	}
	var de *DecodeError
	err := DecodeClient(AppendChatReport(nil, ChatReport{Req: 1, MessageID: MaxChatID + 1}), &m)
	if err == nil || !asDecodeError(err, &de) {
		t.Fatalf("id over 2^53-1: %v", err)
	}
	long := make([]byte, MaxChatBytes+1)
	for i := range long {
		long[i] = 'a'
	}
	if err := DecodeClient(AppendChatSay(nil, ChatSay{Req: 1, Text: string(long)}), &m); err == nil {
		t.Fatal("a text over MaxChatBytes decodes")
	}
}

func asDecodeError(err error, de **DecodeError) bool {
	e, ok := err.(*DecodeError)
	*de = e
	return ok
}
