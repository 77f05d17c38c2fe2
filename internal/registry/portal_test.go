package registry

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestPrincipals: contacts and assets of an organisation are reached only by its own
// principals (and its intermediary's), each with the scope of what it does.
func TestPrincipals(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, "sqlite")
	r := New(s)
	if _, err := r.Import(ctx, strings.NewReader("organisation,org_ref,parent,asset,contact_email\nParent,p,,192.0.2.0/24,soc@p.example\nChild,c,p,c.example,soc@c.example\nOther,o,,o.example,soc@o.example\n"),
		ImportOptions{Format: CSV}); err != nil {
		t.Fatal(err)
	}
	orgs := map[string]int64{}
	for _, ref := range []string{"p", "c", "o"} {
		o, _ := s.Organisation(ctx, ref)
		orgs[ref] = o.ID
	}
	reader := account.Principal{TokenID: 1, Name: "feed", OrgID: orgs["p"], Scopes: []string{account.ScopeAssetsRead, account.ScopeContactsRead}}
	writer := account.Principal{TokenID: 2, Name: "sync", OrgID: orgs["p"], Scopes: []string{account.ScopeContactsWrite, account.ScopeAssetsWrite}}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"own contacts", second(r.Contacts(ctx, reader, orgs["p"])), nil},
		{"a child's contacts", second(r.Contacts(ctx, reader, orgs["c"])), nil},
		{"another's contacts", second(r.Contacts(ctx, reader, orgs["o"])), store.ErrNotFound},
		{"contacts without the scope", second(r.Contacts(ctx, writer, orgs["p"])), account.ErrForbidden},
		{"adding without the scope", second(r.AddContact(ctx, reader, orgs["p"], "x@p.example", "nl")), account.ErrForbidden},
		{"adding to another", second(r.AddContact(ctx, writer, orgs["o"], "x@o.example", "nl")), store.ErrNotFound},
		{"adding a non-address", second(r.AddContact(ctx, writer, orgs["p"], "x", "nl")), ErrNotAnAddress},
		{"adding", second(r.AddContact(ctx, writer, orgs["c"], "noc@c.example", "en")), nil},
		{"assets of another", second(r.AssetPage(ctx, reader, store.AssetQuery{OrgID: orgs["o"], Limit: 10})), store.ErrNotFound},
		{"an aggregation", r.SetAggregation(ctx, writer, orgs["p"], "weekly"), ErrUnknownAggregation},
		{"another's aggregation", r.SetAggregation(ctx, writer, orgs["o"], "daily"), store.ErrNotFound},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	// Removing: another's asset is not found, the last working address asks first.
	other, _ := s.AssetPage(ctx, store.AssetQuery{OrgID: orgs["o"], Limit: 1})
	if _, err := r.RemoveAsset(ctx, writer, orgs["p"], other[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removing another's asset: %v", err)
	}
	cs, _ := s.Contacts(ctx, orgs["p"])
	if _, none, err := r.RemoveContact(ctx, writer, orgs["p"], cs[0].ID, false); !errors.Is(err, ErrLastAddress) || !none {
		t.Fatalf("the last address: %v %v", none, err)
	}
	if c, none, err := r.RemoveContact(ctx, writer, orgs["p"], cs[0].ID, true); err != nil || !none || c.Email != "soc@p.example" {
		t.Fatalf("the last address, confirmed: %+v %v %v", c, none, err)
	}
	log, _ := s.AuditLog(ctx, orgs["p"], 1)
	if len(log) != 1 || log[0].Action != "contact.remove" || log[0].Detail != "soc@p.example (by API token sync)" || log[0].At.After(time.Now()) {
		t.Fatalf("audit: %+v", log)
	}
}

func second[T any](_ T, err error) error { return err }
