package event

import "strings"

// TLP is a Traffic Light Protocol 2.0 label. Labels are ordered from the least to the most
// strict, so that the stricter of two is the greater; the zero value is no label.
type TLP uint8

// The TLP 2.0 labels, least strict first.
const (
	TLPUnset TLP = iota
	TLPClear
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

var tlpNames = [...]string{"", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// String returns the label as TLP 2.0 writes it without "TLP:" ("AMBER+STRICT"), or ""
// when it is unset.
func (t TLP) String() string {
	if int(t) < len(tlpNames) {
		return tlpNames[t]
	}
	return ""
}

// ParseTLP reads a label in any case, with or without "TLP:" ("tlp:amber", "AMBER+STRICT").
// TLP 1.0's WHITE is TLP 2.0's CLEAR. ok is false for anything else, also for "".
func ParseTLP(s string) (t TLP, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimSpace(strings.TrimPrefix(s, "TLP:"))
	if s == "WHITE" {
		return TLPClear, true
	}
	for i := TLPClear; int(i) < len(tlpNames); i++ {
		if tlpNames[i] == s {
			return i, true
		}
	}
	return TLPUnset, false
}
