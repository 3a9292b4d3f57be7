package content

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseVTT checks WebVTT captions (https://www.w3.org/TR/webvtt1/) as far
// as a browser needs them to show anything: the "WEBVTT" header, at least
// one cue, every cue timing well formed with its start before its end and
// cues in order of start. It returns the end of the last cue: the length of
// the media the captions cover, for ReadingTime.
func parseVTT(data []byte) (time.Duration, error) {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	if h := lines[0]; h != "WEBVTT" && !strings.HasPrefix(h, "WEBVTT ") && !strings.HasPrefix(h, "WEBVTT\t") {
		return 0, errors.New(`does not start with "WEBVTT"`)
	}
	var (
		cues      int
		lastStart time.Duration
		end       time.Duration
	)
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		if !strings.Contains(l, "-->") {
			continue // header lines, blank lines, cue ids, payload, NOTE, STYLE and REGION blocks
		}
		start, stop, err := parseTiming(l)
		if err != nil {
			return 0, fmt.Errorf("line %d: %w", i+1, err)
		}
		if start < lastStart {
			return 0, fmt.Errorf("line %d: cue starts before the previous one", i+1)
		}
		lastStart = start
		end = max(end, stop)
		cues++
	}
	if cues == 0 {
		return 0, errors.New("no cue")
	}
	return end, nil
}

// parseTiming reads "00:01.000 --> 00:04.500 line:0" (settings ignored).
func parseTiming(l string) (start, end time.Duration, err error) {
	a, b, _ := strings.Cut(l, "-->")
	fields := strings.Fields(b)
	if len(fields) == 0 {
		return 0, 0, errors.New("cue timing without an end")
	}
	if start, err = parseTimestamp(strings.TrimSpace(a)); err != nil {
		return 0, 0, err
	}
	if end, err = parseTimestamp(fields[0]); err != nil {
		return 0, 0, err
	}
	if end <= start {
		return 0, 0, errors.New("cue ends before it starts")
	}
	return start, end, nil
}

// parseTimestamp reads "hh:mm:ss.ttt" or "mm:ss.ttt".
func parseTimestamp(s string) (time.Duration, error) {
	bad := fmt.Errorf("bad timestamp %q, want mm:ss.ttt or hh:mm:ss.ttt", s)
	main, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 3 || !digits(frac) {
		return 0, bad
	}
	parts := strings.Split(main, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad
	}
	var h int
	if len(parts) == 3 {
		if len(parts[0]) < 2 || len(parts[0]) > 4 || !digits(parts[0]) {
			return 0, bad
		}
		h, _ = strconv.Atoi(parts[0])
		parts = parts[1:]
	}
	if len(parts[0]) != 2 || len(parts[1]) != 2 || !digits(parts[0]) || !digits(parts[1]) {
		return 0, bad
	}
	m, _ := strconv.Atoi(parts[0])
	sec, _ := strconv.Atoi(parts[1])
	ms, _ := strconv.Atoi(frac)
	if m > 59 || sec > 59 {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
