package web

import (
	"context"
	"crypto/tls"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// securityTxtServer serves a security.txt over TLS on loopback, and a client that
// reaches it for any host name (as if alpha.example's DNS pointed there).
func securityTxtServer(t *testing.T, body string) *http.Client {
	return securityTxtServerOf(t, func() string { return body })
}

// securityTxtServerOf is securityTxtServer serving what body returns at the time.
func securityTxtServerOf(t *testing.T, body func() string) *http.Client {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/security.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(body()))
	}))
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test server's certificate names 127.0.0.1
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

func TestContactsAndSecurityTxt(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		expires := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
		client := securityTxtServer(t, "Contact: mailto:CSIRT@alpha.example\nContact: https://alpha.example/report\nExpires: "+expires+"\nPreferred-Languages: nl, en\n")
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseHTTPClient(client) })
		b, csrf := signedIn(t, pb)
		if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"alpha.example"}}); code != 303 {
			t.Fatal("adding the domain")
		}
		code, page, _ := b.send("POST", "/contacts/securitytxt", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}})
		if code != 303 || !strings.Contains(page, `id="offers"`) || !strings.Contains(page, "csirt@alpha.example") {
			t.Fatalf("security.txt offers: %d\n%s", code, page)
		}
		alpha, _ := s.Organisation(ctx, "a")
		if cs, _ := s.Contacts(ctx, alpha.ID); len(cs) != 0 {
			t.Fatalf("an offered address must wait for a user's confirmation: %+v", cs)
		}
		if code, page, _ := b.send("POST", "/contacts", url.Values{"csrf": {csrf}, "email": {"csirt@alpha.example"}, "language": {"en"}}); code != 303 || !strings.Contains(page, "ontvangt de meldingen") {
			t.Fatalf("confirming: %d\n%s", code, page)
		}
		cs, _ := s.Contacts(ctx, alpha.ID)
		if len(cs) != 1 || cs[0].Email != "csirt@alpha.example" || cs[0].Language != "en" {
			t.Fatalf("contacts: %+v", cs)
		}
		if code, page, _ := b.send("POST", "/contacts", url.Values{"csrf": {csrf}, "email": {"not an address"}}); code != 303 || !strings.Contains(page, "geen e-mailadres") {
			t.Fatalf("a bad address: %d", code)
		}
		if code, _, _ := b.do("POST", "/contacts/securitytxt", url.Values{"csrf": {csrf}, "domain": {"secret-b.example"}}); code != 404 {
			t.Fatalf("another organisation's domain: %d", code)
		}
		// Bravo's contact cannot be removed from Alpha's session.
		bravo, _ := s.Organisation(ctx, "b")
		im, _ := s.BeginRegistryImport(ctx)
		im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "b", Name: "Bravo N.V."}},
			Contacts: []store.ContactInput{{OrgRef: "b", Email: "soc@bravo.example", Role: "security", Language: "nl"}}, Now: time.Now()})
		bcs, _ := s.Contacts(ctx, bravo.ID)
		if code, _, _ := b.do("POST", "/contacts/remove", url.Values{"csrf": {csrf}, "id": {itoa(bcs[0].ID)}}); code != 404 {
			t.Fatalf("removing Bravo's contact: %d", code)
		}
		if _, page, _ := b.do("GET", "/contacts", nil); strings.Contains(page, "bravo") {
			t.Fatalf("Bravo's contact on Alpha's page:\n%s", page)
		}
		// The last address asks first, on a page that needs no script; only the second
		// button removes it.
		remove := url.Values{"csrf": {csrf}, "id": {itoa(cs[0].ID)}}
		code, page, loc := b.send("POST", "/contacts/remove", remove)
		if code != 303 || !strings.HasPrefix(loc, "/contacts?remove=") || !strings.Contains(page, `id="confirm-remove"`) ||
			!strings.Contains(page, "laatste werkende meldingsadres") || !strings.Contains(page, `name="confirm" value="yes"`) {
			t.Fatalf("removing the last address must ask first: %d %s\n%s", code, loc, page)
		}
		if left, _ := s.Contacts(ctx, alpha.ID); len(left) != 1 {
			t.Fatalf("the question removed it already: %+v", left)
		}
		remove.Set("confirm", "yes")
		if code, page, loc := b.send("POST", "/contacts/remove", remove); code != 303 || loc != "/contacts" || !strings.Contains(page, "geen werkend meldingsadres") {
			t.Fatalf("removing, confirmed: %d %s\n%s", code, loc, page)
		}
		if left, _ := s.Contacts(ctx, alpha.ID); len(left) != 0 {
			t.Fatalf("after removing: %+v", left)
		}
		// The audit log names the address, not its id.
		if log, _ := s.AuditLog(ctx, alpha.ID, 1); len(log) != 1 || log[0].Action != "contact.remove" || log[0].Detail != "csirt@alpha.example" {
			t.Fatalf("audit: %+v", log)
		}
	})
}

// TestSecurityTxtOffersOnlyFromAValidFile: the addresses of a domain's security.txt
// are offered only when the file is valid and unexpired; otherwise the page says why
// and lists the file's problems in the reader's language, and offers nothing.
func TestSecurityTxtOffersOnlyFromAValidFile(t *testing.T) {
	const addr = "csirt@alpha.example"
	contact := "Contact: mailto:" + addr + "\n"
	expires := "Expires: " + time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339) + "\n"
	var body atomic.Value
	client := securityTxtServerOf(t, func() string { return body.Load().(string) })
	pb := portalSetupWith(t, storetest.Open(t, "sqlite"), func(p *Portal) { p.UseHTTPClient(client) })
	b, csrf := signedIn(t, pb)
	if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"alpha.example"}}); code != 303 {
		t.Fatal("adding the domain")
	}
	scenarios := []struct {
		name, lang, body string
		offered          bool
		want, wantNot    []string // on the page, and not on it
	}{
		{"valid", "nl", contact + expires, true,
			[]string{"De security.txt van alpha.example noemt deze adressen"}, nil},
		{"valid with a recommendation", "nl", contact + "Expires: " + time.Now().AddDate(2, 0, 0).UTC().Format(time.RFC3339) + "\n", true,
			[]string{"regel 2: Expires ligt meer dan een jaar vooruit"}, []string{"niet geldig"}},
		{"a language that is none", "nl", contact + expires + "Preferred-Languages: english\n", false,
			[]string{"De security.txt van alpha.example is niet geldig, dus worden de adressen niet aangeboden:",
				`regel 3: "english" is geen taalcode (BCP 47) zoals en of nl-BE`},
			[]string{"is not a language tag"}},
		{"a language that is none, in English", "en", contact + expires + "Preferred-Languages: english\n", false,
			[]string{"The security.txt of alpha.example is not valid, so its addresses are not offered:",
				`line 3: "english" is not a language tag (BCP 47) such as en or nl-BE`},
			[]string{"geen taalcode"}},
		{"no final newline", "nl", contact + strings.TrimSuffix(expires, "\n"), false,
			[]string{"niet geldig", "regel 2: de laatste regel eindigt niet met een regeleinde"}, nil},
		{"an http contact", "nl", contact + "Contact: http://alpha.example/report\n" + expires, false,
			[]string{`regel 2: Contact "http://alpha.example/report" moet https gebruiken, geen http`}, nil},
		{"expired", "nl", contact + "Expires: 2020-01-01T00:00:00Z\n", false,
			[]string{"De security.txt van alpha.example is verlopen, dus worden de adressen niet aangeboden.",
				"regel 2: het bestand is verlopen op 2020-01-01T00:00:00Z"}, nil},
		{"Canonical elsewhere", "nl", contact + expires + "Canonical: https://elsewhere.example/.well-known/security.txt\n", false,
			[]string{"het bestand is gevonden op https://alpha.example/.well-known/security.txt, dat niet bij zijn Canonical-URI's staat"}, nil},
	}
	lang := ""
	for _, sc := range scenarios {
		if sc.lang != lang {
			if code, _, _ := b.do("POST", "/account/language", url.Values{"csrf": {csrf}, "language": {sc.lang}, "next": {"/"}}); code != 303 {
				t.Fatalf("switching to %s: %d", sc.lang, code)
			}
			lang = sc.lang
		}
		body.Store(sc.body)
		code, page, _ := b.send("POST", "/contacts/securitytxt", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}})
		if code != 303 {
			t.Errorf("%s: %d", sc.name, code)
			continue
		}
		if offered := strings.Contains(page, `id="offers"`) && strings.Contains(page, addr); offered != sc.offered {
			t.Errorf("%s: offered = %v, want %v", sc.name, offered, sc.offered)
		}
		if !sc.offered && strings.Contains(page, addr) {
			t.Errorf("%s: the address is on the page of an unusable file", sc.name)
		}
		for _, w := range sc.want {
			if !strings.Contains(page, template.HTMLEscapeString(w)) {
				t.Errorf("%s: the page lacks %q\n%.3000s", sc.name, w, page)
			}
		}
		for _, w := range sc.wantNot {
			if strings.Contains(page, template.HTMLEscapeString(w)) {
				t.Errorf("%s: the page has %q", sc.name, w)
			}
		}
	}
}
