package protocol

import "testing"

func TestRoundCount(t *testing.T) {
	for _, c := range []struct{ in, want uint32 }{
		{0, 0}, {1, 1}, {3, 3}, {999, 999},
		{1000, 1000}, {1049, 1000}, {1050, 1100}, {1430, 1400}, {2212, 2200}, {9949, 9900}, {9950, 10000},
		{10_000, 10_000}, {10_499, 10_000}, {10_500, 11_000}, {98_347, 98_000}, {99_999, 100_000},
		{100_000, 100_000}, {123_456, 120_000}, {1_234_567, 1_200_000},
		{4_294_967_295, 4_200_000_000}, {4_249_999_999, 4_200_000_000},
	} {
		if got := RoundCount(c.in); got != c.want {
			t.Errorf("RoundCount(%d) = %d, want %d", c.in, got, c.want)
		}
	}
	// Every rounded count is its own rounding (a client may round again).
	for n := uint32(0); n < 200_000; n += 7 {
		if r := RoundCount(n); RoundCount(r) != r {
			t.Fatalf("RoundCount(RoundCount(%d)) = %d, want %d", n, RoundCount(r), r)
		}
	}
}
