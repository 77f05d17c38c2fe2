package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// importAll runs one whole import.
func importAll(t *testing.T, s store.Store, assets []store.AssetInput, c store.ImportCommit) (store.ImportResult, error) {
	t.Helper()
	ctx := context.Background()
	im, err := s.BeginRegistryImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	if err := im.StageAssets(ctx, assets); err != nil {
		t.Fatal(err)
	}
	if c.Now.IsZero() {
		c.Now = t0
	}
	return im.Commit(ctx, c)
}

func assetIn(ref, value string) store.AssetInput {
	a, err := asset.Parse(value)
	if err != nil {
		panic(err)
	}
	return store.AssetInput{OrgRef: ref, Kind: a.Kind, Value: a.Value, Verification: asset.Unverified, Provenance: "test"}
}

func TestRegistryImport(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		orgs := []store.OrgInput{
			{Ref: "cert", Name: "Sector CERT", Sector: "insurance"},
			{Ref: "100", Name: "Acme B.V.", Sector: "retail", ParentRef: "cert"},
		}
		assets := []store.AssetInput{
			assetIn("100", "192.0.2.0/24"), assetIn("100", "example.nl"), assetIn("100", "*.example.nl"),
			assetIn("100", "example.nl"), // a duplicate in the file
			assetIn("cert", "AS64496"),
		}
		contacts := []store.ContactInput{{OrgRef: "100", Email: "soc@example.nl", Role: "security", Language: "nl"}}
		res, err := importAll(t, s, assets, store.ImportCommit{Organisations: orgs, Contacts: contacts})
		if err != nil {
			t.Fatal(err)
		}
		want := store.ImportResult{OrganisationsAdded: 2, ContactsAdded: 1, AssetsAdded: 4, AssetsUnchanged: 1}
		if res != want {
			t.Fatalf("first import: %+v, want %+v", res, want)
		}

		res, err = importAll(t, s, assets, store.ImportCommit{Organisations: orgs, Contacts: contacts})
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.ImportResult{AssetsUnchanged: 5}); res != want {
			t.Fatalf("second import changed something: %+v", res)
		}

		o, err := s.Organisation(ctx, "100")
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "Acme B.V." || o.ParentRef != "cert" || o.Sector != "retail" || !o.CreatedAt.Equal(t0) {
			t.Fatalf("organisation: %+v", o)
		}
		children, err := s.Organisations(ctx, store.OrgFilter{ParentRef: "cert"})
		if err != nil || len(children) != 1 || children[0].Ref != "100" {
			t.Fatalf("children of cert: %+v, %v", children, err)
		}
		cs, err := s.Contacts(ctx, o.ID)
		if err != nil || len(cs) != 1 || cs[0].Email != "soc@example.nl" || cs[0].Language != "nl" {
			t.Fatalf("contacts: %+v, %v", cs, err)
		}
		got, err := s.Assets(ctx, store.AssetFilter{OrgID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		var values []string
		for _, a := range got {
			values = append(values, string(a.Kind)+" "+a.Value+" "+string(a.Verification))
		}
		sort.Strings(values)
		if strings.Join(values, "|") != "domain example.nl unverified|domain-tree *.example.nl unverified|ipv4-prefix 192.0.2.0/24 unverified" {
			t.Fatalf("assets: %v", values)
		}
		counts, err := s.AssetCounts(ctx, o.ID)
		if err != nil || len(counts) != 3 {
			t.Fatalf("counts: %+v, %v", counts, err)
		}
		if byID, err := s.OrganisationByID(ctx, o.ID); err != nil || byID != o {
			t.Fatalf("by id: %+v, %v", byID, err)
		}
		if _, err := s.OrganisationByID(ctx, o.ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		if _, err := s.Organisation(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown organisation: %v, want ErrNotFound", err)
		}
	})
}

func TestRegistryImportReplace(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		orgs := []store.OrgInput{{Ref: "a", Name: "A"}, {Ref: "b", Name: "B"}}
		first := []store.AssetInput{assetIn("a", "a.example"), assetIn("a", "192.0.2.1"), assetIn("b", "b.example")}
		if _, err := importAll(t, s, first, store.ImportCommit{Organisations: orgs}); err != nil {
			t.Fatal(err)
		}
		second := []store.AssetInput{assetIn("a", "a.example"), assetIn("a", "2001:db8::/32")}
		res, err := importAll(t, s, second, store.ImportCommit{Organisations: orgs[:1], ReplaceOrgRefs: []string{"a"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.AssetsAdded != 1 || res.AssetsRemoved != 1 || res.AssetsUnchanged != 1 {
			t.Fatalf("replace: %+v", res)
		}
		all, err := s.Assets(ctx, store.AssetFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var values []string
		for _, a := range all {
			values = append(values, a.Value)
		}
		sort.Strings(values)
		if got := strings.Join(values, " "); got != "2001:db8::/32 a.example b.example" {
			t.Fatalf("after replace: %s (b's asset must stay)", got)
		}
	})
}

func TestRegistryImportParents(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		_, err := importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "x", Name: "X", ParentRef: "missing"}}})
		if err == nil || !strings.Contains(err.Error(), `parent "missing" does not exist`) {
			t.Fatalf("unknown parent: %v", err)
		}
		if _, err := importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "p", Name: "P"}, {Ref: "c", Name: "C", ParentRef: "p"}}}); err != nil {
			t.Fatal(err)
		}
		_, err = importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "p", Name: "P", ParentRef: "c"}}})
		if err == nil || !strings.Contains(err.Error(), "loop") {
			t.Fatalf("parent loop: %v", err)
		}
		orgs, err := s.Organisations(context.Background(), store.OrgFilter{})
		if err != nil || len(orgs) != 2 {
			t.Fatalf("a failed import must change nothing: %+v, %v", orgs, err)
		}
	})
}

func TestRegistryImportJobsInSameTransaction(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		job := store.JobInput{Kind: "registry.changed"}
		if _, err := importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "x", Name: "X", ParentRef: "missing"}}, Jobs: []store.JobInput{job}}); err == nil {
			t.Fatal("want an error")
		}
		jobs, _ := s.Jobs(ctx, store.JobFilter{})
		if len(jobs) != 0 {
			t.Fatalf("a failed import left %d jobs", len(jobs))
		}
		if _, err := importAll(t, s, []store.AssetInput{assetIn("y", "y.example")}, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "y", Name: "Y"}}, Jobs: []store.JobInput{job}}); err != nil {
			t.Fatal(err)
		}
		jobs, _ = s.Jobs(ctx, store.JobFilter{Kind: "registry.changed"})
		if len(jobs) != 1 {
			t.Fatalf("jobs after import: %d, want 1", len(jobs))
		}
	})
}

func TestAssetsPagination(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var in []store.AssetInput
		for i := range 250 {
			in = append(in, assetIn("p", fmt.Sprintf("10.%d.%d.0/24", i/256, i%256)))
		}
		if _, err := importAll(t, s, in, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "p", Name: "P"}}}); err != nil {
			t.Fatal(err)
		}
		var seen int
		var after int64
		for {
			page, err := s.Assets(ctx, store.AssetFilter{Kind: asset.IPv4Prefix, AfterID: after, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen += len(page)
			after = page[len(page)-1].ID
		}
		if seen != 250 {
			t.Fatalf("paged through %d assets, want 250", seen)
		}
	})
}

func TestAssetPageAndDelete(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var in []store.AssetInput
		for i := range 30 {
			in = append(in, assetIn("a", fmt.Sprintf("host%02d.a.example", i)))
		}
		in = append(in, assetIn("a", "192.0.2.0/24"), assetIn("b", "host01.b.example"))
		importAll(t, s, in, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}, {Ref: "b", Name: "B"}}})
		a, _ := s.Organisation(ctx, "a")
		b, _ := s.Organisation(ctx, "b")
		var seen []string
		q := store.AssetQuery{OrgID: a.ID, Limit: 7}
		for {
			page, err := s.AssetPage(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, x := range page {
				if x.OrgID != a.ID {
					t.Fatalf("another organisation's asset in the page: %+v", x)
				}
				seen = append(seen, x.Value)
			}
			last := page[len(page)-1]
			q.AfterKind, q.AfterValue = last.Kind, last.Value
		}
		if len(seen) != 31 || seen[0] != "host00.a.example" || seen[30] != "192.0.2.0/24" {
			t.Fatalf("pages: %d %v", len(seen), seen)
		}
		found, _ := s.AssetPage(ctx, store.AssetQuery{OrgID: a.ID, Query: "host1", Limit: 100})
		if len(found) != 10 {
			t.Fatalf("search host1: %d", len(found))
		}
		v0, _ := s.Version(ctx, "registry")
		if err := s.DeleteAsset(ctx, b.ID, found[0].ID, store.AuditEntry{Action: "asset.delete"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleting another organisation's asset: %v", err)
		}
		if err := s.DeleteAsset(ctx, a.ID, found[0].ID, store.AuditEntry{OrgID: a.ID, Action: "asset.delete"}); err != nil {
			t.Fatal(err)
		}
		if v1, _ := s.Version(ctx, "registry"); v1 <= v0 {
			t.Fatal("deleting an asset must bump the registry version")
		}
		if left, _ := s.AssetPage(ctx, store.AssetQuery{OrgID: a.ID, Query: "host1"}); len(left) != 9 {
			t.Fatalf("after delete: %d", len(left))
		}
	})
}
