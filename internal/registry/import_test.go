package registry

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

const goodAndBad = `organisation,org_ref,asset,contact_email,language,sector,parent
Sector CERT,cert,AS64496,soc@cert.example,en,insurance,
Acme B.V.,100,192.0.2.0/24,security@acme.example,nl,retail,cert
Acme B.V.,100,192.0.2.1/24,,,,
Acme B.V.,100,*.Acme.Example.,,,,
Acme B.V.,100,@acme.example,,,,
Acme B.V.,100,2001:DB8::/32,,,,
,200,example.org,,,,
Other,300,not a domain!,,,,
Other,300,,not-an-email,,,
Acme Corp,100,acme.example,,,,
Other,300,other.example,x@other.example,de,,
Bücher GmbH,400,bücher.example,,,,
`

func TestImportCSV(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := New(s)
		rep, err := svc.Import(ctx, strings.NewReader(goodAndBad), ImportOptions{Format: CSV, Source: "members.csv"})
		if err != nil {
			t.Fatal(err)
		}
		wantRejected := map[int]string{
			4:  "host bits set; did you mean 192.0.2.0/24?",
			8:  "the organisation is empty",
			9:  `domain "not a domain!"`,
			10: `contact_email "not-an-email" is not an e-mail address`,
			11: `organisation "100" is called "Acme B.V." on line 3`,
			12: `language "de": want nl or en`,
		}
		if len(rep.Rejected) != len(wantRejected) {
			t.Fatalf("rejected %+v, want lines %v", rep.Rejected, wantRejected)
		}
		for _, r := range rep.Rejected {
			if !strings.Contains(r.Reason, wantRejected[r.Line]) || wantRejected[r.Line] == "" {
				t.Errorf("line %d: reason %q, want it to say %q", r.Line, r.Reason, wantRejected[r.Line])
			}
		}
		if rep.Rows != 12 || rep.AssetsAdded != 6 || rep.OrganisationsAdded != 3 || rep.ContactsAdded != 2 {
			t.Fatalf("report %+v", rep)
		}
		acme, err := s.Organisation(ctx, "100")
		if err != nil || acme.ParentRef != "cert" {
			t.Fatalf("acme: %+v, %v", acme, err)
		}
		assets, _ := s.Assets(ctx, store.AssetFilter{OrgID: acme.ID})
		var values []string
		for _, a := range assets {
			values = append(values, a.Value)
			if a.Provenance != "import:members.csv" {
				t.Errorf("provenance %q", a.Provenance)
			}
		}
		sort.Strings(values)
		if got := strings.Join(values, " "); got != "*.acme.example 192.0.2.0/24 2001:db8::/32 @acme.example" {
			t.Fatalf("acme's assets: %s", got)
		}
		bucher, _ := s.Organisation(ctx, "400")
		assets, _ = s.Assets(ctx, store.AssetFilter{OrgID: bucher.ID})
		if len(assets) != 1 || assets[0].Value != "xn--bcher-kva.example" {
			t.Fatalf("IDNA: %+v", assets)
		}

		again, err := svc.Import(ctx, strings.NewReader(goodAndBad), ImportOptions{Format: CSV, Source: "members.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if again.AssetsAdded != 0 || again.OrganisationsAdded != 0 || again.OrganisationsUpdated != 0 || again.ContactsAdded != 0 || again.AssetsUnchanged != 6 {
			t.Fatalf("a second import changed something: %+v", again)
		}
	})
}

func TestImportReplaceKeepsOrganisationsWithBadRows(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := New(s)
		first := "organisation,asset\nA,a1.example\nA,a2.example\nB,b1.example\nB,b2.example\n"
		if _, err := svc.Import(ctx, strings.NewReader(first), ImportOptions{Format: CSV}); err != nil {
			t.Fatal(err)
		}
		second := "organisation,asset\nA,a1.example\nB,b1.example\nB,b2..example\n"
		rep, err := svc.Import(ctx, strings.NewReader(second), ImportOptions{Format: CSV, Replace: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.AssetsRemoved != 1 || len(rep.NotReplaced) != 1 || rep.NotReplaced[0] != "B" {
			t.Fatalf("report %+v: want a2 removed and B left alone", rep)
		}
		all, _ := s.Assets(ctx, store.AssetFilter{})
		if len(all) != 3 {
			t.Fatalf("assets after replace: %+v", all)
		}
	})
}

func TestImportJSONLines(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		in := `{"organisation":"A","org_ref":"a","asset":"198.51.100.7","contact_email":"Abuse@A.Example","language":"en"}

{"organisation":"A","org_ref":"a","asset":"AS64500"}
{"organisation":"A","asset":7}
not json
`
		rep, err := New(s).Import(context.Background(), strings.NewReader(in), ImportOptions{Format: JSONL})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 4 || rep.AssetsAdded != 2 || rep.ContactsAdded != 1 || len(rep.Rejected) != 2 ||
			rep.Rejected[0].Line != 4 || rep.Rejected[1].Line != 5 {
			t.Fatalf("report %+v", rep)
		}
		a, _ := s.Organisation(context.Background(), "a")
		cs, _ := s.Contacts(context.Background(), a.ID)
		if len(cs) != 1 || cs[0].Email != "Abuse@a.example" || cs[0].Language != "en" {
			t.Fatalf("contacts %+v", cs)
		}
	})
}

func TestImportUnknownParent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		in := "organisation,asset,parent\nA,a.example,ghost\n"
		rep, err := New(s).Import(context.Background(), strings.NewReader(in), ImportOptions{Format: CSV})
		if err != nil {
			t.Fatal(err)
		}
		// The row is imported, without its parent: a warning, not a rejected row.
		if len(rep.Rejected) != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, `parent "ghost" is not a known organisation`) || rep.AssetsAdded != 1 {
			t.Fatalf("report %+v", rep)
		}
	})
}

func TestImportBadHeader(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	for _, in := range []string{"", "name,value\nA,b.example\n", "organisation,asset,asset\n"} {
		if _, err := New(s).Import(context.Background(), strings.NewReader(in), ImportOptions{Format: CSV}); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
}

func TestImportForOneOrganisation(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	New(s).Import(ctx, strings.NewReader("organisation,org_ref,asset\nA,a,a.example\nB,b,b.example\n"), ImportOptions{Format: CSV})
	in := "asset,org_ref,parent\nnew.a.example,,\n198.51.100.0/24,a,\nsteal.example,b,\nx.a.example,,b\n"
	rep, err := New(s).Import(ctx, strings.NewReader(in), ImportOptions{Format: CSV, Org: &store.OrgInput{Ref: "a", Name: "A"}, Source: "portal"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.AssetsAdded != 2 || len(rep.Rejected) != 2 || !strings.Contains(rep.Rejected[0].Reason, "another organisation") || !strings.Contains(rep.Rejected[1].Reason, "parent") {
		t.Fatalf("report %+v", rep)
	}
	b, _ := s.Organisation(ctx, "b")
	if assets, _ := s.Assets(ctx, store.AssetFilter{OrgID: b.ID}); len(assets) != 1 {
		t.Fatalf("B's assets changed: %+v", assets)
	}
}
