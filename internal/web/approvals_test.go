package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// ripeSays is RIPE data for the tests: two networks and an AS number.
func ripeSays(a asset.Asset) (registry.Evidence, bool) {
	switch {
	case strings.HasPrefix(a.Value, "93.184.") || strings.HasPrefix(a.Value, "85."):
		return registry.Evidence{Network: "93.184.0.0 - 93.184.255.255", Netname: "ALPHA-NET", OrgName: "ALPHA B.V.", AbuseMailbox: "abuse@alpha.example"}, true
	case strings.HasPrefix(a.Value, "151.101."):
		return registry.Evidence{Network: "151.101.0.0 - 151.101.255.255", Netname: "ELSE-NET", OrgName: "Someone Else Ltd", AbuseMailbox: "abuse@else.example"}, true
	}
	return registry.Evidence{}, false
}

func TestClaimsWaitForProofUnlessRIPEBacksThem(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseClaimPolicy(registry.ClaimPolicy{Evidence: ripeSays}) })
		b, csrf := signedIn(t, pb)
		for _, v := range []string{"93.184.216.0/24", "85.0.0.0/12", "151.101.0.0/24", "AS1103", "www.alpha.example", "@gmail.com"} {
			if code, page, _ := b.send("POST", "/assets", url.Values{"csrf": {csrf}, "value": {v}}); code != 303 || !strings.Contains(page, "1 toegevoegd") {
				t.Fatalf("adding %s: %d\n%s", v, code, page)
			}
		}
		alpha, _ := s.Organisation(ctx, "a")
		// RIPE names Alpha for the /24, but the /12 is wider than the RIPE data alone
		// may prove; everything else waits for proof too, domains included.
		want := map[string]string{"93.184.216.0/24": "registry-backed", "85.0.0.0/12": "pending", "151.101.0.0/24": "pending",
			"AS1103": "pending", "www.alpha.example": "pending", "@gmail.com": "pending"}
		for v, state := range want {
			if got := verification(t, s, alpha.ID, v); got != state {
				t.Errorf("%s: %s, want %s", v, got, state)
			}
		}
		_, page, _ := b.do("GET", "/assets?q=www", nil)
		if !strings.Contains(page, "wacht op bewijs") {
			t.Errorf("the assets page does not say that www.alpha.example waits for proof:\n%s", page)
		}

		// An organisation's user cannot approve; an analyst can.
		if code, _, _ := b.do("POST", "/approvals", url.Values{"csrf": {csrf}, "id": {"1"}, "decision": {"approve"}}); code != 403 {
			t.Fatalf("an organisation approving its own range: %d", code)
		}
		analyst := newBrowser(t, pb.base)
		pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
		_, page, _ = analyst.do("GET", "/approvals", nil)
		acsrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if acsrf == nil {
			t.Fatalf("no CSRF token on the approvals page:\n%s", page)
		}
		for _, text := range []string{"5 wachtend, van 1 organisaties.", "ELSE-NET", "Someone Else Ltd", "abuse@else.example", "niet in de RIPE-gegevens"} {
			if !strings.Contains(page, text) {
				t.Errorf("the approvals page lacks %q:\n%s", text, page)
			}
		}
		_, page, _ = analyst.do("GET", "/approvals?kind=ipv4-prefix&org="+itoa(alpha.ID), nil)
		ids := regexp.MustCompile(`name="id" value="(\d+)"`).FindAllStringSubmatch(page, -1)
		if len(ids) != 2 || strings.Contains(page, "www.alpha.example") {
			t.Fatalf("filtered by kind: want the two pending ranges only:\n%s", page)
		}
		back := "/approvals?kind=ipv4-prefix"
		if code, _, loc := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[0][1]}, "decision": {"approve"}, "back": {back}}); code != 303 || loc != back {
			t.Fatalf("approve: %d to %q", code, loc)
		}
		if code, _, _ := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[1][1]}, "decision": {"reject"}, "back": {"https://evil.example/"}}); code != 303 {
			t.Fatalf("reject: %d", code)
		}
		if code, _, _ := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[0][1]}, "decision": {"approve"}}); code != 404 {
			t.Fatalf("approving what no longer waits: %d", code)
		}
		// The rest of the organisation's domains at once.
		if code, _, _ := analyst.do("POST", "/approvals/bulk", url.Values{"csrf": {acsrf[1]}, "org": {itoa(alpha.ID)}, "kind": {"domain"}, "decision": {"approve"}}); code != 303 {
			t.Fatalf("approve all domains: %d", code)
		}
		all, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
		states := map[string]store.Asset{}
		for _, a := range all {
			states[a.Value] = a
		}
		if states["85.0.0.0/12"].Verification != asset.AnalystApproved || states["151.101.0.0/24"].Value != "" ||
			states["www.alpha.example"].Verification != asset.AnalystApproved || states["@gmail.com"].Verification != asset.Pending {
			t.Fatalf("after approving a range, rejecting one and approving the domains: %v", states)
		}
		if got := states["85.0.0.0/12"]; got.ProofBy != "analyst@cert.example" || got.ProofAt.IsZero() {
			t.Errorf("the approval does not say who approved it when: %+v", got)
		}
		if code, _, _ := b.do("POST", "/approvals/bulk", url.Values{"csrf": {csrf}, "org": {itoa(alpha.ID)}, "decision": {"approve"}}); code != 403 {
			t.Fatalf("an organisation approving all its own claims: %d", code)
		}
		_, page, _ = b.do("GET", "/assets?q=85", nil)
		if !strings.Contains(page, "goedgekeurd door analyst@cert.example op ") {
			t.Errorf("the assets page does not say who approved the range:\n%s", page)
		}
	})
}

func TestWhatNoOrganisationOwnsIsRefused(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		pb := portalSetup(t, s)
		b, csrf := signedIn(t, pb)
		for v, reason := range map[string]string{
			"0.0.0.0/0":       "is adresruimte voor bijzondere doeleinden",
			"10.1.0.0/16":     "(10.0.0.0/8, private-use)",
			"192.0.2.0/24":    "documentation (TEST-NET-1)",
			"127.0.0.1":       "loopback",
			"169.254.1.1":     "link-local",
			"224.0.0.1":       "multicast",
			"2001:db8::/32":   "documentation",
			"fe80::1":         "ligt niet in de globale unicast-adresruimte",
			"::/0":            "ligt niet in de globale unicast-adresruimte",
			"AS64511":         "AS64511 is een AS-nummer voor bijzondere doeleinden (documentation)",
			"AS4200000001":    "private use",
			"co.uk":           "co.uk is een publiek achtervoegsel",
			"*.co.uk":         "publiek achtervoegsel",
			"@github.io":      "github.io is een publiek achtervoegsel",
			"blogspot.com":    "publiek achtervoegsel",
			"100.64.0.0/10":   "carrier-grade NAT",
			"198.18.0.0/15":   "benchmarking",
			"203.0.113.7":     "TEST-NET-3",
			"192.168.10.0/24": "private-use",
		} {
			code, page, _ := b.send("POST", "/assets", url.Values{"csrf": {csrf}, "value": {v}})
			if code != 303 || !strings.Contains(page, reason) || !strings.Contains(page, "0 toegevoegd") {
				t.Errorf("adding %s: %d, want the assets page saying %q:\n%s", v, code, reason, page)
			}
		}
	})
}

func TestClaimLimits(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseClaimPolicy(registry.ClaimPolicy{UnprovenQuota: 3, MaxRows: 5}) })
		b, csrf := signedIn(t, pb)
		code, page := upload(t, b, csrf, "assets.csv", "asset\na1.alpha.example\na2.alpha.example\na3.alpha.example\na4.alpha.example\n")
		if code != 303 || !strings.Contains(page, "regel 5") || !strings.Contains(page, "heeft al 3 systemen die op bewijs wachten") {
			t.Errorf("upload over the quota: %d\n%s", code, page)
		}
		alpha, _ := s.Organisation(ctx, "a")
		if totals, _ := s.PendingTotals(ctx, store.AssetFilter{OrgID: alpha.ID}); len(totals) != 1 || totals[0].Count != 3 {
			t.Errorf("pending after the upload: %v, want 3 domains", totals)
		}
		code, page = upload(t, b, csrf, "assets.csv", "asset\n"+strings.Repeat("93.184.216.1\n", 6))
		if code != 303 || !strings.Contains(page, "meer dan 5 regels") {
			t.Errorf("upload over the row limit: %d\n%s", code, page)
		}
	})
}
