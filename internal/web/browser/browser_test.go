// Package browser walks the portal in a real headless Chromium, as a person would, and
// saves screenshots of the main pages in the folder screenshots/ at the repository's
// root (git-ignored) so that people can look at them.
package browser

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/verify"
	"github.com/baken-cert/baken/internal/verify/dnstest"
	"github.com/baken-cert/baken/internal/web/qrtest"
)

// chromiumPath finds Debian's chromium; without it the test is skipped, unless
// BAKEN_REQUIRE_BROWSER=1 (as in CI).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BAKEN_REQUIRE_BROWSER") == "1" {
		t.Fatal("BAKEN_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install chromium)")
	}
	t.Skip("browser test skipped: install Debian's chromium")
	return ""
}

// waitText waits until the text of the first element matching sel contains want, and
// stores it in out: the page after a click has arrived, not the one before it.
func waitText(sel, want string, out *string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var text string
			err := chromedp.Text(sel, &text, chromedp.ByQuery, chromedp.AtLeast(0)).Do(ctx)
			if err == nil && strings.Contains(text, want) {
				*out = text
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %q in %s (last: %.300q): %w", want, sel, text, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// qrSecret reads the TOTP secret of a set-up page from its QR code, as a phone would:
// it decodes the image and takes the secret of the otpauth link in it.
func qrSecret(secret *string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var src string
		var ok bool
		if err := chromedp.AttributeValue("#qr", "src", &src, &ok, chromedp.ByQuery).Do(ctx); err != nil || !ok {
			return fmt.Errorf("no QR code: %v", err)
		}
		text, err := qrtest.Decode(src)
		if err != nil {
			return err
		}
		u, err := url.Parse(text)
		if err != nil || u.Scheme != "otpauth" || u.Query().Get("secret") == "" {
			return fmt.Errorf("the QR code holds %q", text)
		}
		*secret = u.Query().Get("secret")
		return nil
	})
}

func screenshot(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var buf []byte
		if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
			return err
		}
		dir := filepath.Join("..", "..", "..", "screenshots")
		os.MkdirAll(dir, 0o755)
		return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	})
}

// The widths every page is looked at: a desktop screen and a 390 px phone.
const (
	desktopWidth, desktopHeight = 1200, 900
	phoneWidth, phoneHeight     = 390, 844
)

// overflow is the script that finds what makes a page wider than its window: nothing,
// when the page scrolls only down (wide tables scroll inside their own box).
const overflow = `(() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return "";
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > root.clientWidth + 1 && !el.closest(".table")) wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "") + " (" + Math.round(r.right) + " px)");
  }
  return root.scrollWidth + " px wide in " + root.clientWidth + " px: " + wide.slice(0, 8).join(", ");
})()`

// look checks the page on a phone and on a desktop: no horizontal scrolling of the page
// on either; it saves both screenshots (name-390, name).
func look(t *testing.T, name string) chromedp.Action {
	check := func(width string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var wide string
			if err := chromedp.Evaluate(overflow, &wide).Do(ctx); err != nil {
				return err
			}
			if wide != "" {
				var url string
				chromedp.Location(&url).Do(ctx)
				t.Errorf("%s (%s) at %s: the page scrolls sideways: %s", name, url, width, wide)
			}
			return nil
		})
	}
	return chromedp.Tasks{
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile), chromedp.Sleep(100 * time.Millisecond),
		check("390 px"), screenshot(t, name+"-390"),
		chromedp.EmulateReset(), chromedp.EmulateViewport(desktopWidth, desktopHeight), chromedp.Sleep(100 * time.Millisecond),
		check("desktop width"), screenshot(t, name),
	}
}

// TestPortalInABrowser: the first administrator sets up their account and invites an
// organisation's administrator by e-mail, who sets a password, enrols TOTP by the QR
// code (decoded from the page's image) and is signed in by finishing the set-up,
// adds a domain and proves it by DNS, uploads a CSV with a bad row, sees a notification
// after an ingestion, downloads its CSV and gives feedback, all in Dutch (the language
// they were invited in), then switches the portal to English, adds a passkey and logs
// in with it, and manages their organisation's users: a new invitation for an expired
// one, a new role, disabled.
func TestPortalInABrowser(t *testing.T) {
	chrome := chromiumPath(t)
	ctx := context.Background()
	dnsSrv := dnstest.Start(t)
	mail := smtptest.NewServer(t)
	// The portal is reached as localhost, a host name, as passkeys need.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	cfg, _ := config.Load(func(string) string { return "" })
	cfg.DataDir, cfg.SMTPURL, cfg.DNSServer, cfg.SenderName, cfg.PublicURL = t.TempDir(), mail.URL(), dnsSrv.Addr(), "Digital Trust Center", base
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewUnstartedServer(a.Handler())
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	reg := "organisation,org_ref,asset,contact_email,language\nAlpha B.V.,alpha,192.0.2.0/24,soc@alpha.example,nl\n"
	if _, err := a.Registry.Import(ctx, strings.NewReader(reg), registry.ImportOptions{Format: registry.CSV}); err != nil {
		t.Fatal(err)
	}
	org, _ := a.Store.Organisation(ctx, "alpha")
	// What Alpha claimed itself waits for the analysts' proof.
	if _, err := a.Registry.Claim(ctx, strings.NewReader("asset\nshop.alpha.example\n93.184.216.0/24\nAS1103\n"),
		registry.Claim{Org: org, Actor: "admin@alpha.example", Format: registry.CSV}); err != nil {
		t.Fatal(err)
	}
	// The first administrator, as `baken user create --role admin` makes them.
	adminLink, adminHash := auth.NewToken()
	if _, err := a.Store.CreateUser(ctx, store.UserInput{Email: "admin@cert.example", Role: store.RoleAdmin, Language: "nl", Now: time.Now()},
		store.TokenInput{Hash: adminHash, Purpose: "setup", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Action: "user.create"}); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(t.TempDir(), "assets.csv")
	os.WriteFile(upload, []byte("asset\nmail.alpha.example\n192.0.2.1/24\n"), 0o600)

	// Chromium may still write its profile as it exits: the test removes it itself,
	// without failing on it, rather than in t.TempDir's strict clean-up.
	profile, err := os.MkdirTemp("", "baken-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1200, 900))
	allocCtx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// The first Run starts the browser, for as long as bctx lives; steps then get
	// their own deadlines.
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	const password = "correct horse battery staple"
	var secret, page string
	var plain string // the organisation administrator's invitation link token
	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	totp := func() chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			code, err := auth.TOTPCode(secret, time.Now())
			if err != nil {
				return err
			}
			return chromedp.SendKeys("#code", code, chromedp.ByQuery).Do(ctx)
		})
	}
	run("administrator set-up", chromedp.Navigate(base+"/setup/"+adminLink), qrSecret(&secret),
		chromedp.SendKeys("#password", password, chromedp.ByQuery), chromedp.SendKeys("#password2", password, chromedp.ByQuery),
		totp(), chromedp.Submit("#code", chromedp.ByQuery), chromedp.WaitVisible("#recovery-codes", chromedp.ByQuery))
	// Finishing the set-up signed the administrator in: both factors were just proven.
	run("administrator is signed in", chromedp.Click(`a[href="/"]`, chromedp.ByQuery), waitText("main", "Overzicht", &page))
	// Every page of the CERT's people, and an error page, at both widths.
	for _, pg := range []struct{ path, want, name string }{
		{"/organisations", "Werkende adressen", "a3-organisations"}, {"/review", "Beoordelen", "a4-review"},
		{"/approvals", "shop.alpha.example", "a5-approvals"}, {"/audit", "ingericht", "a6-audit"},
		{"/account/sessions", "sessies", "a7-sessions"}, {"/no/such/page", "Pagina niet gevonden", "a8-not-found"},
		{"/verify", "Digital Trust Center", "a9-verify"}, {"/reset", "E-mail", "a10-reset"},
	} {
		run(pg.path, chromedp.Navigate(base+pg.path), waitText("body", pg.want, &page), look(t, pg.name))
	}
	run("invite", chromedp.Navigate(base+"/users"), chromedp.SendKeys("#email", "admin@alpha.example", chromedp.ByQuery),
		chromedp.SetValue("#role", "org-admin", chromedp.ByQuery), chromedp.SendKeys("#org", "alpha", chromedp.ByQuery),
		look(t, "00-invite"), chromedp.Submit("#email", chromedp.ByQuery), waitText("main", "Uitnodiging verstuurd", &page))
	invitation := mail.WaitFor(1, 10*time.Second)
	if len(invitation) != 1 {
		t.Fatal("no invitation e-mail")
	}
	body, _ := invitation[0].Text("text/plain")
	m := regexp.MustCompile(`/setup/([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil || invitation[0].To[0] != "admin@alpha.example" {
		t.Fatalf("invitation:\n%s", body)
	}
	plain = m[1]
	run("set-up page", chromedp.Navigate(base+"/setup/"+plain), qrSecret(&secret), look(t, "01-setup"))
	var shown string
	run("the same secret on a reload", chromedp.Reload(), chromedp.Text("#secret", &shown, chromedp.ByQuery))
	if strings.ReplaceAll(shown, " ", "") != secret {
		t.Fatalf("the page shows %q, its QR code %q", shown, secret)
	}
	run("set-up", chromedp.SendKeys("#password", password, chromedp.ByQuery), chromedp.SendKeys("#password2", password, chromedp.ByQuery),
		totp(), chromedp.Submit("#code", chromedp.ByQuery), chromedp.WaitVisible("#recovery-codes", chromedp.ByQuery), look(t, "02-recovery-codes"))
	var copyLabel string
	run("the copy button", chromedp.WaitVisible("#copy-codes", chromedp.ByQuery), chromedp.Text("#copy-codes", &copyLabel, chromedp.ByQuery))
	if copyLabel != "De herstelcodes kopiëren" {
		t.Fatalf("the copy button says %q", copyLabel)
	}
	run("signed in after the set-up", chromedp.Click(`a[href="/"]`, chromedp.ByQuery), waitText("main", "Alpha B.V.", &page), look(t, "04-home"))
	if !strings.Contains(page, "Alpha B.V.") {
		t.Fatalf("home page:\n%s", page)
	}
	run("add a domain", chromedp.Navigate(base+"/assets"), look(t, "04b-assets"), chromedp.SendKeys("#value", "*.alpha.example", chromedp.ByQuery),
		chromedp.Submit("#value", chromedp.ByQuery), waitText("main", "1 toegevoegd", &page), look(t, "04c-asset-added"))
	if !strings.Contains(page, "*.alpha.example") {
		t.Fatalf("assets after adding:\n%s", page)
	}
	var record string
	run("get a code", chromedp.Navigate(base+"/domains"), look(t, "04d-domains"), chromedp.Click(`button[name="start"]`, chromedp.ByQuery),
		chromedp.WaitVisible("code", chromedp.ByQuery), chromedp.Text("code", &record, chromedp.ByQuery), look(t, "04e-domain-code"))
	token := strings.Trim(record[strings.Index(record, "TXT ")+4:], `"`)
	dnsSrv.SetTXT("_baken-challenge.alpha.example", token)
	run("check the domain", chromedp.Submit("td form", chromedp.ByQuery), waitText("main", "bevat de code", &page),
		look(t, "05-domain-verified"))
	if !strings.Contains(page, "bewezen") {
		t.Fatalf("domains after the check:\n%s", page)
	}
	if got, _ := verify.CheckToken(ctx, verify.NewResolver(dnsSrv.Addr()), "alpha.example", token); got != verify.Verified {
		t.Fatalf("the test DNS server does not serve the token")
	}
	run("upload", chromedp.Navigate(base+"/assets"), chromedp.SetUploadFiles("#file", []string{upload}, chromedp.ByQuery),
		chromedp.Submit("#file", chromedp.ByQuery), chromedp.WaitVisible("#rejected", chromedp.ByQuery),
		chromedp.Text("#rejected", &page, chromedp.ByQuery), look(t, "06-upload-with-a-bad-row"))
	if !strings.Contains(page, "regel 3") || !strings.Contains(page, "192.0.2.0/24") {
		t.Fatalf("upload result: %s", page)
	}

	// A Shadowserver report names one of Alpha's systems; Baken tells Alpha.
	a.Store.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: "notify", Aggregation: "immediate", Repeat: 0})
	a.LoadIndices(ctx)
	f, _ := a.Store.PutFeed(ctx, store.Feed{Name: "shadowserver", Provider: "Shadowserver", Format: "shadowserver", Kind: "periodic", TLP: "AMBER"})
	report := "\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"asn\",\"geo\",\"region\",\"city\"\n\"2026-11-20 01:00:00\",192.0.2.10,445,,smb,64500,NL,Utrecht,Utrecht\n"
	if _, err := a.Ingest.Ingest(ctx, f, "2026-11-20-scan_smb-nl-asn.csv", strings.NewReader(report)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if mail.Count() != 2 {
		t.Fatalf("%d e-mails, want the invitation and the notification", mail.Count())
	}
	var csvText, location string
	run("notification", chromedp.Navigate(base+"/notifications"), look(t, "07-notifications"),
		chromedp.Click("tbody a", chromedp.ByQuery), waitText("main", "192.0.2.10", &page),
		look(t, "08-notification"), chromedp.Location(&location),
		// The download link, fetched as a download would be: with the browser's own
		// session cookie.
		chromedp.ActionFunc(func(ctx context.Context) error {
			cookies, err := network.GetCookies().Do(ctx)
			if err != nil {
				return err
			}
			req, _ := http.NewRequest("GET", location+"/events.csv", nil)
			for _, c := range cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			csvText = string(b)
			return err
		}))
	if !strings.Contains(page, "192.0.2.10") || !strings.Contains(csvText, "192.0.2.10") {
		t.Fatalf("notification page or CSV lacks the system:\n%s\n%s", page, csvText)
	}
	run("feedback", chromedp.Click(`button[value="useful"]`, chromedp.ByQuery), waitText("main", "vastgelegd", &page),
		look(t, "09-feedback"))
	ns, _ := a.Store.Notifications(ctx, store.NotificationFilter{OrgID: org.ID})
	fb, _ := a.Store.Feedback(ctx, ns[0].ID)
	if fb["useful"] != 1 {
		t.Fatalf("feedback recorded: %v\n%s", fb, page)
	}

	// The switch in the header: the same page again, in English, and English from then on.
	var lang string
	run("switch to English", chromedp.Click(`nav.languages button[value="en"]`, chromedp.ByQuery),
		waitText("main", "Mark as resolved", &page), chromedp.AttributeValue("html", "lang", &lang, nil, chromedp.ByQuery),
		look(t, "10-notification-in-english"))
	if lang != "en" || strings.Contains(page, "Markeren als opgelost") {
		t.Fatalf("after switching to English: lang=%q\n%s", lang, page)
	}
	run("English from then on", chromedp.Navigate(base+"/assets"), waitText("main", "Upload a file", &page), look(t, "10b-assets-in-english"))
	// The organisation's other pages, at both widths; the last address asks before it goes.
	for _, pg := range []struct{ path, want, name string }{
		{"/contacts", "soc@alpha.example", "10c-contacts"}, {"/users", "Invite someone", "10d-users"},
		{"/orgs", "Act for", "10e-orgs"}, {"/account/sessions", "Your sessions", "10f-sessions"}, {"/tokens", "New token", "10h-tokens"},
	} {
		run(pg.path, chromedp.Navigate(base+pg.path), waitText("main", pg.want, &page), look(t, pg.name))
	}
	// A new API token is shown once, whole, on a phone too.
	run("make a token", chromedp.Navigate(base+"/tokens"), chromedp.SendKeys("#token-name", "opencti", chromedp.ByQuery),
		chromedp.Click(`form[action="/tokens"] button[type="submit"]`, chromedp.ByQuery), waitText("main", "shown only this once", &page), look(t, "10i-new-token"))
	run("remove the last address", chromedp.Navigate(base+"/contacts"), chromedp.Click(`form[action="/contacts/remove"] button`, chromedp.ByQuery),
		waitText("main", "Remove it anyway?", &page), look(t, "10g-confirm-last-address"))
	if cs, _ := a.Store.Contacts(ctx, org.ID); len(cs) != 1 {
		t.Fatalf("the question removed the address already: %+v", cs)
	}
	if u, _ := a.Store.UserByEmail(ctx, "admin@alpha.example"); u.Language != "en" {
		t.Fatalf("the stored language: %q", u.Language)
	}

	// A passkey, made by the browser's (virtual, CTAP2) authenticator on the passkeys
	// page, then used for the second step of a login instead of the code.
	run("add a passkey", webauthn.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true, IsUserVerified: true,
			AutomaticPresenceSimulation: true}).Do(ctx)
		return err
	}), chromedp.Navigate(base+"/account/passkeys"), chromedp.WaitVisible(`button[data-passkey="register"]`, chromedp.ByQuery),
		chromedp.SendKeys("#passkey-name", "Chromium", chromedp.ByQuery), chromedp.Click(`button[data-passkey="register"]`, chromedp.ByQuery),
		waitText("main", "Chromium", &page), look(t, "11-passkeys"))
	run("log out and in with the passkey", chromedp.Navigate(base+"/"), chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("#email", chromedp.ByQuery), look(t, "12-login-in-english"), chromedp.SendKeys("#email", "admin@alpha.example", chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery), look(t, "03-login"), chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-passkey="login"]`, chromedp.ByQuery), chromedp.Click(`button[data-passkey="login"]`, chromedp.ByQuery),
		waitText("main", "Alpha B.V.", &page), chromedp.Location(&location))
	if location != base+"/" {
		t.Fatalf("after the passkey: at %s", location)
	}
	u, _ := a.Store.UserByEmail(ctx, "admin@alpha.example")
	if keys, _ := a.Store.Passkeys(ctx, u.ID); len(keys) != 1 || keys[0].Name != "Chromium" || keys[0].LastUsedAt.IsZero() {
		t.Fatalf("the passkey in the store: %+v", keys)
	}
	// Alpha's administrator manages Alpha's users: a new invitation for one whose
	// invitation expired, then a new role, then disabled.
	if _, err := a.Store.CreateUser(ctx, store.UserInput{Email: "late@alpha.example", Role: store.RoleOrgMember, OrgID: org.ID, Language: "en", Now: time.Now()},
		store.TokenInput{Hash: "expired", Purpose: "setup", ExpiresAt: time.Now().Add(-time.Hour)}, store.AuditEntry{Action: "user.create"}); err != nil {
		t.Fatal(err)
	}
	row := `tr[data-user="late@alpha.example"] `
	run("users", chromedp.Navigate(base+"/users"), waitText("#users", "invitation expired", &page), look(t, "13-users"))
	run("re-invite", chromedp.Click(row+`button[name="reinvite"]`, chromedp.ByQuery), waitText("main", "Invitation sent to late@alpha.example", &page))
	if got := mail.WaitFor(3, 10*time.Second); len(got) != 3 || got[2].To[0] != "late@alpha.example" {
		t.Fatalf("the new invitation: %d e-mails", len(got))
	}
	run("change the role", chromedp.SetValue(row+"select", "org-admin", chromedp.ByQuery), chromedp.Click(row+`button[name="change-role"]`, chromedp.ByQuery),
		waitText("main", "late@alpha.example is now org-admin", &page))
	run("disable", chromedp.Click(row+`button[name="disable"]`, chromedp.ByQuery), waitText("main", "late@alpha.example is disabled", &page),
		waitText(row+"td:nth-child(3)", "disabled", &page), look(t, "14-user-disabled"))
	if u, _ := a.Store.UserByEmail(ctx, "late@alpha.example"); u.Role != store.RoleOrgAdmin || !u.Disabled() {
		t.Fatalf("late@alpha.example in the store: %+v", u)
	}
	fmt.Fprintln(os.Stderr, "screenshots in screenshots/")
}
