package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func stixIn(org int64, id string, version time.Time) store.STIXObjectInput {
	typ := id[:len(id)-len("--00000000-0000-4000-8000-000000000001")]
	return store.STIXObjectInput{OrgID: org, ID: id, Type: typ, SpecVersion: "2.1", Version: version,
		JSON: fmt.Appendf(nil, `{"type":%q,"id":%q,"modified":%q}`, typ, id, version.Format(time.RFC3339Nano))}
}

func objectID(typ string, n int) string {
	return fmt.Sprintf("%s--00000000-0000-4000-8000-%012d", typ, n)
}

// ids names a page's objects: "id@version-offset".
func ids(objs []store.STIXObject) []string {
	var out []string
	for _, o := range objs {
		out = append(out, fmt.Sprintf("%s@%d", o.ID[len(o.ID)-2:], o.Version.Sub(t0)/time.Second))
	}
	return out
}

func TestSTIXObjects(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a, b := twoOrgs(t, s)
		ind1, ind2, rep := objectID("indicator", 1), objectID("indicator", 2), objectID("report", 3)
		n, err := s.AddSTIXObjects(ctx, []store.STIXObjectInput{stixIn(a, ind1, t0), stixIn(a, ind2, t0), stixIn(b, rep, t0)}, t0)
		if err != nil || n != 3 {
			t.Fatalf("add: %d %v", n, err)
		}
		// The same id and version again is a no-op; a new version is added.
		later := t0.Add(time.Hour)
		if n, err := s.AddSTIXObjects(ctx, []store.STIXObjectInput{stixIn(a, ind1, t0), stixIn(a, ind1, t0.Add(time.Second))}, later); err != nil || n != 1 {
			t.Fatalf("add again: %d %v", n, err)
		}
		page := func(q store.STIXQuery) []string {
			t.Helper()
			objs, err := s.STIXObjects(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return ids(objs)
		}
		all := store.VersionFilter{All: true}
		for _, c := range []struct {
			name string
			q    store.STIXQuery
			want string
		}{
			{"every version of a", store.STIXQuery{OrgID: a, Versions: all}, "[01@0 02@0 01@1]"},
			{"latest", store.STIXQuery{OrgID: a, Versions: store.VersionFilter{Latest: true}}, "[02@0 01@1]"},
			{"first", store.STIXQuery{OrgID: a, Versions: store.VersionFilter{First: true}}, "[01@0 02@0]"},
			{"a time", store.STIXQuery{OrgID: a, Versions: store.VersionFilter{At: []time.Time{t0.Add(time.Second)}}}, "[01@1]"},
			{"none", store.STIXQuery{OrgID: a}, "[]"},
			{"b's", store.STIXQuery{OrgID: b, Versions: all}, "[03@0]"},
			{"public", store.STIXQuery{OrgID: store.PublicCollection, Versions: all}, "[]"},
			{"added after (exclusive)", store.STIXQuery{OrgID: a, Versions: all, AddedAfter: t0}, "[01@1]"},
			{"ids", store.STIXQuery{OrgID: a, Versions: all, IDs: []string{ind2, rep}}, "[02@0]"},
			{"types", store.STIXQuery{OrgID: b, Versions: all, Types: []string{"indicator", "report"}}, "[03@0]"},
			{"spec versions", store.STIXQuery{OrgID: a, Versions: all, SpecVersions: []string{"2.0"}}, "[]"},
			{"limit", store.STIXQuery{OrgID: a, Versions: all, Limit: 2}, "[01@0 02@0]"},
		} {
			if got := fmt.Sprint(page(c.q)); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		// The keyset cursor continues after the last object of a page, within the same
		// date_added too.
		first, _ := s.STIXObjects(ctx, store.STIXQuery{OrgID: a, Versions: all, Limit: 1, WithJSON: true})
		if len(first) != 1 || len(first[0].JSON) == 0 || !first[0].DateAdded.Equal(t0) {
			t.Fatalf("first page: %+v", first)
		}
		rest := page(store.STIXQuery{OrgID: a, Versions: all, AfterAdded: first[0].DateAdded, AfterSeq: first[0].Seq})
		if fmt.Sprint(rest) != "[02@0 01@1]" {
			t.Fatalf("after the first: %v", rest)
		}
		if objs, _ := s.STIXObjects(ctx, store.STIXQuery{OrgID: a, Versions: all}); objs[0].JSON != nil {
			t.Fatal("JSON without asking for it")
		}
	})
}

func TestPublishSTIX(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a, _ := twoOrgs(t, s)
		err := s.CreateNotifications(ctx, []store.NotificationInput{{Ticket: "20261101-00000001", Recipient: "org:1", OrgID: a, Email: "soc@a.example",
			Language: "nl", Subject: "s", MessageID: "<1@b>", Message: []byte("m"), VerifyCode: "ABCD", FeedbackToken: "tok", Now: t0}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		ns, err := s.Notifications(ctx, store.NotificationFilter{OrgID: a})
		if err != nil || len(ns) != 1 {
			t.Fatalf("notifications: %+v %v", ns, err)
		}
		objs := []store.STIXObjectInput{stixIn(a, objectID("indicator", 1), t0), stixIn(a, objectID("report", 2), t0)}
		for i, want := range []int{2, 0} {
			if n, err := s.PublishSTIX(ctx, ns[0].ID, "taxii", objs, t0); err != nil || n != want {
				t.Fatalf("publish %d: %d %v", i, n, err)
			}
		}
		pubs, err := s.Publications(ctx, ns[0].ID)
		if err != nil || len(pubs) != 1 || pubs[0].Channel != "taxii" || pubs[0].Objects != 2 || pubs[0].Attempts != 2 || !pubs[0].PublishedAt.Equal(t0) {
			t.Fatalf("publications: %+v %v", pubs, err)
		}
	})
}
