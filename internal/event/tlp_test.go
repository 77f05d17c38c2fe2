package event

import "testing"

func TestParseTLP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want TLP
		ok   bool
	}{
		{"CLEAR", TLPClear, true},
		{"white", TLPClear, true},
		{"tlp:green", TLPGreen, true},
		{" TLP:AMBER ", TLPAmber, true},
		{"amber+strict", TLPAmberStrict, true},
		{"RED", TLPRed, true},
		{"", TLPUnset, false},
		{"AMBER STRICT", TLPUnset, false},
		{"purple", TLPUnset, false},
	}
	for _, tt := range tests {
		got, ok := ParseTLP(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTLP(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && got.String() != "" {
			if again, _ := ParseTLP(got.String()); again != got {
				t.Errorf("ParseTLP(%q.String()) = %v", tt.in, again)
			}
		}
	}
	if !(TLPClear < TLPGreen && TLPGreen < TLPAmber && TLPAmber < TLPAmberStrict && TLPAmberStrict < TLPRed) {
		t.Error("labels are not ordered from the least to the most strict")
	}
	if TLPUnset.String() != "" || TLP(99).String() != "" {
		t.Error("unset or unknown labels have a name")
	}
}
