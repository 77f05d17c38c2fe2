package shadowserver

import (
	"errors"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// Event converts the current row in full, as IntelMQ's Shadowserver parser does:
//
//   - each mapping's conversion runs on its column, required mappings first; a required
//     value that is malformed rejects the row (a *feed.RowError), and so does a row
//     without time.source;
//   - an optional value that is malformed is kept as text in "extra.<column>";
//   - CVE identifiers in the "tag" column go to product.vulnerabilities;
//   - the report's constant fields are set last and win;
//   - every other non-empty column goes to "extra.<column>".
func (p *Parser) Event() (event.Event, error) {
	pl, fields, line := p.plan, p.rs.fields, p.rs.line
	if !p.valid {
		return event.Event{}, feed.Rejectf(line, "no current row: Next did not succeed")
	}
	e := event.Event{
		FeedName:     pl.report.FeedName,
		FeedProvider: Provider,
		Fields:       make(map[string]string, len(fields)),
	}
	clear(p.consumed)
	row := values{pl, fields}
	for _, st := range pl.steps {
		if st.col >= len(fields) {
			continue // a trailing column this row lacks: no value
		}
		out, ok, err := st.conv(string(fields[st.col]), row)
		switch {
		case err != nil && st.required:
			return event.Event{}, feed.Rejectf(line, "column %s: %v", st.name, err)
		case err != nil:
			continue // kept in extra below
		case !ok && st.required && st.field == "time.source":
			return event.Event{}, feed.Rejectf(line, "column %s: empty, the row has no time", st.name)
		case !ok:
			// IntelMQ drops optional values that convert to none; a required value
			// that does ("0.0.0.0") stays in extra.
			p.consumed[st.col] = p.consumed[st.col] || !st.required
			continue
		}
		if err := e.Set(st.field, out); err != nil {
			if st.required {
				// Set names the field; the person reading wants the column.
				if inner := errors.Unwrap(err); inner != nil {
					err = inner
				}
				return event.Event{}, feed.Rejectf(line, "column %s: %v", st.name, err)
			}
			continue
		}
		p.consumed[st.col] = true
	}
	if pl.tagCol >= 0 && pl.tagCol < len(fields) {
		if cves, ok, _ := extractCVE(string(fields[pl.tagCol]), row); ok {
			e.AddVulnerabilities(cves)
		}
	}
	for _, c := range pl.constants {
		_ = e.Set(c[0], c[1]) // checked by compile
	}
	for i, f := range fields {
		if p.consumed[i] || len(f) == 0 || pl.extras[i] == "" {
			continue
		}
		if _, taken := e.Fields[pl.extras[i]]; !taken {
			e.Fields[pl.extras[i]] = string(f)
		}
	}
	if p.raw {
		e.Raw = string(p.rs.raw)
	}
	return e, nil
}
