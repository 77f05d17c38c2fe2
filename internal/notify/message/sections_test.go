package message

import (
	"reflect"
	"testing"
)

// TestSectionsRenderWhatEveryMessageRendersAlone renders every catalogue entry and
// scenario, in both languages, twice through one Sections (the second time from what
// it kept) and compares each with the message rendered on its own.
func TestSectionsRenderWhatEveryMessageRendersAlone(t *testing.T) {
	var all []Data
	for _, e := range catalogue.entries {
		for _, lang := range []Language{Dutch, English} {
			all = append(all, sampleData(lang, sampleEvents(e)...))
		}
	}
	for _, data := range goldenScenarios {
		for _, lang := range []Language{Dutch, English} {
			all = append(all, data(lang))
		}
	}
	shared := &Sections{}
	for round := range 2 {
		for i, d := range all {
			alone, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			d.Sections = shared
			got, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, alone) {
				t.Fatalf("round %d, message %d (%s): with shared sections\n%s\nalone\n%s", round, i, d.Language, got.Text, alone.Text)
			}
		}
	}
	if n := shared.n.Load(); n == 0 || n > int64(len(all)) {
		t.Fatalf("%d sections kept for %d messages", n, len(all))
	}
}
