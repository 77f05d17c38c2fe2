package web

import (
	"html/template"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
	"github.com/baken-cert/baken/internal/verify"
	"github.com/baken-cert/baken/internal/verify/dnstest"
)

// TestProblemsInTheReadersLanguage: what other packages find wrong (a row of an upload,
// an asset added, a file without its header, a line of a security.txt, a check of a
// domain) reads in the page's language, and not in the other.
func TestProblemsInTheReadersLanguage(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		expires := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
		client := securityTxtServer(t, "Contact: security@alpha.example\nContact: mailto:csirt@alpha.example\nExpires: "+expires+"\n")
		dnsSrv := dnstest.Start(t)
		pb := portalSetupWith(t, s, func(p *Portal) {
			p.UseHTTPClient(client)
			p.UseResolver(verify.NewResolver(dnsSrv.Addr()))
		})
		b, csrf := signedIn(t, pb)
		post := func(path string, form url.Values) func() (int, string) {
			form.Set("csrf", csrf)
			return func() (int, string) {
				code, page, _ := b.send("POST", path, form)
				return code, page
			}
		}
		uploadFile := func(content string) func() (int, string) {
			return func() (int, string) { return upload(t, b, csrf, "assets.csv", content) }
		}
		if code, _ := post("/assets", url.Values{"value": {"alpha.example"}})(); code != 303 {
			t.Fatalf("adding the domain: %d", code)
		}
		if code, _ := post("/domains/check", url.Values{"domain": {"alpha.example"}, "start": {"1"}})(); code != 303 {
			t.Fatalf("starting the domain's challenge: %d", code)
		}

		scenarios := []struct {
			name   string
			do     func() (int, string)
			status int
			nl, en string
		}{
			{"a bad row of an upload", uploadFile("asset\nnew.alpha.example\n192.0.2.1/24\n"), 303,
				`regel 3: "192.0.2.1/24" heeft hostbits gezet; bedoelt u 192.0.2.0/24?`,
				`line 3: "192.0.2.1/24" has host bits set; did you mean 192.0.2.0/24?`},
			{"an asset added, a problem within a problem", post("/assets", url.Values{"value": {"localhost"}}), 303,
				`regel 2: domein "localhost": een domeinnaam heeft minstens twee labels nodig, zoals example.nl`,
				`line 2: domain "localhost": a domain name needs at least two labels, like example.nl`},
			{"a file without its header", uploadFile("value\nx.alpha.example\n"), 303,
				`Er is niets geïmporteerd: de kopregel heeft geen kolom "asset" (wel: value)`,
				`Nothing was imported: the header row has no "asset" column (it has: value)`},
			{"a line of a security.txt", post("/contacts/securitytxt", url.Values{"domain": {"alpha.example"}}), 303,
				`regel 1: Contact "security@alpha.example" is geen URI: schrijf mailto:security@alpha.example`,
				`line 1: Contact "security@alpha.example" is not a URI: write mailto:security@alpha.example`},
			{"a check of a domain", post("/domains/check", url.Values{"domain": {"alpha.example"}}), 303,
				"alpha.example: nog geen TXT-record met de code.",
				"alpha.example: no TXT record with the token yet."},
		}
		for _, lang := range []string{"nl", "en"} {
			if code, _ := post("/account/language", url.Values{"language": {lang}, "next": {"/"}})(); code != 303 {
				t.Fatalf("switching to %s: %d", lang, code)
			}
			for _, sc := range scenarios {
				want, other := sc.nl, sc.en
				if lang == "en" {
					want, other = other, want
				}
				code, page := sc.do()
				if code != sc.status || !strings.Contains(page, template.HTMLEscapeString(want)) || strings.Contains(page, template.HTMLEscapeString(other)) {
					t.Errorf("%s in %s: %d, want %d with %q and without %q\n%.3000s", sc.name, lang, code, sc.status, want, other, page)
				}
			}
		}
	})
}
