package shadowserver

import (
	"strings"
	"testing"
)

// mapRow is a row for conversions that look at other columns.
type mapRow map[string]string

func (m mapRow) get(column string) (string, bool) {
	v, ok := m[column]
	return v, ok
}

func TestConversions(t *testing.T) {
	t.Parallel()
	none := "<none>"
	tests := []struct {
		conv    Conversion
		in      string
		row     mapRow
		want    string // none for no value
		wantErr string
	}{
		{AddUTCToTimestamp, "2024-07-04 12:34:56", nil, "2024-07-04T12:34:56Z", ""},
		{AddUTCToTimestamp, "2024-07-04T12:34:56+02:00", nil, "2024-07-04T10:34:56Z", ""},
		{AddUTCToTimestamp, "", nil, none, ""},
		{AddUTCToTimestamp, "04/07/2024", nil, "", `"04/07/2024" is not a timestamp`},
		{ConvertDateUTC, "2024-07-04 12:34:56", nil, "2024-07-04T12:34:56Z", ""},
		{ConvertDate, "Thu, 04 Jul 2024 12:34:56 GMT", nil, "2024-07-04T12:34:56Z", ""},
		{ConvertDate, "Jan 14 08:04:50 2015 GMT", nil, "2015-01-14T08:04:50Z", ""},
		{ConvertDate, "soon", nil, "", "not a timestamp"},
		{ConvertBool, "Y", nil, "true", ""},
		{ConvertBool, "disabled", nil, "false", ""},
		{ConvertBool, "maybe", nil, none, ""},
		{ConvertInt, "0042", nil, "42", ""},
		{ConvertInt, "", nil, none, ""},
		{ConvertInt, "4x", nil, "", `"4x" is not an integer`},
		{InvalidateZero, "0", nil, none, ""},
		{InvalidateZero, "64496", nil, "64496", ""},
		{InvalidateZero, "AS1", nil, "", "not an integer"},
		{ConvertFloat, "1.50", nil, "1.5", ""},
		{ConvertFloat, "one", nil, "", "not a number"},
		{ValidateToNone, "unknown", nil, none, ""},
		{ValidateToNone, "0", nil, none, ""},
		{ValidateToNone, "x", nil, "x", ""},
		{ValidateIP, "192.0.2.1", nil, "192.0.2.1", ""},
		{ValidateIP, "2001:DB8::1", nil, "2001:db8::1", ""},
		{ValidateIP, "::ffff:192.0.2.1", nil, "192.0.2.1", ""},
		{ValidateIP, "0.0.0.0", nil, none, ""},
		{ValidateIP, "192.0.2.0/24", nil, none, ""},
		{ValidateIP, "300.1.1.1", nil, "", `"300.1.1.1" is not an IP address`},
		{ValidateIP, "192.0.2.0/99", nil, "", "is not an IP address"},
		{ValidateNetwork, "192.0.2.7/24", nil, "192.0.2.0/24", ""},
		{ValidateNetwork, "192.0.2.7", nil, none, ""},
		{ValidateNetwork, "192.0.2.7/40", nil, "", "not a network prefix"},
		{ValidateFQDN, "WWW.Example.NL.", nil, "www.example.nl", ""},
		{ValidateFQDN, "bücher.example", nil, "xn--bcher-kva.example", ""},
		{ValidateFQDN, "_dmarc.example.nl", nil, "_dmarc.example.nl", ""},
		{ValidateFQDN, "192.0.2.1", nil, "", "not a domain name"},
		{ValidateFQDN, "localhost", nil, "", "not a domain name"},
		{ValidateFQDN, "-bad.example.nl", nil, "", "not a domain name"},
		{ForceBase64, "aGVsbG8=", nil, "aGVsbG8=", ""},
		{ForceBase64, "hello", nil, "aGVsbG8=", ""},
		{ExtractCVEFromTag, "exchange;cve-2021-26855;CVE-2021-26855,cve-2021-27065", nil,
			"CVE-2021-26855,CVE-2021-27065", ""},
		{ExtractCVEFromTag, "smb;cve-abc", nil, none, ""},
		{ScanExchangeTaxonomy, "exchange;webshell", nil, "intrusions", ""},
		{ScanExchangeTaxonomy, "exchange;cve-2021-26855", nil, "vulnerable", ""},
		{ScanExchangeType, "exchange;webshell", nil, "system-compromise", ""},
		{ScanExchangeIdentifier, "exchange;cve-2021-26855", nil, "vulnerable-exchange-server", ""},
		{CategoryOrDetail, "", mapRow{"detail": "phishing kit"}, "phishing kit", ""},
		{CategoryOrDetail, "spam", mapRow{"detail": "phishing kit"}, "spam", ""},
		{ConvertHTTPHostAndURL, "/a b", mapRow{"http_host": "example.nl", "url": "GET /a?x=1 HTTP/1.1", "application": "https"},
			"https://example.nl/a?x=1", ""},
		{ConvertHTTPHostAndURL, "/x", mapRow{"cc_dns": "c2.example", "http_host": "other", "http_url": "/x"},
			"http://c2.example/x", ""},
		{ConvertHTTPHostAndURL, "/only-a-path", mapRow{"url": "/only-a-path"}, "/only-a-path", ""},
		{Conversion("no_such_conversion"), "kept", nil, "kept", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.conv)+"/"+tt.in, func(t *testing.T) {
			t.Parallel()
			fn := tt.conv.fn()
			if fn == nil {
				fn = identity
			}
			got, ok, err := fn(tt.in, tt.row)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !ok {
				got = none
			}
			if got != tt.want {
				t.Errorf("%s(%q) = %q, want %q", tt.conv, tt.in, got, tt.want)
			}
		})
	}
}

func TestConversionKnown(t *testing.T) {
	t.Parallel()
	for _, c := range []Conversion{"", ValidateIP, ScanExchangeType} {
		if !c.Known() {
			t.Errorf("%q is not known", c)
		}
	}
	if Conversion("set_tlp").Known() {
		t.Error(`"set_tlp" is known, but nothing implements it`)
	}
}
