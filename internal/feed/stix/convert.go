package stix

import (
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// indicator queues a row per value of the indicator's pattern.
func (p *Parser) indicator(o *object, line int) {
	switch {
	case o.Revoked:
		p.skip(ReasonRevoked)
		return
	case o.PatternType != "" && o.PatternType != "stix":
		p.skip(ReasonPatternType)
		return
	}
	types := o.IndicatorTypes
	if len(types) == 0 {
		types = o.Labels // STIX 2.0
	}
	class, ok, benign := classify(types)
	if benign {
		p.skip(ReasonBenign)
		return
	}
	alts, err := parsePattern(o.Pattern)
	if err != nil {
		p.skip(ReasonSyntax)
		return
	}
	t, err := stixTime("valid_from", o.ValidFrom, "created", o.Created)
	if err != nil {
		p.reject(line, "%s: %v", o.ID, err)
		return
	}
	base := p.objectBase(o, t)
	if ok && !p.opts.OverrideClassification {
		base.Classification = class
	}
	base = withFields(&base, "extra.stix_id", o.ID, "extra.stix_name", o.Name,
		"extra.stix_description", o.Description, "extra.stix_indicator_types", strings.Join(types, ","),
		"extra.stix_valid_until", o.ValidUntil)
	seen := make(map[disjunct]bool, len(alts))
	for _, d := range alts {
		switch {
		case d.reason != "":
			p.skip(d.reason)
		case !seen[d]:
			seen[d] = true
			p.emit(line, &base, o.ID, d.objType, d.value)
		}
	}
}

// observedData queues a row per observable of a supported type, and keeps the
// object_refs that are not in the bundle yet for the end.
func (p *Parser) observedData(o *object, line int) {
	t, err := stixTime("first_observed", o.FirstObserved, "created", o.Created)
	if err != nil {
		p.reject(line, "%s: %v", o.ID, err)
		return
	}
	base := p.objectBase(o, t)
	base = withFields(&base, "extra.stix_id", o.ID, "extra.stix_last_observed", o.LastObserved,
		"extra.stix_number_observed", o.NumberObserved.String())
	for _, key := range sortedKeys(o.Objects) {
		obs := o.Objects[key]
		if !supported[obs.Type] {
			p.skip(ReasonObservableType)
			continue
		}
		p.emit(line, &base, o.ID, obs.Type, obs.Value)
	}
	var shared *event.Event // one copy of base for every waiting ref
	for _, ref := range o.ObjectRefs {
		typ, _, _ := strings.Cut(ref, "--")
		if !supported[typ] {
			p.skip(ReasonObservableType)
			continue
		}
		if obs, ok := p.scos[ref]; ok {
			e := withFields(&base, "extra.stix_observable", ref)
			p.emit(line, &e, o.ID, obs.Type, obs.Value)
			continue
		}
		if shared == nil {
			shared = &base
		}
		p.waiting = append(p.waiting, waitingRef{line: line, base: shared, ref: ref})
	}
}

// resolveWaiting queues the rows of the object_refs that waited for the end.
func (p *Parser) resolveWaiting() {
	for _, w := range p.waiting {
		obs, ok := p.scos[w.ref]
		if !ok {
			p.skip(ReasonMissingRef)
			continue
		}
		e := withFields(w.base, "extra.stix_observable", w.ref)
		p.emit(w.line, &e, w.base.Fields["extra.stix_id"], obs.Type, obs.Value)
	}
	p.waiting, p.scos = nil, nil
}

// objectBase returns the event every row of o starts from: the Options, the time and
// the object's TLP.
func (p *Parser) objectBase(o *object, t time.Time) event.Event {
	e := p.base
	e.TimeSource = t
	if tlp := o.tlp(); tlp != "" {
		e.TLP = tlp
	}
	return e
}
