package protocol

// RoundCount is how a server sends the counts of an UPDATE (crowd and
// online, docs/PROTOCOL.md §4): exact below 1,000, rounded to the nearest
// number of two significant figures from 1,000 on (1,430 → 1,400;
// 1,450 → 1,500; 98,347 → 98,000). A count the page shows as « environ »
// does not need to be exact, and a fair of 100,000 then does not send
// every visitor an UPDATE a second for one more or one fewer: the rounded
// count changes every 1,000 joins or leaves, not every one.
func RoundCount(n uint32) uint32 {
	if n < 1000 {
		return n
	}
	step := uint64(10)
	for v := uint64(n) / 100; v >= 10; v /= 10 {
		step *= 10
	}
	r := (uint64(n) + step/2) / step * step
	if r > 1<<32-1 {
		r = uint64(n) / step * step
	}
	return uint32(r)
}
