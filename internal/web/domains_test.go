package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
	"github.com/baken-cert/baken/internal/verify"
	"github.com/baken-cert/baken/internal/verify/dnstest"
)

func TestDomainVerification(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		dnsSrv := dnstest.Start(t)
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseResolver(verify.NewResolver(dnsSrv.Addr())) })
		b, csrf := signedIn(t, pb)
		if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"*.alpha.example"}}); code != 303 {
			t.Fatalf("add: %d", code)
		}
		code, page, _ := b.send("POST", "/domains/check", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}, "start": {"1"}})
		token := regexp.MustCompile(`_baken-challenge\.alpha\.example\. TXT (?:"|&#34;)(baken-verify=[a-z2-7]+)`).FindStringSubmatch(page)
		if code != 303 || token == nil {
			t.Fatalf("start: %d\n%s", code, page)
		}
		if code, page, _ := b.send("POST", "/domains/check", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}}); code != 303 || !strings.Contains(page, "nog geen TXT-record met de code") {
			t.Fatalf("before publishing: %d\n%s", code, page)
		}
		dnsSrv.SetTXT("_baken-challenge.alpha.example", token[1])
		if code, page, _ := b.send("POST", "/domains/check", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}}); code != 303 || !strings.Contains(page, "het TXT-record bevat de code") || !strings.Contains(page, "<td>bewezen: ") {
			t.Fatalf("after publishing: %d\n%s", code, page)
		}
		alpha, _ := s.Organisation(ctx, "a")
		if got := verification(t, s, alpha.ID, "*.alpha.example"); got != "dns-verified" {
			t.Fatalf("the domain's asset is %s, want dns-verified", got)
		}
		dnsSrv.SetTXT("_baken-challenge.alpha.example", "")
		if err := pb.registry(s).RecheckDomains(ctx, verify.NewResolver(dnsSrv.Addr())); err != nil {
			t.Fatal(err)
		}
		// RecheckDomains only rechecks what was last checked over an hour ago; a check
		// on request sees the record gone at once.
		b.do("POST", "/domains/check", url.Values{"csrf": {csrf}, "domain": {"alpha.example"}})
		if got := verification(t, s, alpha.ID, "*.alpha.example"); got != "lapsed" {
			t.Fatalf("after the record went: %s, want lapsed", got)
		}
		for _, d := range []string{"bravo.example", "secret-b.example", "unknown.example"} {
			if code, _, _ := b.do("POST", "/domains/check", url.Values{"csrf": {csrf}, "domain": {d}}); code != 404 {
				t.Errorf("checking %s, not Alpha's: %d", d, code)
			}
		}
	})
}

func verification(t *testing.T, s store.Store, orgID int64, value string) string {
	assets, err := s.Assets(context.Background(), store.AssetFilter{OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assets {
		if a.Value == value {
			return string(a.Verification)
		}
	}
	t.Fatalf("no asset %s", value)
	return ""
}
