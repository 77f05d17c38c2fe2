package shadowserver

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// How a report type was found.
const (
	ByName   = "file name"   // the file's name says it
	ByOption = "feed option" // the feed's report_type option says it
	ByHeader = "header"      // the name says nothing: the header fits it best
)

// Detection is the report type of a file and how it was found.
type Detection struct {
	Type string // the report type ("scan_smb")
	How  string // ByName, ByOption or ByHeader
	// Why explains a ByHeader detection for the person reading: which columns fit.
	Why string
}

// String says what was chosen and why: "scan_smb (from the header: ...)".
func (d Detection) String() string {
	if d.Why == "" {
		return fmt.Sprintf("%s (from the %s)", d.Type, d.How)
	}
	return fmt.Sprintf("%s (from the %s: %s)", d.Type, d.How, d.Why)
}

// Detect returns the report type of a file: the one its name says, else forced (the
// feed's report_type option, "" for none), else the one its header fits best.
//
// Names are "2024-07-04-scan_smb-sample-asn.csv" (date, type, then anything) or the
// type alone, "scan_smb.csv"; a directory, ".gz" or ".zip" around them is ignored. The
// schema key ("event_sinkhole") is accepted for the type ("event4_sinkhole").
//
// A name is never overruled: a file named for a type the schema lacks, for a type
// other than forced, or for a type whose required columns its header lacks, is refused
// with an error that names the type (and the column). A name says nothing when it is
// not dated and its first word ("report" in "report.csv") begins no report type.
//
// By header, the candidates are the report types whose required columns are all in the
// header and that map at least half of its columns; the one mapping the most columns
// wins, then the one with the fewest columns missing from the header, then the shorter
// type name ("scan_smb" before "scan6_smb", whose columns are the same), then the first
// in alphabetical order. header nil skips the column checks.
func (s *Schema) Detect(fileName, forced string, header []string) (Detection, error) {
	claimed, claims := s.typeFromName(fileName)
	if forced != "" {
		r, ok := s.Report(forced)
		if !ok {
			return Detection{}, fmt.Errorf("the feed's report type %q is not in the schema%s", forced, s.of())
		}
		forced = r.Type
	}
	if claims {
		r, ok := s.Report(claimed)
		switch {
		case !ok && forced == "":
			return Detection{}, fmt.Errorf("the file name says report type %q, which is not in the schema%s: "+
				"update the schema (baken shadowserver schema update) or set the feed's report_type", claimed, s.of())
		case ok && forced != "" && r.Type != forced:
			return Detection{}, fmt.Errorf("the file name says report type %s, the feed's report_type %s", r.Type, forced)
		case ok:
			if col, missing := missingRequired(r, header); missing {
				return Detection{}, fmt.Errorf("the file name says report type %s, but the header lacks column %q, which %s requires",
					r.Type, col, r.Type)
			}
			return Detection{Type: r.Type, How: ByName}, nil
		}
	}
	if forced != "" {
		r, _ := s.Report(forced)
		if col, missing := missingRequired(r, header); missing {
			return Detection{}, fmt.Errorf("the header lacks column %q, which report type %s (the feed's report_type) requires", col, r.Type)
		}
		return Detection{Type: forced, How: ByOption}, nil
	}
	if d, ok := s.typeFromHeader(header); ok {
		return d, nil
	}
	return Detection{}, fmt.Errorf("the file name does not say the report type and the header fits none of the %d of the schema%s: "+
		"name the file as Shadowserver does (2024-07-04-scan_smb-....csv) or set the feed's report_type", len(s.reports), s.of())
}

// DetectType is Detect without a forced type, for callers that only want the type.
func (s *Schema) DetectType(fileName string, header []string) (string, bool) {
	d, err := s.Detect(fileName, "", header)
	return d.Type, err == nil
}

// of names the schema's version in messages: " (of 2026-03-24T15:31:20Z)".
func (s *Schema) of() string {
	if s.version == "" {
		return ""
	}
	return " (of " + s.version + ")"
}

// typeFromName returns the report type a file name claims, and whether it claims one.
// A dated name always does; an undated one when its first word begins a report type.
func (s *Schema) typeFromName(fileName string) (string, bool) {
	name := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
	for _, ext := range []string{".gz", ".zip", ".csv"} {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			name = name[:len(name)-len(ext)]
		}
	}
	if _, ok := s.Report(name); ok {
		return name, true
	}
	dated := isDatePrefix(name)
	if dated {
		name = name[len("2006-01-02-"):]
	}
	if i := strings.IndexByte(name, '-'); i >= 0 {
		name = name[:i]
	}
	if dated {
		return name, name != ""
	}
	if _, ok := s.Report(name); ok {
		return name, true
	}
	first, _, hasWord := strings.Cut(name, "_")
	return name, hasWord && s.prefixes[first]
}

// isDatePrefix reports whether name starts with "YYYY-MM-DD-".
func isDatePrefix(name string) bool {
	const layout = "0000-00-00-"
	if len(name) <= len(layout) {
		return false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == '0' && (name[i] < '0' || name[i] > '9') || layout[i] == '-' && name[i] != '-' {
			return false
		}
	}
	return true
}

// missingRequired returns the first required column of r that header lacks; header
// nil lacks none.
func missingRequired(r *Report, header []string) (string, bool) {
	if header == nil {
		return "", false
	}
	for _, m := range r.Required {
		if !slices.Contains(header, m.Column) {
			return m.Column, true
		}
	}
	return "", false
}

func (s *Schema) typeFromHeader(header []string) (Detection, bool) {
	in := make(map[string]bool, len(header))
	for _, h := range header {
		in[h] = true
	}
	var best string
	var bestCommon, bestMissing, bestCols, candidates int
	for _, t := range s.Types() {
		r := s.reports[t]
		if _, missing := missingRequired(r, header); missing || header == nil {
			continue
		}
		cols := r.Columns()
		common := 0
		for _, c := range cols {
			if in[c] {
				common++
			}
		}
		missing := len(cols) - common
		if 2*common < len(in) {
			continue
		}
		candidates++
		better := best == "" || common > bestCommon ||
			common == bestCommon && (missing < bestMissing ||
				missing == bestMissing && len(t) < len(best))
		if better {
			best, bestCommon, bestMissing, bestCols = t, common, missing, len(cols)
		}
	}
	if best == "" {
		return Detection{}, false
	}
	why := fmt.Sprintf("the file name says nothing; %d of the header's %d columns are columns of %s (which has %d), "+
		"the best fit of %d report types whose required columns it has", bestCommon, len(in), best, bestCols, candidates)
	return Detection{Type: best, How: ByHeader, Why: why}, true
}
