package stix

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// object holds the properties of a STIX object that the parser reads; the names are
// those of the STIX 2.1 JSON schemas (STIX 2.0's "labels" too).
type object struct {
	Type        string   `json:"type"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Revoked     bool     `json:"revoked"`
	MarkingRefs []string `json:"object_marking_refs"`

	// indicator
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	IndicatorTypes []string `json:"indicator_types"`
	Labels         []string `json:"labels"`
	Pattern        string   `json:"pattern"`
	PatternType    string   `json:"pattern_type"`
	ValidFrom      string   `json:"valid_from"`
	ValidUntil     string   `json:"valid_until"`

	// observed-data
	FirstObserved  string                `json:"first_observed"`
	LastObserved   string                `json:"last_observed"`
	NumberObserved json.Number           `json:"number_observed"`
	Objects        map[string]observable `json:"objects"` // deprecated since 2.1
	ObjectRefs     []string              `json:"object_refs"`

	// cyber-observable objects (SCOs)
	Value string `json:"value"`
}

// observable is an SCO in an observed-data's "objects" dictionary.
type observable struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// tlpMarkings are the marking-definition ids that STIX and TLP 2.0 fix for TLP.
var tlpMarkings = map[string]string{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR", // TLP 1.0 WHITE
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR", // TLP 2.0
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "GREEN",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
}

// tlp returns the strictest TLP among the object's markings, "" when it has none.
func (o *object) tlp() string {
	var best event.TLP
	for _, ref := range o.MarkingRefs {
		if t, _ := event.ParseTLP(tlpMarkings[ref]); t > best {
			best = t
		}
	}
	return best.String()
}

// indicatorClasses maps STIX's indicator-type vocabulary onto IntelMQ's
// classification; "benign" is left out on purpose: it reports nothing.
var indicatorClasses = map[string]event.Classification{
	"malicious-activity": {Taxonomy: "other", Type: "blacklist", Identifier: "malicious-activity"},
	"compromised":        {Taxonomy: "intrusions", Type: "system-compromise", Identifier: "compromised"},
	"anomalous-activity": {Taxonomy: "other", Type: "undetermined", Identifier: "anomalous-activity"},
	"anonymization":      {Taxonomy: "other", Type: "other", Identifier: "anonymization"},
	"attribution":        {Taxonomy: "other", Type: "other", Identifier: "attribution"},
	"unknown":            {Taxonomy: "other", Type: "undetermined", Identifier: "unknown"},
}

// classify returns the classification of the first of types that has one. benign
// reports types that are only "benign".
func classify(types []string) (c event.Classification, ok, benign bool) {
	for _, t := range types {
		if c, ok := indicatorClasses[strings.ToLower(t)]; ok {
			return c, true, false
		}
		benign = benign || strings.EqualFold(t, "benign")
	}
	return event.Classification{}, false, benign
}

// stixTime reads the first of the named timestamps that is not empty.
func stixTime(props ...string) (time.Time, error) {
	for i := 0; i+1 < len(props); i += 2 {
		if v := props[i+1]; v != "" {
			t, err := event.ParseTime(v)
			if err != nil {
				return t, fmt.Errorf("%s: %w", props[i], err)
			}
			return t, nil
		}
	}
	return time.Time{}, nil
}

// setValue sets the field that an object of objType with value names on e:
// source.ip or source.network, source.fqdn, source.url or source.account.
func setValue(e *event.Event, objType, value string) error {
	value = strings.TrimSpace(value)
	switch objType {
	case "ipv4-addr", "ipv6-addr":
		return setAddress(e, objType, value)
	case "domain-name":
		if !isDomain(event.NormaliseHost(value)) {
			return fmt.Errorf("domain-name %q is not a domain name", value)
		}
		return e.Set("source.fqdn", value)
	case "url":
		if event.URLHost(value) == "" {
			return fmt.Errorf("url %q has no host", value)
		}
		return e.Set("source.url", value)
	case "email-addr":
		if event.EmailDomain(value) == "" {
			return fmt.Errorf("email-addr %q is not an e-mail address", value)
		}
		return e.Set("source.account", value)
	}
	return nil
}

// setAddress sets an address, or a CIDR prefix: one of a single address (/32, /128)
// is that address, any other goes to source.network.
func setAddress(e *event.Event, objType, value string) error {
	var addr netip.Addr
	if p, err := netip.ParsePrefix(value); err == nil {
		if !p.IsSingleIP() {
			if (objType == "ipv4-addr") != p.Addr().Is4() {
				return fmt.Errorf("%s %q is of the other IP version", objType, value)
			}
			return e.Set("source.network", value)
		}
		addr = p.Addr()
	} else if addr, err = netip.ParseAddr(value); err != nil {
		return fmt.Errorf("%s %q is not an IP address or CIDR prefix", objType, value)
	}
	addr = addr.Unmap().WithZone("")
	if (objType == "ipv4-addr") != addr.Is4() {
		return fmt.Errorf("%s %q is of the other IP version", objType, value)
	}
	return e.Set("source.ip", addr.String())
}

// isDomain reports whether a normalised host name looks like a domain name: labels
// of letters, digits, hyphens and underscores, and not an IP address.
func isDomain(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
				return false
			}
		}
	}
	return true
}

// withFields returns a copy of base with its own Fields, plus the extra fields kv
// (name, value pairs) that are not empty.
func withFields(base *event.Event, kv ...string) event.Event {
	e := *base
	e.Fields = make(map[string]string, len(base.Fields)+len(kv)/2)
	maps.Copy(e.Fields, base.Fields)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			e.Fields[kv[i]] = kv[i+1]
		}
	}
	return e
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
