package asset

import (
	"strings"
	"testing"
)

func TestCheckOwnable(t *testing.T) {
	t.Parallel()
	for value, refusal := range map[string]string{
		// What organisations own.
		"93.184.216.34": "", "93.184.216.0/24": "", "2a00:1450:4001::/48": "", "2a00:1450::1": "",
		"AS1103": "", "example.nl": "", "*.example.co.uk": "", "@alpha.example": "", "192.0.3.0/24": "",
		// What nobody owns.
		"0.0.0.0/0": "special-purpose", "192.0.0.0/2": "special-purpose", "10.0.0.1": "private-use",
		"172.20.0.0/16": "private-use", "192.0.2.1": "documentation", "255.255.255.255": "reserved",
		"::1": "global unicast", "::/0": "global unicast", "::/2": "global unicast", "fd00::/8": "global unicast",
		"2001:db8:1::/48": "documentation", "2002::/16": "6to4", "3fff::1": "documentation",
		"AS23456": "AS_TRANS", "AS65000": "private use", "AS65536": "documentation", "AS4294967295": "reserved",
		"nl": "public suffix", "co.uk": "public suffix", "*.com": "public suffix", "@github.io": "public suffix",
	} {
		a, err := Parse(value)
		if err != nil {
			if refusal == "" || !strings.Contains(err.Error(), "two labels") {
				t.Errorf("Parse(%q): %v", value, err)
			}
			continue // a single label is refused by Parse already
		}
		err = CheckOwnable(a)
		switch {
		case refusal == "" && err != nil:
			t.Errorf("%s: refused (%v), want accepted", value, err)
		case refusal != "" && (err == nil || !strings.Contains(err.Error(), refusal)):
			t.Errorf("%s: %v, want a refusal naming %q", value, err, refusal)
		}
	}
}

func TestProofDescribe(t *testing.T) {
	t.Parallel()
	for _, state := range []Verification{Unverified, Pending, DNSVerified, RegistryBacked, AnalystApproved, Lapsed} {
		if got := (Proof{State: state}).Describe().Error(); got == "" {
			t.Errorf("%s: no words", state)
		}
	}
	if got := (Proof{State: Pending}).Describe().Error(); got != "waiting for proof" {
		t.Errorf("pending: %q", got)
	}
	if got := (Proof{State: Unverified}).Describe().Error(); got != "imported by the CERT" {
		t.Errorf("unverified: %q", got)
	}
}
