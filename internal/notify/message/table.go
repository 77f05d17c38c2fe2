package message

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/event"
)

// column is one column of the table of events in the body.
type column struct {
	head func(*labels) string
	// value gets the registered asset that matched the event ("" when unknown).
	value func(e *event.Event, g *group, matched string) string
	// always is shown even when no event has a value.
	always bool
}

var columns = []column{
	{head: func(l *labels) string { return l.ColTime }, value: func(e *event.Event, _ *group, _ string) string {
		if e.TimeSource.IsZero() {
			return ""
		}
		return e.TimeSource.UTC().Format("2006-01-02 15:04:05")
	}},
	{head: func(l *labels) string { return l.ColIP }, value: func(e *event.Event, _ *group, _ string) string {
		if e.Source.IP.IsValid() {
			return e.Source.IP.String()
		}
		if e.Source.Network.IsValid() {
			return e.Source.Network.String()
		}
		return ""
	}},
	{head: func(l *labels) string { return l.ColPort }, value: func(e *event.Event, _ *group, _ string) string {
		if e.Source.Port == 0 {
			return ""
		}
		return strconv.Itoa(int(e.Source.Port))
	}},
	{head: func(l *labels) string { return l.ColHost }, value: func(e *event.Event, _ *group, _ string) string { return hostOf(e) }},
	{head: func(l *labels) string { return l.ColURL }, value: func(e *event.Event, _ *group, _ string) string { return clean(e.Source.URL) }},
	{head: func(l *labels) string { return l.ColAccount }, value: func(e *event.Event, _ *group, _ string) string { return clean(e.Source.Account) }},
	{head: func(l *labels) string { return l.ColWhat }, value: func(_ *event.Event, g *group, _ string) string { return g.course.Title }, always: true},
	{head: func(l *labels) string { return l.ColDetails }, value: func(e *event.Event, _ *group, _ string) string { return details(e) }},
	{head: func(l *labels) string { return l.ColMatched }, value: func(_ *event.Event, g *group, matched string) string {
		return matchedText(g.labels, g.networkOwner, matched)
	}},
}

// hostOf is the host name an event names: its source.fqdn, else the reverse DNS name
// the report gives for the address (Shadowserver's "hostname" column).
func hostOf(e *event.Event) string {
	if e.Source.FQDN != "" {
		return clean(e.Source.FQDN)
	}
	return clean(e.Fields["source.reverse_dns"])
}

// matchedText says why the recipient is told: the registered asset of its own that
// matched, or that it is told as the network owner.
func matchedText(l *labels, networkOwner bool, matched string) string {
	switch {
	case networkOwner:
		return l.MatchedNetworkOwner
	case matched != "":
		return fmt.Sprintf(l.MatchedAsset, clean(matched))
	}
	return ""
}

// details are what the table says beyond the columns: the product and its version,
// the CVEs and the malware's name.
func details(e *event.Event) string {
	var parts []string
	if p := strings.TrimSpace(productName(e) + " " + clean(e.ProductVersion)); p != "" {
		parts = append(parts, p)
	}
	if len(e.Vulnerabilities) > 0 {
		parts = append(parts, strings.Join(e.Vulnerabilities, ", "))
	}
	if m := clean(e.Fields["malware.name"]); m != "" {
		parts = append(parts, m)
	}
	return strings.Join(parts, "; ")
}

// table returns the column heads and the rows of at most MaxRows events, leaving out
// columns no shown event has a value for.
func table(l *labels, events []event.Event, matched []string, ofEvent []*group) (heads []string, rows [][]string) {
	n := min(len(events), MaxRows)
	cells := make([][]string, n)
	used := make([]bool, len(columns))
	for i := range n {
		cells[i] = make([]string, len(columns))
		for c, col := range columns {
			m := ""
			if i < len(matched) {
				m = matched[i]
			}
			cells[i][c] = col.value(&events[i], ofEvent[i], m)
			used[c] = used[c] || col.always || cells[i][c] != ""
		}
	}
	for c, col := range columns {
		if used[c] {
			heads = append(heads, col.head(l))
		}
	}
	for _, row := range cells {
		var kept []string
		for c, cell := range row {
			if used[c] {
				kept = append(kept, cell)
			}
		}
		rows = append(rows, kept)
	}
	return heads, rows
}

// textTable lays the table out in aligned columns, or, when that would make lines
// longer than width, as one block per event.
func textTable(heads []string, rows [][]string, width int) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range append([][]string{heads}, rows...) {
		tw.Write([]byte(strings.Join(row, "\t") + "\n"))
	}
	tw.Flush()
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	fits := true
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " ")
		fits = fits && utf8.RuneCountInString(lines[i]) <= width
	}
	if fits {
		return strings.Join(lines, "\n")
	}
	return textBlocks(heads, rows)
}

// textBlocks writes each event as a numbered block of "head: value" lines.
func textBlocks(heads []string, rows [][]string) string {
	pad := 0
	for _, h := range heads {
		pad = max(pad, utf8.RuneCountInString(h))
	}
	var b strings.Builder
	for i, row := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		num := strconv.Itoa(i+1) + "."
		first := true
		for c, cell := range row {
			if cell == "" {
				continue
			}
			prefix := strings.Repeat(" ", len(num)+1)
			if first {
				prefix, first = num+" ", false
			}
			b.WriteString(prefix + heads[c] + ":" + strings.Repeat(" ", pad-utf8.RuneCountInString(heads[c])+1) + cell + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// withoutColumn returns the table without the column headed head.
func withoutColumn(head string, heads []string, rows [][]string) ([]string, [][]string) {
	c := slices.Index(heads, head)
	if c < 0 {
		return heads, rows
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = slices.Delete(slices.Clone(row), c, c+1)
	}
	return slices.Delete(slices.Clone(heads), c, c+1), out
}
