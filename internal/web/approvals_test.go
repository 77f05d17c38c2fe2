package web

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

func TestRangesWaitForAnAnalystUnlessRIPEBacksThem(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		ripe := func(a asset.Asset) (string, bool) {
			if a.Value == "203.0.113.0/24" {
				return "ALPHA B.V.", true // RIPE's spelling of the same organisation
			}
			if a.Value == "198.51.100.0/24" {
				return "Someone Else Ltd", true
			}
			return "", false
		}
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseRIPE(ripe) })
		b, csrf := signedIn(t, pb)
		for _, v := range []string{"203.0.113.0/24", "198.51.100.0/24", "AS64511", "www.alpha.example"} {
			if code, _, _ := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {v}}); code != 303 {
				t.Fatalf("adding %s: %d", v, code)
			}
		}
		alpha, _ := s.Organisation(ctx, "a")
		want := map[string]string{"203.0.113.0/24": "registry-backed", "198.51.100.0/24": "pending", "AS64511": "pending", "www.alpha.example": "unverified"}
		for v, state := range want {
			if got := verification(t, s, alpha.ID, v); got != state {
				t.Errorf("%s: %s, want %s", v, got, state)
			}
		}

		// An organisation's user cannot approve; an analyst can.
		if code, _, _ := b.do("POST", "/approvals", url.Values{"csrf": {csrf}, "id": {"1"}, "decision": {"approve"}}); code != 403 {
			t.Fatalf("an organisation approving its own range: %d", code)
		}
		analyst := newBrowser(t, pb.base)
		pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
		_, page, _ := analyst.do("GET", "/approvals", nil)
		acsrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		ids := regexp.MustCompile(`name="id" value="(\d+)"`).FindAllStringSubmatch(page, -1)
		if acsrf == nil || len(ids) != 2 {
			t.Fatalf("approvals page (want the two pending ones):\n%s", page)
		}
		if code, _, _ := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[0][1]}, "decision": {"approve"}}); code != 303 {
			t.Fatalf("approve: %d", code)
		}
		if code, _, _ := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[1][1]}, "decision": {"reject"}}); code != 303 {
			t.Fatalf("reject: %d", code)
		}
		all, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
		states := map[string]string{}
		for _, a := range all {
			states[a.Value] = string(a.Verification)
		}
		if states["198.51.100.0/24"] != "analyst-approved" || states["AS64511"] != "" {
			t.Fatalf("after approving the range and rejecting the AS number: %v", states)
		}
		if code, _, _ := analyst.do("POST", "/approvals", url.Values{"csrf": {acsrf[1]}, "id": {ids[0][1]}, "decision": {"approve"}}); code != 404 {
			t.Fatalf("approving what no longer waits: %d", code)
		}
	})
}
