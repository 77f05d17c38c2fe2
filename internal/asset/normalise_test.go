package asset_test

import (
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
)

// TestNormaliseDomainMatchesEvents checks that a registered domain and a host name
// in an event come out the same, since matching compares the two as strings.
func TestNormaliseDomainMatchesEvents(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"example.nl", "Example.NL.", "bücher.example", "BÜCHER.example", "xn--bcher-kva.example", "faß.de",
		"münchen.de", "bücher。example", "ΣΊΣΥΦΟΣ.gr", "例え.テスト", "ｅｘａｍｐｌｅ.nl",
		"bücher.example。", "Example.NL．",
	} {
		registered, err := asset.NormaliseDomain(name)
		if err != nil {
			t.Errorf("NormaliseDomain(%q): %v", name, err)
			continue
		}
		if seen := event.NormaliseHost(name); seen != registered {
			t.Errorf("%q: registered as %q, but an event names it %q", name, registered, seen)
		}
	}
}
