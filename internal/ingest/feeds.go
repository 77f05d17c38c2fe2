package ingest

import (
	"fmt"
	"strings"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

// Feed kinds: periodic feeds deliver lists every day; incidental ones bring an urgent,
// severe threat once, and are held for an analyst's review by default.
const (
	Periodic   = "periodic"
	Incidental = "incidental"
)

// CheckFeed fills a feed definition's defaults and checks it, with messages a person
// understands.
func (p *Parsers) CheckFeed(f *store.Feed) error {
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" || strings.ContainsAny(f.Name, " \t/") {
		return fmt.Errorf("feed name %q: use letters, digits, '-' or '_'", f.Name)
	}
	if _, ok := p.formats[f.Format]; !ok {
		return fmt.Errorf("feed %s: format %q is not one of %s", f.Name, f.Format, strings.Join(p.Formats(), ", "))
	}
	if f.Kind == "" {
		f.Kind = Incidental
		if f.Format == "shadowserver" {
			f.Kind = Periodic
		}
	}
	if f.Kind != Periodic && f.Kind != Incidental {
		return fmt.Errorf("feed %s: kind %q: want periodic or incidental", f.Name, f.Kind)
	}
	t, ok := event.ParseTLP(f.TLP)
	if strings.TrimSpace(f.TLP) == "" {
		t, ok = event.TLPAmber, true
	}
	if !ok {
		return fmt.Errorf("feed %s: TLP %q: want CLEAR, GREEN, AMBER, AMBER+STRICT or RED", f.Name, f.TLP)
	}
	f.TLP = t.String()
	o, err := ParseOptions(f.Options)
	if err != nil {
		return fmt.Errorf("feed %s: %w", f.Name, err)
	}
	if f.Format == "csv" && len(o.Columns) == 0 {
		return fmt.Errorf("feed %s: a csv feed needs a column mapping (--column source.ip=ip)", f.Name)
	}
	if o.ReportType != "" {
		if _, ok := p.Schema().Schema.Report(o.ReportType); !ok {
			return fmt.Errorf("feed %s: unknown Shadowserver report type %q", f.Name, o.ReportType)
		}
	}
	return nil
}

// ShadowserverFeed is the feed that files go to when no feed is named: Shadowserver's
// reports are what a CERT receives most.
func ShadowserverFeed() store.Feed {
	return store.Feed{Name: "shadowserver", Provider: "Shadowserver", Format: "shadowserver", Kind: Periodic, TLP: "AMBER"}
}
