package stix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/baken-cert/baken/internal/event"
)

// obj is one STIX object or one of its parts; encoding/json writes its keys sorted.
type obj = map[string]any

// identityCreated is the "created" of every identity: a party has no date of its own,
// and every version of an identity must keep the same one.
var identityCreated = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// builder collects the objects of one notification.
type builder struct {
	n                 Notification
	created, modified string // n's, as timestamps
	marking           string // the marking definition of everything n says
	cert, org         string // the identities' ids
	objs              map[string]obj
	versions          map[string]time.Time // Object.Modified by id
}

func newBuilder(n Notification) *builder {
	b := &builder{
		n:        n,
		created:  timestamp(n.Created),
		modified: timestamp(n.Modified),
		marking:  tlpMarkings[notificationTLP(n)],
		objs:     map[string]obj{},
		versions: map[string]time.Time{},
	}
	b.cert = partyID(n.CERT.Key)
	b.org = partyID(n.Org.Key)
	return b
}

// id is the id of the object of type typ that parts name within the notification.
func (b *builder) id(typ string, parts ...string) string {
	name := "n\x00" + b.n.Key + "\x00" + typ + "\x00" + strings.Join(parts, "\x00")
	return typ + "--" + uuid.NewSHA1(namespace, []byte(name)).String()
}

// partyID is the id of the identity of the party with key, the same in every notification.
func partyID(key string) string {
	return "identity--" + uuid.NewSHA1(namespace, []byte("p\x00"+key)).String()
}

// add keeps o, versioned at version; an object added twice is kept once.
func (b *builder) add(o obj, version time.Time) string {
	id := o["id"].(string)
	b.objs[id] = o
	b.versions[id] = stamp(version)
	return id
}

// sdo starts a domain or relationship object made by the CERT, of this version of n.
func (b *builder) sdo(typ, id string) obj {
	return obj{
		"type": typ, "spec_version": "2.1", "id": id,
		"created": b.created, "modified": b.modified,
		"created_by_ref":      b.cert,
		"object_marking_refs": []string{b.marking},
	}
}

// addSDO adds o, versioned at n's Modified.
func (b *builder) addSDO(o obj) string { return b.add(o, b.n.Modified) }

// relate adds the relationship source --kind--> target.
func (b *builder) relate(source, kind, target string) {
	r := b.sdo("relationship", b.id("relationship", source, kind, target))
	r["relationship_type"], r["source_ref"], r["target_ref"] = kind, source, target
	b.addSDO(r)
}

// build makes every object of n.
func (b *builder) build() {
	for _, t := range []event.TLP{event.TLPClear, event.TLPGreen, event.TLPAmber, event.TLPAmberStrict, event.TLPRed} {
		b.add(markingDefinition(t), tlpCreated)
	}
	b.identities()
	findings := groupFindings(b.n.Events)
	for _, f := range findings {
		b.finding(f)
	}
	b.malware(findings)
	b.courses(findings)
	report := b.report(findings)
	b.notes(report)
	b.opinions(report)
}

// identities adds the CERT's identity, which anyone may see, and the organisation's.
// An identity's version is the notification's, so that a new name follows the next one.
func (b *builder) identities() {
	version := b.n.Modified
	if version.Before(identityCreated) {
		version = identityCreated
	}
	for _, p := range []struct {
		party   Party
		id      string
		marking string
	}{{b.n.CERT, b.cert, tlpMarkings[event.TLPClear]}, {b.n.Org, b.org, b.marking}} {
		name := clean(p.party.Name)
		if name == "" {
			name = clean(p.party.Key)
		}
		o := obj{
			"type": "identity", "spec_version": "2.1", "id": p.id,
			"created": timestamp(identityCreated), "modified": timestamp(version),
			"name": name, "identity_class": "organization",
			"object_marking_refs": []string{p.marking},
		}
		if p.id != b.cert {
			o["created_by_ref"] = b.cert
		}
		b.add(o, version)
	}
}

// objects serialises the objects, sorted by kind and then id.
func (b *builder) objects() ([]Object, error) {
	out := make([]Object, 0, len(b.objs))
	for id, o := range b.objs {
		data, err := marshal(o)
		if err != nil {
			return nil, fmt.Errorf("stix: %s: %w", id, err)
		}
		out = append(out, Object{ID: id, Type: o["type"].(string), Modified: b.versions[id], JSON: data})
	}
	slices.SortFunc(out, func(x, y Object) int {
		if c := rank(x.Type) - rank(y.Type); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out, nil
}

// typeOrder is the order of kinds in Objects' result: what a reader wants first.
var typeOrder = []string{
	"marking-definition", "identity", "report", "note", "opinion", "course-of-action",
	"observed-data", "infrastructure", "vulnerability", "malware", "sighting", "relationship",
}

func rank(typ string) int {
	if i := slices.Index(typeOrder, typ); i >= 0 {
		return i
	}
	return len(typeOrder) // observables last
}

// marshal writes v as compact JSON with sorted keys, and without escaping <, > and &,
// which STIX text may hold.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Bundle wraps objects in a STIX bundle (for exports), in the order given. The bundle's
// id is made of its objects' ids and versions, so that the same objects give the same
// bundle.
func Bundle(objs []Object) ([]byte, error) {
	var name strings.Builder
	name.WriteString("bundle")
	raw := make([]json.RawMessage, len(objs))
	for i, o := range objs {
		if !json.Valid(o.JSON) {
			return nil, fmt.Errorf("stix: bundle: object %s is not JSON", o.ID)
		}
		raw[i] = o.JSON
		name.WriteString("\x00" + o.ID + "\x00" + timestamp(o.Modified))
	}
	return marshal(obj{
		"type":    "bundle",
		"id":      "bundle--" + uuid.NewSHA1(namespace, []byte(name.String())).String(),
		"objects": raw,
	})
}
