package stix

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/notify/message"
)

// malware adds a malware family for every malware the findings name, and a sighting of it
// in the observed data.
func (b *builder) malware(findings []*finding) {
	type seen struct {
		name        string
		observed    []string
		count       int
		first, last time.Time
	}
	byName := map[string]*seen{}
	for _, f := range findings {
		if f.malware == "" {
			continue
		}
		k := strings.ToLower(f.malware)
		s := byName[k]
		if s == nil {
			s = &seen{name: f.malware}
			byName[k] = s
		}
		s.count += f.count
		if f.observed != "" {
			s.observed = append(s.observed, f.observed)
		}
		if !f.first.IsZero() && (s.first.IsZero() || f.first.Before(s.first)) {
			s.first = f.first
		}
		if f.last.After(s.last) {
			s.last = f.last
		}
	}
	for k, s := range byName {
		m := b.sdo("malware", b.id("malware", k))
		m["name"], m["is_family"] = s.name, true
		id := b.addSDO(m)
		sg := b.sdo("sighting", b.id("sighting", k))
		sg["sighting_of_ref"] = id
		sg["count"] = min(s.count, 999999999)
		sg["where_sighted_refs"] = []string{b.cert}
		if len(s.observed) > 0 {
			slices.Sort(s.observed)
			sg["observed_data_refs"] = s.observed
		}
		if !s.first.IsZero() {
			sg["first_seen"], sg["last_seen"] = timestamp(s.first), timestamp(s.last)
		}
		b.addSDO(sg)
	}
}

// courses adds the catalogue's course of action for every kind of threat the findings are
// of, in English, and says which vulnerabilities and malware it remediates.
func (b *builder) courses(findings []*finding) {
	for _, f := range findings {
		c := message.Advice(message.English, f.e.Classification)
		coa := b.sdo("course-of-action", b.id("course-of-action", c.Title))
		coa["name"], coa["lang"] = c.Title, string(message.English)
		coa["description"] = courseText(c)
		id := b.addSDO(coa)
		for _, cve := range f.cves {
			b.relate(id, "remediates", b.id("vulnerability", cve))
		}
		if f.malware != "" {
			b.relate(id, "remediates", b.id("malware", strings.ToLower(f.malware)))
		}
	}
}

// courseText is the explanation of a course, then its steps, numbered.
func courseText(c message.Course) string {
	var s strings.Builder
	s.WriteString(c.Explanation)
	for i, step := range c.Steps {
		fmt.Fprintf(&s, "\n%d. %s", i+1, step)
	}
	return s.String()
}

// report adds the published report of the notification: everything but the marking
// definitions and the organisation's opinions, which come later without a new version.
func (b *builder) report(findings []*finding) string {
	id := b.id("report")
	var refs []string
	types := []string{"threat-report"}
	for oid, o := range b.objs {
		switch t := o["type"].(string); t {
		case "marking-definition":
			continue
		case "observed-data", "vulnerability", "malware":
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		refs = append(refs, oid)
	}
	// The notes are part of the notification, and refer to the report themselves.
	for _, a := range b.n.Advice {
		if _, text := noteText(a); text != "" {
			refs = append(refs, b.id("note", strings.ToLower(a.Lang)))
		}
	}
	slices.Sort(refs)
	refs = slices.Compact(refs)
	slices.Sort(types)

	r := b.sdo("report", id)
	r["name"] = b.reportName(findings)
	r["description"] = b.reportDescription(findings)
	r["published"] = b.modified
	r["report_types"] = types
	r["object_refs"] = refs
	if k := b.n.Kind; k == "periodic" || k == "incidental" {
		r["labels"] = []string{k}
	}
	var ext []obj
	if t := clean(b.n.Ticket); t != "" {
		ext = append(ext, obj{"source_name": "baken", "external_id": t, "description": "ticket"})
	}
	if f := clean(b.n.Feed); f != "" {
		ext = append(ext, obj{"source_name": f, "description": "the feed the findings come from"})
	}
	if len(ext) > 0 {
		r["external_references"] = ext
	}
	return b.addSDO(r)
}

// reportName is "Notification <ticket>: <title>", the title that of the English advice,
// else of the first, else of the catalogue's advice for the first finding.
func (b *builder) reportName(findings []*finding) string {
	title := ""
	for _, a := range b.n.Advice {
		if t := clean(a.Title); t != "" && (title == "" || strings.EqualFold(a.Lang, "en")) {
			title = t
		}
	}
	if title == "" && len(findings) > 0 {
		title = message.Advice(message.English, findings[0].e.Classification).Title
	}
	name := "Notification"
	if t := clean(b.n.Ticket); t != "" {
		name += " " + t
	}
	if title != "" {
		name += ": " + title
	}
	return name
}

func (b *builder) reportDescription(findings []*finding) string {
	events := 0
	for _, f := range findings {
		events += f.count
	}
	s := fmt.Sprintf("%d finding(s) from %d event(s)", len(findings), events)
	if f := clean(b.n.Feed); f != "" {
		s += " from " + f
	}
	return s + ", for " + identityName(b.n.Org) + "."
}

func identityName(p Party) string {
	if n := clean(p.Name); n != "" {
		return n
	}
	return clean(p.Key)
}

// notes adds the notification's advice as a note per language.
func (b *builder) notes(report string) {
	for _, a := range b.n.Advice {
		title, text := noteText(a)
		if text == "" {
			continue
		}
		lang := strings.ToLower(a.Lang)
		n := b.sdo("note", b.id("note", lang))
		n["lang"], n["content"] = lang, text
		if title != "" {
			n["abstract"] = title
		}
		n["object_refs"] = []string{report}
		b.addSDO(n)
	}
}

// noteText is the abstract and content of the note of a: its title, and its text or
// else its title; "" when it has neither.
func noteText(a Advice) (title, text string) {
	title, text = clean(a.Title), strings.TrimSpace(a.Text)
	if text == "" {
		text = title
	}
	return title, text
}

// opinions is what each kind of feedback says of the report's correctness.
var opinions = map[string]struct{ opinion, explanation string }{
	"useful":         {"agree", "The organisation found the notification useful."},
	"not-useful":     {"neutral", "The organisation did not find the notification useful."},
	"false-positive": {"strongly-disagree", "The organisation reports that the findings are not correct (false positive)."},
	"resolved":       {"agree", "The organisation reports that it has resolved the findings."},
}

// opinions adds the organisation's feedback as its opinions of the report, each versioned
// at the time it was given.
func (b *builder) opinions(report string) {
	for _, f := range b.n.Feedback {
		o := opinions[f.Kind]
		at := timestamp(f.At)
		op := b.sdo("opinion", b.id("opinion", f.Kind, at))
		op["created"], op["modified"] = at, at
		op["created_by_ref"] = b.org
		op["authors"] = []string{identityName(b.n.Org)}
		op["opinion"], op["explanation"] = o.opinion, o.explanation
		op["object_refs"] = []string{report}
		b.add(op, f.At)
	}
}
