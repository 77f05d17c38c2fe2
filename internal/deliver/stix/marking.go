package stix

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/baken-cert/baken/internal/event"
)

// namespace is Baken's UUIDv5 namespace for STIX ids. Changing it changes every id Baken
// has ever published.
var namespace = uuid.MustParse("e609583b-9f82-485a-9806-e5013deb1803")

// tlpExtension is the extension definition of TLP 2.0 markings, published by OASIS in
// cti-stix-common-objects (extension-definition-specifications/tlp-2.0).
const tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlpCreated is the "created" of the published TLP 2.0 marking definitions.
var tlpCreated = time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)

// tlpMarkings are the ids of the published TLP 2.0 marking definitions, by label.
var tlpMarkings = map[event.TLP]string{
	event.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	event.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	event.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	event.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	event.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// markingDefinition is the published TLP 2.0 marking definition of t, as OASIS wrote it.
func markingDefinition(t event.TLP) obj {
	name := t.String()
	return obj{
		"type":         "marking-definition",
		"spec_version": "2.1",
		"id":           tlpMarkings[t],
		"created":      timestamp(tlpCreated),
		"name":         "TLP:" + name,
		"extensions": obj{tlpExtension: obj{
			"extension_type": "property-extension",
			"tlp_2_0":        strings.ToLower(name),
		}},
	}
}

// notificationTLP is the label of everything n says: n's own, TLP:AMBER+STRICT when it has
// none, and never less strict than any of its events'.
func notificationTLP(n Notification) event.TLP {
	t := n.TLP
	if t == event.TLPUnset {
		t = event.TLPAmberStrict
	}
	for i := range n.Events {
		if e, ok := event.ParseTLP(n.Events[i].TLP); ok && e > t {
			t = e
		}
	}
	return t
}
