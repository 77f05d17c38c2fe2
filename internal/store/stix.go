package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// STIXStore keeps the STIX objects that TAXII serves: a collection per organisation
// (PublicCollection for what names none), each object in every version it was
// published in, as the JSON it was published as.
type STIXStore interface {
	// AddSTIXObjects adds objects to their collections, stamped as added at now; an
	// object already there in the same version is left as it is (adding is idempotent).
	// It returns how many it added.
	AddSTIXObjects(ctx context.Context, objects []STIXObjectInput, now time.Time) (int, error)
	// PublishSTIX is AddSTIXObjects for a notification published on channel ("taxii"),
	// recording the publication in the same transaction.
	PublishSTIX(ctx context.Context, notificationID int64, channel string, objects []STIXObjectInput, now time.Time) (int, error)
	// Unpublished lists, oldest first, up to limit notifications to an organisation that
	// left for it (neither held nor rejected) and are not published on channel yet.
	Unpublished(ctx context.Context, channel string, limit int) ([]Notification, error)
	// Publications lists a notification's publications, by channel.
	Publications(ctx context.Context, notificationID int64) ([]Publication, error)
	// STIXObjects returns a page of one collection's objects in (DateAdded, Seq) order,
	// in one query: at most q.Limit of them.
	STIXObjects(ctx context.Context, q STIXQuery) ([]STIXObject, error)
}

// PublicCollection is the collection of what names no organisation (general alerts).
const PublicCollection int64 = 0

// STIXObjectInput is one version of a STIX object for a collection.
type STIXObjectInput struct {
	OrgID       int64 // the collection; PublicCollection for the public one
	ID          string
	Type        string
	SpecVersion string
	Version     time.Time // modified, else created; kept to the microsecond
	JSON        []byte
}

// STIXObject is one stored version of a STIX object.
type STIXObject struct {
	Seq         int64 // the order of adding, which breaks ties of DateAdded
	OrgID       int64
	ID          string
	Type        string
	SpecVersion string
	Version     time.Time
	DateAdded   time.Time
	JSON        []byte // nil unless the query asked for it
}

// STIXQuery selects a page of a collection. The empty filters select everything; each
// filter of several values keeps what matches any of them.
type STIXQuery struct {
	OrgID        int64
	AddedAfter   time.Time // only objects added after it (exclusive); zero: all
	IDs          []string
	Types        []string
	SpecVersions []string
	Versions     VersionFilter
	// After is the last object of the previous page: the page starts after it.
	AfterAdded time.Time
	AfterSeq   int64
	Limit      int
	WithJSON   bool // the manifest does without
}

// VersionFilter selects versions of each object: any of the latest, the first, those
// of the times At; All selects every version, the zero value none (callers default
// to Latest, as TAXII does).
type VersionFilter struct {
	All, Latest, First bool
	At                 []time.Time
}

// Publication is a notification published on a channel other than e-mail.
type Publication struct {
	NotificationID int64
	Channel        string
	Objects        int // how many objects it added
	Attempts       int
	PublishedAt    time.Time
}

// NewSTIXObject reads what a collection keeps of a STIX 2.1 object's JSON: its id,
// type, spec_version (2.1 when absent, as for some cyber-observables) and version
// (modified, else created; zero for an object that has neither, which TAXII then
// shows with its date_added).
func NewSTIXObject(orgID int64, raw []byte) (STIXObjectInput, error) {
	var o struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		SpecVersion string `json:"spec_version"`
		Modified    string `json:"modified"`
		Created     string `json:"created"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return STIXObjectInput{}, fmt.Errorf("a STIX object: %w", err)
	}
	if o.Type == "" || !strings.HasPrefix(o.ID, o.Type+"--") {
		return STIXObjectInput{}, fmt.Errorf("a STIX object needs a type and an id of that type: %q %q", o.Type, o.ID)
	}
	in := STIXObjectInput{OrgID: orgID, ID: o.ID, Type: o.Type, SpecVersion: cmp.Or(o.SpecVersion, "2.1"), JSON: raw}
	if v := cmp.Or(o.Modified, o.Created); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return in, fmt.Errorf("%s: version %q: %w", o.ID, v, err)
		}
		in.Version = t.UTC().Truncate(time.Microsecond)
	}
	return in, nil
}
