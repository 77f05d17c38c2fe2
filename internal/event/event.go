// Package event defines Baken's normalised event: one observation from a threat feed.
//
// Field names follow IntelMQ's harmonisation ("source.ip", "classification.type", ...)
// so that people who know IntelMQ feel at home and IntelMQ output can be ingested as it is.
// The fields that matching, deduplication and notification need are typed; every other
// harmonised field, and every "extra.*" field, is kept by name in Fields.
package event

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Event is one normalised observation. The zero value is an empty event.
type Event struct {
	FeedName     string // feed.name
	FeedProvider string // feed.provider

	TimeSource      time.Time // time.source: when the source saw it (UTC)
	TimeObservation time.Time // time.observation: when Baken (or the feed) read it (UTC)

	Source      Endpoint // source.*: the system the event is about
	Destination Endpoint // destination.*

	Classification Classification // classification.*

	Severity        string   // severity: critical, high, medium, low, info
	ProductVendor   string   // product.vendor
	ProductName     string   // product.product
	ProductVersion  string   // product.version
	Vulnerabilities []string // product.vulnerabilities: CVE identifiers, upper case
	TLP             string   // tlp: CLEAR, GREEN, AMBER, AMBER+STRICT, RED

	// Fields holds every other harmonised field ("protocol.transport",
	// "malware.name", "extra.tag", ...), by its IntelMQ name.
	Fields map[string]string

	Raw string // raw: the original row, as the feed delivered it
}

// Endpoint is the source or the destination of an event.
type Endpoint struct {
	IP      netip.Addr   // .ip
	Port    uint16       // .port, 0 when unknown
	ASN     uint32       // .asn, 0 when unknown
	Network netip.Prefix // .network
	FQDN    string       // .fqdn, lower case, IDNA A-labels
	URL     string       // .url
	Account string       // .account: a user name or e-mail address
}

// Classification is IntelMQ's three-level classification of an event.
type Classification struct {
	Taxonomy   string // classification.taxonomy, e.g. "vulnerable"
	Type       string // classification.type, e.g. "vulnerable-system"
	Identifier string // classification.identifier, e.g. "open-smb"
}

// Set assigns the harmonised field key from its text form. Typed fields are parsed and
// an error names the field and the reason; any other key is kept in Fields. An empty
// value leaves the event unchanged.
func (e *Event) Set(key, value string) error {
	if value == "" {
		return nil
	}
	if ep, sub, ok := e.endpoint(key); ok {
		if err := ep.set(sub, value); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	}
	switch key {
	case "feed.name":
		e.FeedName = value
	case "feed.provider":
		e.FeedProvider = value
	case "time.source", "time.observation":
		t, err := ParseTime(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if key == "time.source" {
			e.TimeSource = t
		} else {
			e.TimeObservation = t
		}
	case "classification.taxonomy":
		e.Classification.Taxonomy = value
	case "classification.type":
		e.Classification.Type = value
	case "classification.identifier":
		e.Classification.Identifier = value
	case "severity":
		e.Severity = strings.ToLower(value)
	case "product.vendor":
		e.ProductVendor = value
	case "product.product":
		e.ProductName = value
	case "product.version":
		e.ProductVersion = value
	case "product.vulnerabilities":
		e.AddVulnerabilities(value)
	case "tlp":
		e.TLP = strings.ToUpper(value)
	case "raw":
		e.Raw = value
	case "protocol.application", "protocol.transport":
		// IntelMQ's harmonisation holds both in lower case ("http", "tcp").
		if e.Fields == nil {
			e.Fields = make(map[string]string)
		}
		e.Fields[key] = strings.ToLower(strings.TrimSpace(value))
	default:
		if e.Fields == nil {
			e.Fields = make(map[string]string)
		}
		e.Fields[key] = value
	}
	return nil
}

// Get returns the text form of the harmonised field key, or "" when it is not set.
func (e *Event) Get(key string) string {
	if ep, sub, ok := e.endpoint(key); ok {
		return ep.get(sub)
	}
	switch key {
	case "feed.name":
		return e.FeedName
	case "feed.provider":
		return e.FeedProvider
	case "time.source":
		return FormatTime(e.TimeSource)
	case "time.observation":
		return FormatTime(e.TimeObservation)
	case "classification.taxonomy":
		return e.Classification.Taxonomy
	case "classification.type":
		return e.Classification.Type
	case "classification.identifier":
		return e.Classification.Identifier
	case "severity":
		return e.Severity
	case "product.vendor":
		return e.ProductVendor
	case "product.product":
		return e.ProductName
	case "product.version":
		return e.ProductVersion
	case "product.vulnerabilities":
		return strings.Join(e.Vulnerabilities, ",")
	case "tlp":
		return e.TLP
	case "raw":
		return e.Raw
	}
	return e.Fields[key]
}

// Map returns every set field by its harmonised name, as IntelMQ would write it.
func (e *Event) Map() map[string]string {
	out := make(map[string]string, len(e.Fields)+16)
	for _, key := range typedKeys {
		if v := e.Get(key); v != "" {
			out[key] = v
		}
	}
	for k, v := range e.Fields {
		out[k] = v
	}
	return out
}

// Keys returns the names of every set field, sorted.
func (e *Event) Keys() []string {
	m := e.Map()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// AddVulnerabilities adds every CVE identifier found in text, once each, in upper case.
// Identifiers are separated by white space, commas or semicolons, may be in any case and
// wrapped in punctuation ("(cve-2021-44228)."); anything not of the form CVE-YYYY-NNNN
// (four or more digits at the end) is ignored, since feeds put free text in these columns.
func (e *Event) AddVulnerabilities(text string) {
	for _, f := range strings.FieldsFunc(text, isVulnerabilitySeparator) {
		id, ok := cveID(strings.TrimFunc(f, isNotAlphanumeric))
		if ok && !slices.Contains(e.Vulnerabilities, id) {
			e.Vulnerabilities = append(e.Vulnerabilities, id)
		}
	}
}

func isVulnerabilitySeparator(r rune) bool {
	return r == ',' || r == ';' || unicode.IsSpace(r)
}

func isNotAlphanumeric(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// cveID returns s in upper case when it is a CVE identifier: CVE-YYYY-NNNN, with a
// four-digit year and four or more digits.
func cveID(s string) (string, bool) {
	const minLen = len("CVE-2017-0144")
	if len(s) < minLen || !strings.EqualFold(s[:4], "CVE-") || s[8] != '-' ||
		!isASCIIDigits(s[4:8]) || !isASCIIDigits(s[9:]) {
		return "", false
	}
	return "CVE-" + s[4:], true
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

var typedKeys = []string{
	"feed.name", "feed.provider", "time.source", "time.observation",
	"source.ip", "source.port", "source.asn", "source.network", "source.fqdn", "source.url", "source.account",
	"destination.ip", "destination.port", "destination.asn", "destination.network", "destination.fqdn", "destination.url", "destination.account",
	"classification.taxonomy", "classification.type", "classification.identifier",
	"severity", "product.vendor", "product.product", "product.version", "product.vulnerabilities", "tlp", "raw",
}

func (e *Event) endpoint(key string) (*Endpoint, string, bool) {
	if sub, ok := strings.CutPrefix(key, "source."); ok && isEndpointField(sub) {
		return &e.Source, sub, true
	}
	if sub, ok := strings.CutPrefix(key, "destination."); ok && isEndpointField(sub) {
		return &e.Destination, sub, true
	}
	return nil, "", false
}

func isEndpointField(sub string) bool {
	switch sub {
	case "ip", "port", "asn", "network", "fqdn", "url", "account":
		return true
	}
	return false
}

func (ep *Endpoint) set(sub, value string) error {
	switch sub {
	case "ip":
		ip, err := netip.ParseAddr(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("not an IP address: %q", value)
		}
		ep.IP = normaliseIP(ip)
	case "port":
		p, err := strconv.ParseUint(strings.TrimSpace(value), 10, 16)
		if err != nil {
			return fmt.Errorf("not a port number: %q", value)
		}
		ep.Port = uint16(p)
	case "asn":
		a, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(value)), "AS"), 10, 32)
		if err != nil {
			return fmt.Errorf("not an AS number: %q", value)
		}
		ep.ASN = uint32(a)
	case "network":
		p, err := netip.ParsePrefix(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("not a network prefix: %q", value)
		}
		ep.Network = p.Masked()
	case "fqdn":
		ep.FQDN = NormaliseHost(value)
	case "url":
		// IntelMQ's URL type wants a host: a bare path ("/owa/auth/x.aspx") names
		// nothing anyone can find, so it is refused and a parser keeps it as extra.
		if URLHost(value) == "" {
			return fmt.Errorf("not a URL (no host): %q", value)
		}
		ep.URL = value
	case "account":
		ep.Account = value
	}
	return nil
}

// normaliseIP returns ip as events hold it: IPv4-mapped addresses as IPv4, no zone.
func normaliseIP(ip netip.Addr) netip.Addr {
	return ip.Unmap().WithZone("")
}

func (ep *Endpoint) get(sub string) string {
	switch sub {
	case "ip":
		if ep.IP.IsValid() {
			return ep.IP.String()
		}
	case "port":
		if ep.Port != 0 {
			return strconv.Itoa(int(ep.Port))
		}
	case "asn":
		if ep.ASN != 0 {
			return strconv.FormatUint(uint64(ep.ASN), 10)
		}
	case "network":
		if ep.Network.IsValid() {
			return ep.Network.String()
		}
	case "fqdn":
		return ep.FQDN
	case "url":
		return ep.URL
	case "account":
		return ep.Account
	}
	return ""
}

// Fingerprint identifies an event for deduplication: the same observation delivered
// twice has the same fingerprint, whatever else the rows carry.
type Fingerprint [16]byte

// String returns the fingerprint in hexadecimal.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// Fingerprint computes the event's fingerprint from its feed, classification identifier,
// source ip, port, fqdn, url, account and network, transport protocol and source time.
func (e *Event) Fingerprint() Fingerprint {
	h := sha256.New()
	var buf [8]byte
	for _, s := range []string{e.FeedName, e.Classification.Identifier, e.Source.FQDN, e.Source.URL, e.Source.Account} {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	ip, _ := e.Source.IP.MarshalBinary()
	h.Write([]byte{byte(len(ip))})
	h.Write(ip)
	binary.BigEndian.PutUint16(buf[:2], e.Source.Port)
	h.Write(buf[:2])
	binary.BigEndian.PutUint64(buf[:], uint64(e.TimeSource.UnixNano()))
	h.Write(buf[:])
	// The network comes last and only when set, so that events without one keep the
	// fingerprints already stored; everything before it has a fixed or written length.
	if e.Source.Network.IsValid() {
		network, _ := e.Source.Network.Masked().MarshalBinary()
		h.Write([]byte{byte(len(network))})
		h.Write(network)
	}
	// The transport comes after, also only when set: an open service found over TCP
	// and over UDP at the same moment (LDAP, DNS) is two findings, not one. A marker
	// byte keeps it apart from a network.
	if t := e.Fields["protocol.transport"]; t != "" {
		h.Write([]byte{0xff, byte(len(t))})
		h.Write([]byte(t))
	}
	var f Fingerprint
	copy(f[:], h.Sum(nil))
	return f
}

// integerFields are the harmonised fields IntelMQ holds as integers.
var integerFields = map[string]bool{
	"source.port": true, "destination.port": true, "source.asn": true, "destination.asn": true,
}

// Typed returns the fields of m (IntelMQ names) with their values typed by TypedValue:
// what the JSON of events in attachments and exports holds.
func Typed(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = TypedValue(k, v)
	}
	return out
}

// TypedValue returns the value of field key as IntelMQ's harmonisation types it, for
// JSON: ports and AS numbers as numbers, every other field as its text.
func TypedValue(key, value string) any {
	if integerFields[key] {
		if n, err := strconv.ParseUint(value, 10, 32); err == nil {
			return n
		}
	}
	return value
}
