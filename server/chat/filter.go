package chat

// Filter checks a free text before anyone gets it: the fair's word filter
// and contact-details filter (server/moderation). Implementations must be
// safe for concurrent use and must not block: the hub calls Check.
type Filter interface {
	// Check returns the zero Verdict for a text that may go, else why not.
	Check(text string) Verdict
}

// Verdict is a filter's answer: Reason is "" when the text may go, else one
// of the Block* reasons (the wire's CHAT_BLOCKED reason), and Hint a French
// sentence for the sender.
type Verdict struct {
	Reason string
	Hint   string
}

// Blocked reports whether the text is refused.
func (v Verdict) Blocked() bool { return v.Reason != "" }

// The reasons of CHAT_BLOCKED (docs/PROTOCOL.md §9): the names of
// server/moderation's reasons.
const (
	BlockPhone  = "phone"
	BlockEmail  = "email"
	BlockHandle = "handle"
	BlockLink   = "link"
	BlockInsult = "insult"
	BlockHate   = "hate"
	BlockSexual = "sexual"
	BlockDrugs  = "drugs"
	BlockOther  = "other"
)

// FilterFunc adapts a function to Filter.
type FilterFunc func(text string) Verdict

// Check implements Filter.
func (f FilterFunc) Check(text string) Verdict { return f(text) }
