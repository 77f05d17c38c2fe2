package stix

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// finding is what one or more events of a notification say of one system: the events
// that name the same things and differ only in when they were seen.
type finding struct {
	key         string
	e           *event.Event // the first event: they all name the same things
	count       int
	first, last time.Time // when the events were seen; zero when none says
	cves        []string  // the CVEs of every event, sorted
	malware     string    // the malware's name, "" for none
	observed    string    // the observed-data's id, "" when STIX can hold nothing of it
	infra       string    // the infrastructure's id, when it has vulnerabilities
}

// findingKey names what an event says of a system: everything its observables are made of.
func findingKey(e *event.Event) string {
	return strings.Join([]string{
		strings.ToLower(e.Classification.Taxonomy), strings.ToLower(e.Classification.Type),
		strings.ToLower(e.Classification.Identifier),
		e.Source.IP.String(), e.Source.Network.String(), strconv.Itoa(int(e.Source.Port)),
		strconv.FormatUint(uint64(e.Source.ASN), 10), e.Source.FQDN, e.Source.URL, e.Source.Account,
		e.Destination.IP.String(), strconv.Itoa(int(e.Destination.Port)),
		e.Fields["protocol.transport"], e.Fields["protocol.application"],
		e.ProductVendor, e.ProductName, e.ProductVersion, malwareName(e),
	}, "\x00")
}

// groupFindings groups events into findings, sorted by key, whatever the events' order.
func groupFindings(events []event.Event) []*finding {
	byKey := map[string]*finding{}
	for i := range events {
		e := &events[i]
		k := findingKey(e)
		f := byKey[k]
		if f == nil {
			f = &finding{key: k, e: e, malware: malwareName(e)}
			byKey[k] = f
		}
		f.count++
		if t := seen(e); !t.IsZero() {
			if f.first.IsZero() || t.Before(f.first) {
				f.first = t
			}
			if t.After(f.last) {
				f.last = t
			}
		}
		for _, c := range e.Vulnerabilities {
			if validCVE(c) && !slices.Contains(f.cves, c) {
				f.cves = append(f.cves, c)
			}
		}
	}
	out := make([]*finding, 0, len(byKey))
	for _, f := range byKey {
		slices.Sort(f.cves)
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y *finding) int { return strings.Compare(x.key, y.key) })
	return out
}

// seen is when the source saw e, else when it was read; zero when neither can be written.
func seen(e *event.Event) time.Time {
	for _, t := range []time.Time{e.TimeSource, e.TimeObservation} {
		if inRange(t) {
			return stamp(t)
		}
	}
	return time.Time{}
}

// malwareName is the malware an event names: malware.name, or the identifier of a
// malicious-code classification (a sinkhole's infection name).
func malwareName(e *event.Event) string {
	if m := clean(e.Fields["malware.name"]); m != "" {
		return m
	}
	if strings.EqualFold(e.Classification.Taxonomy, "malicious-code") {
		return clean(e.Classification.Identifier)
	}
	return ""
}

// finding adds the observed-data of f with its observables, and the infrastructure and
// vulnerabilities when f names CVEs.
func (b *builder) finding(f *finding) {
	first, last := f.first, f.last
	if first.IsZero() {
		first, last = stamp(b.n.Created), stamp(b.n.Created)
	}
	if refs := b.observables(f.e); len(refs) > 0 {
		od := b.sdo("observed-data", b.id("observed-data", f.key))
		od["first_observed"], od["last_observed"] = timestamp(first), timestamp(last)
		od["number_observed"] = min(f.count, 999999999)
		od["object_refs"] = refs
		f.observed = b.addSDO(od)
	}
	if len(f.cves) == 0 {
		return
	}
	// "has" runs only from infrastructure to vulnerability: the system is the infrastructure.
	infra := b.sdo("infrastructure", b.id("infrastructure", f.key))
	infra["name"] = "Vulnerable system " + subjectName(f.e)
	infra["first_seen"], infra["last_seen"] = timestamp(first), timestamp(last)
	f.infra = b.addSDO(infra)
	if f.observed != "" {
		b.relate(f.infra, "consists-of", f.observed)
	}
	for _, cve := range f.cves {
		b.relate(f.infra, "has", b.vulnerability(cve))
	}
}

// vulnerability adds the vulnerability cve and returns its id.
func (b *builder) vulnerability(cve string) string {
	v := b.sdo("vulnerability", b.id("vulnerability", cve))
	v["name"] = cve
	v["external_references"] = []obj{{"source_name": "cve", "external_id": cve}}
	return b.addSDO(v)
}

// subjectName is how people name the system of e: its address, host name, URL or account.
func subjectName(e *event.Event) string {
	switch {
	case e.Source.IP.IsValid():
		return e.Source.IP.String()
	case e.Source.FQDN != "":
		return clean(e.Source.FQDN)
	case e.Source.URL != "":
		return clean(e.Source.URL)
	case e.Source.Network.IsValid():
		return e.Source.Network.String()
	case e.Source.Account != "":
		return clean(e.Source.Account)
	}
	return "(unnamed)"
}
