package shadowserver

import (
	"path"
	"slices"
	"strings"
)

// DetectType returns the report type of a file, from its name when it follows
// Shadowserver's convention and the header has the columns the type requires, else
// from its header alone.
//
// Names are "2024-07-04-scan_smb-sample-asn.csv" (date, type, then anything) or just
// the type, "scan_smb.csv"; a directory, ".gz" or ".zip" around them is ignored. The
// schema key ("event_sinkhole") is accepted for the type ("event4_sinkhole").
//
// By header, the candidates are the report types whose required columns are all in the
// header and that map at least half of its columns; the one mapping the most columns
// wins, then the one with the fewest columns missing from the header, then the shorter
// type name ("scan_smb" before "scan6_smb", whose columns are the same), then the first
// in alphabetical order.
func (s *Schema) DetectType(fileName string, header []string) (string, bool) {
	if t, ok := s.typeFromName(fileName); ok {
		if r := s.reports[t]; header == nil || hasRequired(r, header) {
			return t, true
		}
	}
	return s.typeFromHeader(header)
}

func (s *Schema) typeFromName(fileName string) (string, bool) {
	name := path.Base(strings.ReplaceAll(fileName, `\`, "/"))
	for _, ext := range []string{".gz", ".zip", ".csv"} {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			name = name[:len(name)-len(ext)]
		}
	}
	if r, ok := s.Report(name); ok {
		return r.Type, true
	}
	if !isDatePrefix(name) {
		return "", false
	}
	name = name[len("2006-01-02-"):]
	if i := strings.IndexByte(name, '-'); i >= 0 {
		name = name[:i]
	}
	if r, ok := s.Report(name); ok {
		return r.Type, true
	}
	return "", false
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

func hasRequired(r *Report, header []string) bool {
	for _, m := range r.Required {
		if !slices.Contains(header, m.Column) {
			return false
		}
	}
	return true
}

func (s *Schema) typeFromHeader(header []string) (string, bool) {
	in := make(map[string]bool, len(header))
	for _, h := range header {
		in[h] = true
	}
	var best string
	var bestCommon, bestMissing int
	for _, t := range s.Types() {
		r := s.reports[t]
		if !hasRequired(r, header) {
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
		better := best == "" || common > bestCommon ||
			common == bestCommon && (missing < bestMissing ||
				missing == bestMissing && len(t) < len(best))
		if better {
			best, bestCommon, bestMissing = t, common, missing
		}
	}
	return best, best != ""
}
