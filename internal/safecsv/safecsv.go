// Package safecsv writes CSV that spreadsheets open as data: every export of Baken
// (the portal's downloads, the attachments of notifications) goes through it.
package safecsv

import (
	"encoding/csv"
	"io"
	"strings"
)

// Cell guards against CSV injection: a spreadsheet runs a cell starting with = + - @
// (or a tab or carriage return before one) as a formula, so such a cell gets a leading
// apostrophe, which spreadsheets show as text.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer whose every cell passes through Cell.
type Writer struct {
	*csv.Writer
	row []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, each cell defused.
func (w *Writer) Write(record []string) error {
	w.row = w.row[:0]
	for _, c := range record {
		w.row = append(w.row, Cell(c))
	}
	return w.Writer.Write(w.row)
}
