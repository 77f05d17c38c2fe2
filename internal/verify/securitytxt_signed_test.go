package verify

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestParseSignedDashEscaped(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/signed.txt")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Parse(body, testNow)
	// "- Hiring: ..." is dash-escaped in the signed text.
	if !slices.Equal(st.Hiring, []string{"https://securitytxt.example.org/jobs"}) {
		t.Errorf("Hiring = %q", st.Hiring)
	}
}

// TestParseSignedArmour breaks, one at a time, what RFC 9116 section 2.3 (through
// RFC 4880 sections 6 and 7) asks of a signed file, starting from one gpg made.
func TestParseSignedArmour(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/signed-gpg.txt")
	if err != nil {
		t.Fatal(err)
	}
	good := string(b)
	const (
		sigData1 = "iHUEARYKAB0WIQR4zmP7duVcUOfDrL/waBG+4/tofAUCaw9ZWQAKCRDwaBG+4/to\n"
		checksum = "=Hhw3\n"
	)
	if !strings.Contains(good, sigData1) || !strings.Contains(good, checksum) {
		t.Fatal("testdata/signed-gpg.txt is not the file this test knows")
	}
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("signed-gpg.txt has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name     string
		body     string
		valid    bool
		problems []string // as checkProblems wants them
	}{
		{"as gpg made it", good, true, nil},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), true, nil},
		{"a version armour header", edit(pgpSigBegin+"\n", pgpSigBegin+"\nVersion: GnuPG v2\n"), true, nil},
		{"without the optional checksum", edit(checksum, ""), true, nil},
		{"a dash-escaped field", edit("Contact: https://", "- Contact: https://"), true, nil},
		{"blank lines after the signature", good + "\n\n", true, nil},

		{"a blank line before the header", "\n" + good, false,
			[]string{"error: line 2: a signed file must begin with -----BEGIN PGP SIGNED MESSAGE----- on its first line"}},
		{"no Hash header", edit("Hash: SHA512\n", ""), false,
			[]string{"error: line 1: the signed message has no Hash armour header"}},
		{"another header", edit("Hash: SHA512\n", "Hash: SHA512\nComment: hi\n"), false,
			[]string{`error: line 3: "Comment: hi" is not a Hash armour header, nor the empty line that must end them`, `note: line 3: unknown field "Comment"`}},
		{"no empty line after the header", edit("Hash: SHA512\n\n", "Hash: SHA512\n"), false,
			[]string{`error: line 3: "# Signed by a throwaway key made for this test with gpg --cl…" is not a Hash armour header, nor the empty line`}},
		{"nothing but the header", pgpSignedHeader + "\nHash: SHA512\n", false,
			[]string{"error: line 1: the signed message has no -----BEGIN PGP SIGNATURE----- line", "error: no usable Contact", "error: no Expires"}},
		{"an unescaped dash", edit("Contact: https://", "-Contact: https://"), false,
			[]string{`error: line 7: a signed line that begins with a dash must be dash-escaped as "- "`, `note: line 7: unknown field "-Contact"`}},
		{"no signature", edit(good[strings.Index(good, pgpSigBegin):], ""), false,
			[]string{"error: line 1: the signed message has no -----BEGIN PGP SIGNATURE----- line"}},
		{"no end", edit(pgpSigEnd+"\n", ""), false,
			[]string{"error: line 10: the signature has no -----END PGP SIGNATURE----- line"}},
		{"no empty line before the data", edit(pgpSigBegin+"\n\n", pgpSigBegin+"\n"), false,
			[]string{"error: line 10: the signature's armour has no empty line before its data"}},
		{"a dash-escaped line in the armour", edit(sigData1, "- \n"+sigData1), false,
			[]string{`error: line 12: the signature's armour has a line that is not base64: "-"`}},
		{"two signatures", edit(pgpSigBegin+"\n\n", pgpSigBegin+"\n\n"+pgpSigBegin+"\n"), false,
			[]string{"error: line 12: the signature's armour has a line that is not base64: \"-----BEGIN PGP SIGNATURE-----\""}},
		{"data cut short", edit(sigData1, "iHUEARYKAB0WIQR4z\n"), false,
			[]string{"error: line 10: the signature's armour does not decode as base64"}},
		{"data changed", edit(sigData1, strings.Replace(sigData1, "iHUE", "iHUF", 1)), false,
			[]string{"error: line 15: the signature's armour checksum does not match its data"}},
		{"a message, not a signature", edit(good[strings.Index(good, pgpSigBegin):], pgpSigBegin+"\n\nSGVsbG8sIHdvcmxkIQ==\n"+pgpSigEnd+"\n"), false,
			[]string{"error: line 10: the signature's armour holds no OpenPGP signature"}},
		{"text after the signature", good + "\nContact: mailto:evil@attacker.example\n", false,
			[]string{"error: line 18: text after the signature: a signed file must end with it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, problems := Parse([]byte(tt.body), testNow)
			if !st.Signed || st.Valid != tt.valid {
				t.Errorf("Signed, Valid = %v, %v; want true, %v", st.Signed, st.Valid, tt.valid)
			}
			if slices.Contains(st.Emails, "evil@attacker.example") {
				t.Error("a contact outside the signed text was used")
			}
			checkProblems(t, problems, tt.problems)
		})
	}
}

func TestCRC24(t *testing.T) {
	t.Parallel()
	// The checksum of no data is the CRC's initial value; that of "123456789" is
	// the check value of CRC-24/OPENPGP.
	for data, want := range map[string]uint32{"": 0xB704CE, "123456789": 0x21CF02} {
		if got := crc24([]byte(data)); got != want {
			t.Errorf("crc24(%q) = %06X, want %06X", data, got, want)
		}
	}
}
