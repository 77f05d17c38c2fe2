package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// signedIn returns a browser signed in as the org-admin of Alpha, and its CSRF token.
func signedIn(t *testing.T, pb *portalBundle) (*browser, string) {
	b := newBrowser(t, pb.base)
	secret := pb.setUp(t, b, "admin@alpha.example")
	pb.logIn(t, b, "admin@alpha.example", secret)
	_, page, _ := b.do("GET", "/assets", nil)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the assets page:\n%s", page)
	}
	return b, m[1]
}

func TestAssetPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetup(t, s)
		b, csrf := signedIn(t, pb)
		bravo, _ := s.Organisation(ctx, "b")
		bravoAssets, _ := s.Assets(ctx, store.AssetFilter{OrgID: bravo.ID})

		// Each scenario: what is asked, the status, what must and must not appear.
		scenarios := []struct {
			name, method, path string
			form               url.Values
			status             int
			want, notWant      string
		}{
			{"list", "GET", "/assets", nil, 200, "192.0.2.0/24", "secret-b"},
			{"the state in words", "GET", "/assets", nil, 200, "<td>geïmporteerd door het CERT</td>", "<td>unverified</td>"},
			{"search another organisation's value", "GET", "/assets?q=secret", nil, 200, "", "secret-b"},
			{"add", "POST", "/assets", url.Values{"csrf": {csrf}, "value": {"*.Alpha.Example"}}, 303, "*.alpha.example", "secret-b"},
			{"add a bad value", "POST", "/assets", url.Values{"csrf": {csrf}, "value": {"192.0.2.1/24"}}, 303, "bedoelt u 192.0.2.0/24?", "did you mean"},
			{"add without CSRF token", "POST", "/assets", url.Values{"value": {"x.alpha.example"}}, 403, "", ""},
			{"remove another organisation's asset", "POST", "/assets/remove", url.Values{"csrf": {csrf}, "id": {itoa(bravoAssets[0].ID)}}, 404, "", "secret-b"},
			{"export", "GET", "/assets/export", nil, 200, "Alpha B.V.,a,192.0.2.0/24", "secret-b"},
		}
		for _, sc := range scenarios {
			code, page, _ := b.send(sc.method, sc.path, sc.form)
			if code != sc.status || (sc.want != "" && !strings.Contains(page, sc.want)) || (sc.notWant != "" && strings.Contains(page, sc.notWant)) {
				t.Errorf("%s: %d, want %d with %q and without %q\n%.600s", sc.name, code, sc.status, sc.want, sc.notWant, page)
			}
		}
		if left, _ := s.Assets(ctx, store.AssetFilter{OrgID: bravo.ID}); len(left) != 1 {
			t.Fatalf("Bravo's assets changed: %+v", left)
		}

		// Upload: the good rows are kept, the bad ones named with their line.
		code, page := upload(t, b, csrf, "assets.csv", "asset\nnew.alpha.example\n10.0.0.1/8\nsteal.example\n")
		if code != 303 || !strings.Contains(page, "regel 3") || !strings.Contains(page, "bedoelt u 10.0.0.0/8?") || !strings.Contains(page, "2 toegevoegd") {
			t.Fatalf("upload: %d\n%s", code, page)
		}
		alpha, _ := s.Organisation(ctx, "a")
		all, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
		if len(all) != 4 { // 192.0.2.0/24, *.alpha.example, new.alpha.example, steal.example (an own domain is allowed)
			t.Fatalf("Alpha's assets after the upload: %+v", all)
		}
		log, _ := s.AuditLog(ctx, alpha.ID, 10)
		if len(log) == 0 || log[0].Action != "asset.upload" {
			t.Fatalf("audit log: %+v", log)
		}
	})
}

func TestAssetPagesNeedAnOrganisationAdmin(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	pb := portalSetup(t, s)
	ctx := context.Background()
	alpha, _ := s.Organisation(ctx, "a")
	plain, hash := auth.NewToken()
	s.CreateUser(ctx, store.UserInput{Email: "member@alpha.example", Role: store.RoleOrgMember, OrgID: alpha.ID, Language: "nl", Now: time.Now()},
		store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Action: "user.create"})
	pb.tokens["member@alpha.example"] = plain
	b := newBrowser(t, pb.base)
	secret := pb.setUp(t, b, "member@alpha.example")
	pb.logIn(t, b, "member@alpha.example", secret)
	_, page, _ := b.do("GET", "/", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if code, page, _ := b.do("GET", "/assets", nil); code != 200 || !strings.Contains(page, "Zoeken") || strings.Contains(page, "Verwijderen") {
		t.Fatalf("a member reads, without remove buttons: %d", code)
	}
	if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"x.alpha.example"}}); code != 403 {
		t.Fatalf("a member adding an asset: %d", code)
	}
	analyst := newBrowser(t, pb.base)
	pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
	if code, _, _ := analyst.do("GET", "/assets", nil); code != 403 {
		t.Fatalf("the assets page is for organisation users: analyst got %d", code)
	}
}

func upload(t *testing.T, b *browser, csrf, name, content string) (int, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/assets/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 303 {
		_, page, _ := b.do("GET", resp.Header.Get("Location"), nil)
		return resp.StatusCode, page
	}
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUploadsAreBounded: an upload over the size limit says so (not that the form
// expired), a binary file is refused without its bytes on the page, and an export
// neutralises spreadsheet formulas.
func TestUploadsAreBounded(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "sqlite")
	pb := portalSetupWith(t, s, func(p *Portal) { p.maxBody = 2 << 20 })
	b, csrf := signedIn(t, pb)
	code, page := upload(t, b, csrf, "big.csv", "asset\n"+strings.Repeat("a.alpha.example\n", 200_000))
	if code != 413 || !strings.Contains(page, "2 MiB") || strings.Contains(page, "verlopen") {
		t.Fatalf("an upload over the limit: %d\n%.500s", code, page)
	}
	code, page = upload(t, b, csrf, "assets.xlsx", "PK\x03\x04\x14\x00\x06\x00secret-bytes\x00\x00\xff")
	if code != 303 || !strings.Contains(page, "geen tekstbestand") || strings.Contains(page, "secret-bytes") {
		t.Fatalf("a binary upload: %d\n%.3000s", code, page)
	}
	// An organisation whose name a spreadsheet would run as a formula.
	if _, err := pb.p.registry.Import(ctx, strings.NewReader("organisation,org_ref,asset\n\"=HYPERLINK(\"\"http://evil.example\"\")\",a,198.51.100.0/24\n"),
		registry.ImportOptions{Format: registry.CSV}); err != nil {
		t.Fatal(err)
	}
	code, page, _ = b.do("GET", "/assets/export", nil)
	if code != 200 || !strings.Contains(page, `"'=HYPERLINK(""http://evil.example"")"`) || strings.Contains(page, "\n\"=HYPERLINK") {
		t.Fatalf("export: %d\n%s", code, page)
	}
}

func TestOneUploadAtATimePerUser(t *testing.T) {
	t.Parallel()
	u := newUploads(2)
	if !u.start(1) || u.start(1) {
		t.Fatal("a user may run one upload at a time")
	}
	if !u.start(2) || u.start(3) {
		t.Fatal("at most two uploads in all")
	}
	u.done(1)
	if !u.start(3) {
		t.Fatal("a finished upload frees its slot")
	}
}
