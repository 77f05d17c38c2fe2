package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestIntermediary: a sector CERT's user acts for its child Alpha, never for Bravo,
// and Alpha's user cannot act for its parent.
func TestIntermediary(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetup(t, s)
		im, _ := s.BeginRegistryImport(ctx)
		im.StageAssets(ctx, []store.AssetInput{{OrgRef: "cert", Kind: "asn", Value: "AS64496", Verification: "unverified"}})
		if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "cert", Name: "Sector CERT"}, {Ref: "a", Name: "Alpha B.V.", ParentRef: "cert"}}, Now: time.Now()}); err != nil {
			t.Fatal(err)
		}
		cert, _ := s.Organisation(ctx, "cert")
		plain, hash := auth.NewToken()
		s.CreateUser(ctx, store.UserInput{Email: "soc@cert.example", Role: store.RoleOrgAdmin, OrgID: cert.ID, Now: time.Now()},
			store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Action: "user.create"})
		pb.tokens["soc@cert.example"] = plain
		b := newBrowser(t, pb.base)
		pb.logIn(t, b, "soc@cert.example", pb.setUp(t, b, "soc@cert.example"))

		_, page, _ := b.do("GET", "/orgs", nil)
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
		if !strings.Contains(page, "Alpha B.V.") || strings.Contains(page, "Bravo") {
			t.Fatalf("the CERT's organisations:\n%s", page)
		}
		if _, page, _ := b.do("GET", "/assets", nil); !strings.Contains(page, "<td>AS64496</td>") || strings.Contains(page, "<td>192.0.2.0/24</td>") {
			t.Fatalf("before switching, the CERT's own assets:\n%s", page[strings.Index(page, "<main>"):])
		}
		if code, _, _ := b.do("POST", "/orgs/switch", url.Values{"csrf": {csrf}, "org": {"b"}}); code != 404 {
			t.Fatalf("switching to Bravo, not a child: %d", code)
		}
		if code, _, _ := b.do("POST", "/orgs/switch", url.Values{"csrf": {csrf}, "org": {"a"}}); code != 303 {
			t.Fatalf("switching to Alpha: %d", code)
		}
		_, page, _ = b.do("GET", "/assets", nil)
		if !strings.Contains(page, "<td>192.0.2.0/24</td>") || strings.Contains(page, "<td>AS64496</td>") || strings.Contains(page, "secret-b") {
			t.Fatalf("acting for Alpha:\n%s", page[strings.Index(page, "<main>"):])
		}
		_, page, _ = b.do("GET", "/assets", nil)
		csrf = regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
		if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"managed.alpha.example"}}); code != 303 {
			t.Fatalf("adding for Alpha: %d", code)
		}
		alpha, _ := s.Organisation(ctx, "a")
		if got, _ := s.AssetPage(ctx, store.AssetQuery{OrgID: alpha.ID, Query: "managed"}); len(got) != 1 {
			t.Fatalf("the asset must be Alpha's: %+v", got)
		}
		// Alpha's own administrator cannot act for the CERT.
		ab, acsrf := signedIn(t, pb)
		if code, _, _ := ab.do("POST", "/orgs/switch", url.Values{"csrf": {acsrf}, "org": {"cert"}}); code != 404 {
			t.Fatalf("a child acting for its parent: %d", code)
		}
	})
}
