package registry

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/problem"
)

// Format is the format of an import file.
type Format string

// The import formats.
const (
	CSV   Format = "csv"   // a header row, then one row per asset
	JSONL Format = "jsonl" // one JSON object per line, with the same field names
)

// FormatFor guesses the format from a file name: .jsonl, .ndjson and .json are JSON Lines,
// anything else CSV.
func FormatFor(name string) Format {
	switch {
	case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".json"):
		return JSONL
	}
	return CSV
}

// Columns are the field names an import row may have; organisation and asset are required.
var Columns = []string{"organisation", "asset", "org_ref", "contact_email", "language", "sector", "parent"}

// Row is one row of an import file, as written.
type Row struct {
	Line         int
	Organisation string `json:"organisation"`
	Asset        string `json:"asset"`
	OrgRef       string `json:"org_ref"`
	ContactEmail string `json:"contact_email"`
	Language     string `json:"language"`
	Sector       string `json:"sector"`
	Parent       string `json:"parent"`
}

// RowError says why a row was rejected.
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	// Problem is Reason as a text the portal translates; nil for a reason in other
	// words than Baken's own.
	Problem *problem.Problem `json:"-"`
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// rejectRow returns the RowError of line for err, with its problem when it is one.
func rejectRow(line int, err error) RowError {
	p, _ := err.(*problem.Problem)
	return RowError{Line: line, Reason: err.Error(), Problem: p}
}

// csvProblem returns the problem of a row encoding/csv cannot read, in its words.
func csvProblem(err error) error {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return problem.New(`bare " in non-quoted-field`)
	case errors.Is(err, csv.ErrQuote):
		return problem.New(`extraneous or missing " in quoted-field`)
	}
	return err
}

// rowReader reads rows one at a time. Next returns io.EOF at the end, a RowError for a
// row that cannot be read (the next call goes on), any other error for a file that
// cannot be read at all.
type rowReader interface {
	Next() (Row, error)
	// Ignored lists the columns that are not import fields.
	Ignored() []string
}

func newRowReader(r io.Reader, f Format, requireOrg bool) (rowReader, error) {
	switch f {
	case CSV:
		return newCSVRows(r, requireOrg)
	case JSONL:
		return &jsonRows{lr: feed.NewLineReader(r, MaxLine)}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want csv or jsonl)", f)
}

type csvRows struct {
	r       *csv.Reader
	lines   *boundedLines
	index   map[string]int
	ignored []string
}

func newCSVRows(r io.Reader, requireOrg bool) (*csvRows, error) {
	lines := &boundedLines{lr: feed.NewLineReader(r, MaxLine)}
	cr := csv.NewReader(lines)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, problem.New("the file is empty: it needs a header row with at least the columns organisation and asset")
	}
	if err != nil {
		return nil, problem.New("reading the header row: %v", err)
	}
	if slices.Contains(header, tooLongMarker) {
		return nil, problem.New("the header row is longer than 1 MiB")
	}
	c := &csvRows{r: cr, lines: lines, index: make(map[string]int)}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(Columns, name) {
			c.ignored = append(c.ignored, h)
			continue
		}
		if _, dup := c.index[name]; dup {
			return nil, problem.New("the header names the column %q twice", name)
		}
		c.index[name] = i
	}
	required := []string{"organisation", "asset"}
	if !requireOrg {
		required = required[1:]
	}
	for _, need := range required {
		if _, ok := c.index[need]; !ok {
			return nil, problem.New("the header row has no %q column (it has: %s); the columns are: %s",
				need, strings.Join(header, ", "), strings.Join(Columns, ", "))
		}
	}
	return c, nil
}

func (c *csvRows) Ignored() []string { return c.ignored }

func (c *csvRows) Next() (Row, error) {
	c.lines.startRow()
	rec, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return Row{}, rejectRow(pe.StartLine, csvProblem(pe.Err))
		}
		return Row{}, err
	}
	line, _ := c.r.FieldPos(0)
	if slices.ContainsFunc(rec, func(f string) bool { return strings.Contains(f, tooLongMarker) }) {
		return Row{}, rejectRow(line, errLineTooLong())
	}
	field := func(name string) string {
		if i, ok := c.index[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if len(rec) > len(c.index)+len(c.ignored) {
		return Row{}, rejectRow(line, problem.New("the row has %d fields, the header %d", len(rec), len(c.index)+len(c.ignored)))
	}
	return Row{
		Line: line, Organisation: field("organisation"), Asset: field("asset"), OrgRef: field("org_ref"),
		ContactEmail: field("contact_email"), Language: field("language"), Sector: field("sector"), Parent: field("parent"),
	}, nil
}

type jsonRows struct {
	lr *feed.LineReader
}

func (j *jsonRows) Ignored() []string { return nil }

func (j *jsonRows) Next() (Row, error) {
	for {
		line, tooLong, err := j.lr.Next()
		if err != nil {
			return Row{}, err
		}
		if tooLong {
			return Row{}, rejectRow(j.lr.Line(), errLineTooLong())
		}
		b := bytes.TrimSpace(line)
		if len(b) == 0 {
			continue
		}
		var row Row
		if err := json.Unmarshal(b, &row); err != nil {
			return Row{}, rejectRow(j.lr.Line(), problem.New("not a JSON object with string fields: %v", err))
		}
		row.Line = j.lr.Line()
		return row, nil
	}
}
