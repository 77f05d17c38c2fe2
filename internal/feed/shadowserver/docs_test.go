package shadowserver

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the list of report types in docs/ingestion.md")

const (
	docsFile  = "../../../docs/ingestion.md"
	docsBegin = "<!-- report types: generated from the shipped schema by TestDocsListTypes (go test ./internal/feed/shadowserver -update-docs) -->\n"
	docsEnd   = "<!-- end of report types -->\n"
)

// TestDocsListTypes keeps the list of report types known by default in
// docs/ingestion.md the shipped schema's own.
func TestDocsListTypes(t *testing.T) {
	data, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	begin, end := strings.Index(doc, docsBegin), strings.Index(doc, docsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers of the list of report types", docsFile)
	}
	var b strings.Builder
	for _, typ := range Builtin().Types() {
		r, _ := Builtin().Report(typ)
		b.WriteString("`" + typ + "` (" + r.FeedName + "), ")
	}
	list := strings.TrimSuffix(b.String(), ", ") + "\n"
	want := doc[:begin+len(docsBegin)] + list + doc[end:]
	if *updateDocs {
		if err := os.WriteFile(docsFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("the report types in %s are not the shipped schema's: run go test ./internal/feed/shadowserver -update-docs", docsFile)
	}
}
