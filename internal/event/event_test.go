package event

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSetGet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, value string
		want       string // what Get returns
	}{
		{"feed.name", "Accessible-SMB", "Accessible-SMB"},
		{"feed.provider", "Shadowserver", "Shadowserver"},
		{"time.source", "2024-07-04 10:00:00", "2024-07-04T10:00:00Z"},
		{"time.observation", "2024-07-04T12:00:00.5+02:00", "2024-07-04T10:00:00.5Z"},
		{"classification.taxonomy", "vulnerable", "vulnerable"},
		{"classification.type", "vulnerable-system", "vulnerable-system"},
		{"classification.identifier", "open-smb", "open-smb"},
		{"severity", "HIGH", "high"},
		{"product.vendor", "Microsoft", "Microsoft"},
		{"product.product", "Windows", "Windows"},
		{"product.version", "10.0", "10.0"},
		{"product.vulnerabilities", "cve-2017-0144; CVE-2017-0144,cve-2021-44228", "CVE-2017-0144,CVE-2021-44228"},
		{"tlp", "amber+strict", "AMBER+STRICT"},
		{"raw", "a,b,c\n", "a,b,c\n"},
	}
	for _, prefix := range []string{"source.", "destination."} {
		tests = append(tests, []struct{ key, value, want string }{
			{prefix + "ip", "192.0.2.1", "192.0.2.1"},
			{prefix + "ip", " 2001:DB8::1 ", "2001:db8::1"},
			{prefix + "ip", "::ffff:192.0.2.1", "192.0.2.1"},
			{prefix + "ip", "fe80::1%eth0", "fe80::1"},
			{prefix + "port", "443", "443"},
			{prefix + "port", " 65535", "65535"},
			{prefix + "asn", "64496", "64496"},
			{prefix + "asn", "AS64496", "64496"},
			{prefix + "asn", "as4294967295", "4294967295"},
			{prefix + "network", "192.0.2.7/24", "192.0.2.0/24"},
			{prefix + "network", "2001:DB8::1/32", "2001:db8::/32"},
			{prefix + "fqdn", "Example.NL.", "example.nl"},
			{prefix + "fqdn", "Bücher.Example", "xn--bcher-kva.example"},
			{prefix + "url", "http://Example.NL/Path", "http://Example.NL/Path"},
			{prefix + "account", "Alice@Example.NL", "Alice@Example.NL"},
		}...)
	}
	for _, tt := range tests {
		var e Event
		if err := e.Set(tt.key, tt.value); err != nil {
			t.Errorf("Set(%q, %q): %v", tt.key, tt.value, err)
			continue
		}
		got := e.Get(tt.key)
		if got != tt.want {
			t.Errorf("Set(%q, %q), then Get = %q, want %q", tt.key, tt.value, got, tt.want)
		}
		if len(e.Fields) != 0 {
			t.Errorf("Set(%q, %q) wrote Fields %v; the field is typed", tt.key, tt.value, e.Fields)
		}
		// What Get returns, Set reads back to the same event.
		var again Event
		if err := again.Set(tt.key, got); err != nil || again.Get(tt.key) != got {
			t.Errorf("Set(%q, %q) round trip: Get = %q, %v", tt.key, got, again.Get(tt.key), err)
		}
	}
}

func TestSetTypedFields(t *testing.T) {
	t.Parallel()
	var e Event
	for _, kv := range [][2]string{
		{"source.ip", "192.0.2.1"}, {"source.port", "445"}, {"source.asn", "AS64496"},
		{"source.network", "192.0.2.0/24"}, {"destination.ip", "::ffff:198.51.100.1"},
		{"time.source", "2024-07-04T12:00:00+02:00"},
	} {
		if err := e.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if e.Source.IP != netip.MustParseAddr("192.0.2.1") || e.Source.Port != 445 || e.Source.ASN != 64496 ||
		e.Source.Network != netip.MustParsePrefix("192.0.2.0/24") {
		t.Errorf("Source = %+v", e.Source)
	}
	if !e.Destination.IP.Is4() {
		t.Errorf("destination.ip %v is not unmapped to IPv4", e.Destination.IP)
	}
	if want := time.Date(2024, 7, 4, 10, 0, 0, 0, time.UTC); e.TimeSource != want {
		t.Errorf("TimeSource = %v, want %v in UTC", e.TimeSource, want)
	}
}

func TestSetFields(t *testing.T) {
	t.Parallel()
	keys := []string{"extra.tag", "protocol.transport", "malware.name", "source.geolocation.cc",
		"source.reverse_dns", "destination.as_name", "source", "sourceip", "source.ip.extra", "feed.accuracy"}
	var e Event
	for _, k := range keys {
		if err := e.Set(k, "v-"+k); err != nil {
			t.Errorf("Set(%q): %v", k, err)
		}
	}
	for _, k := range keys {
		if e.Fields[k] != "v-"+k || e.Get(k) != "v-"+k {
			t.Errorf("%s: Fields %q, Get %q; want %q", k, e.Fields[k], e.Get(k), "v-"+k)
		}
	}
	if len(e.Fields) != len(keys) || e.Source != (Endpoint{}) {
		t.Errorf("Fields = %v, Source = %+v; want only the %d fields set", e.Fields, e.Source, len(keys))
	}
	if e.Get("extra.absent") != "" {
		t.Errorf("Get of an absent field = %q", e.Get("extra.absent"))
	}
}

func TestSetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ key, value, want string }{
		{"source.ip", "300.1.1.1", `source.ip: not an IP address: "300.1.1.1"`},
		{"source.ip", "192.0.2.0/24", `source.ip: not an IP address`},
		{"destination.ip", "example.nl", `destination.ip: not an IP address`},
		{"source.port", "65536", `source.port: not a port number: "65536"`},
		{"source.port", "-1", `source.port: not a port number`},
		{"destination.port", "http", `destination.port: not a port number`},
		{"source.asn", "ASX", `source.asn: not an AS number: "ASX"`},
		{"source.asn", "4294967296", `source.asn: not an AS number`},
		{"source.asn", "-1", `source.asn: not an AS number`},
		{"source.network", "192.0.2.0/33", `source.network: not a network prefix: "192.0.2.0/33"`},
		{"destination.network", "192.0.2.1", `destination.network: not a network prefix`},
		{"time.source", "yesterday", `time.source: not a timestamp: "yesterday"`},
		{"time.observation", "2024-13-01", `time.observation: not a timestamp`},
	}
	for _, tt := range tests {
		e := Event{Source: Endpoint{Port: 1, ASN: 2}}
		before := e
		err := e.Set(tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%q, %q) = %v, want an error containing %q", tt.key, tt.value, err, tt.want)
		}
		if e.Source != before.Source || e.Destination != before.Destination || !e.TimeSource.IsZero() || len(e.Fields) != 0 {
			t.Errorf("Set(%q, %q) failed but changed the event: %+v", tt.key, tt.value, e)
		}
	}
}

func TestSetEmpty(t *testing.T) {
	t.Parallel()
	e := Event{FeedName: "x", Source: Endpoint{Port: 443}, Fields: map[string]string{"extra.a": "b"}}
	for _, k := range append(slices.Clone(typedKeys), "extra.a", "extra.new") {
		if err := e.Set(k, ""); err != nil {
			t.Errorf("Set(%q, \"\"): %v", k, err)
		}
	}
	if e.FeedName != "x" || e.Source.Port != 443 || e.Fields["extra.a"] != "b" || len(e.Fields) != 1 {
		t.Errorf("Set with empty values changed the event: %+v", e)
	}
}

func TestMapKeys(t *testing.T) {
	t.Parallel()
	var e Event
	if m := e.Map(); len(m) != 0 {
		t.Errorf("empty event: Map() = %v", m)
	}
	set := map[string]string{
		"feed.name": "f", "time.source": "2024-07-04T10:00:00Z", "source.ip": "192.0.2.1", "source.port": "80",
		"destination.fqdn": "example.nl", "classification.type": "scanner", "product.vulnerabilities": "CVE-2024-3094",
		"tlp": "GREEN", "raw": "r", "extra.b": "2", "extra.a": "1",
	}
	for k, v := range set {
		if err := e.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	m := e.Map()
	if len(m) != len(set) {
		t.Errorf("Map() = %v, want %v", m, set)
	}
	for k, v := range set {
		if m[k] != v {
			t.Errorf("Map()[%q] = %q, want %q", k, m[k], v)
		}
	}
	keys := e.Keys()
	if !sort.StringsAreSorted(keys) || len(keys) != len(set) {
		t.Errorf("Keys() = %q, want the %d keys sorted", keys, len(set))
	}
	for _, k := range keys {
		if _, ok := set[k]; !ok {
			t.Errorf("Keys() has %q, which was not set", k)
		}
	}
}

func TestAddVulnerabilities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"CVE-2017-0144"}, []string{"CVE-2017-0144"}},
		{[]string{"cve-2017-0144,CVE-2017-0144", "Cve-2017-0144"}, []string{"CVE-2017-0144"}},
		{[]string{"cve-2021-44228; cve-2021-45046 CVE-2017-0144"}, []string{"CVE-2021-44228", "CVE-2021-45046", "CVE-2017-0144"}},
		{[]string{"smb;cve-2017-0144", "eternalblue"}, []string{"CVE-2017-0144"}},
		{[]string{"", " , ;"}, nil},
		{[]string{"(cve-2021-44228). [CVE-2017-0144];"}, []string{"CVE-2021-44228", "CVE-2017-0144"}},
		{[]string{"CVE-2024-123456\r\nCVE-2024-3094"}, []string{"CVE-2024-123456", "CVE-2024-3094"}},
		{[]string{"CVE-2024-1 CVE-2024-123 CVE-24-12345 CVE-2024 CVE-2024-"}, nil},
		{[]string{"CVE-2024-12345x CVE_2024_12345 xCVE-2024-12345 CVE-2024-12a45 CVE-20x4-12345"}, nil},
		{[]string{"CVE-\uff12\uff10\uff12\uff14-12345 CVE-2024-\u0661\u0662\u0663\u0664"}, nil}, // no non-ASCII digits
	}
	for _, tt := range tests {
		var e Event
		for _, s := range tt.in {
			e.AddVulnerabilities(s)
		}
		if !slices.Equal(e.Vulnerabilities, tt.want) {
			t.Errorf("AddVulnerabilities(%q) = %q, want %q", tt.in, e.Vulnerabilities, tt.want)
		}
	}
}

// TestAddVulnerabilitiesOnlyCVEs: only CVE-YYYY-NNNN identifiers are taken, and any
// white space separates them.
func TestAddVulnerabilitiesOnlyCVEs(t *testing.T) {
	t.Parallel()
	var e Event
	e.AddVulnerabilities("CVE-FOO cve-2021-44228. CVE-2017-0144\tCVE-2021-45046\nCVE-2019-0708")
	want := []string{"CVE-2017-0144", "CVE-2019-0708", "CVE-2021-44228", "CVE-2021-45046"}
	got := slices.Sorted(slices.Values(e.Vulnerabilities))
	if !slices.Equal(got, want) {
		t.Errorf("AddVulnerabilities kept %q, want %q", e.Vulnerabilities, want)
	}
}

// fingerprinted is an event with every input of Fingerprint set.
func fingerprinted() Event {
	return Event{
		FeedName:       "Accessible-SMB",
		Classification: Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"},
		Source: Endpoint{IP: netip.MustParseAddr("192.0.2.1"), Port: 445, FQDN: "host.example.nl",
			URL: "http://host.example.nl/", Account: "alice@example.nl"},
		TimeSource: time.Date(2024, 7, 4, 10, 0, 0, 0, time.UTC),
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	base := fingerprinted()
	fp := base.Fingerprint()
	if again := fingerprinted(); again.Fingerprint() != fp {
		t.Fatal("the same event gives two fingerprints")
	}
	if s := fp.String(); len(s) != 32 || strings.Trim(s, "0123456789abcdef") != "" {
		t.Errorf("String() = %q, want 32 lower-case hex digits", s)
	}
	// Each input changes the fingerprint.
	inputs := map[string]func(e *Event){
		"feed.name":                 func(e *Event) { e.FeedName = "Other" },
		"classification.identifier": func(e *Event) { e.Classification.Identifier = "open-smb-2" },
		"source.ip":                 func(e *Event) { e.Source.IP = netip.MustParseAddr("192.0.2.2") },
		"source.ip unset":           func(e *Event) { e.Source.IP = netip.Addr{} },
		"source.ip IPv6":            func(e *Event) { e.Source.IP = netip.MustParseAddr("::ffff:192.0.2.1") },
		"source.port":               func(e *Event) { e.Source.Port = 139 },
		"source.fqdn":               func(e *Event) { e.Source.FQDN = "other.example.nl" },
		"source.url":                func(e *Event) { e.Source.URL = "http://host.example.nl/x" },
		"source.account":            func(e *Event) { e.Source.Account = "bob@example.nl" },
		"time.source":               func(e *Event) { e.TimeSource = e.TimeSource.Add(time.Nanosecond) },
		"source.network":            func(e *Event) { e.Source.Network = netip.MustParsePrefix("192.0.2.0/24") },
		"fqdn and url shifted": func(e *Event) {
			e.Source.FQDN, e.Source.URL = e.Source.FQDN+e.Source.URL[:1], e.Source.URL[1:]
		},
	}
	for name, change := range inputs {
		e := fingerprinted()
		change(&e)
		if e.Fingerprint() == fp {
			t.Errorf("changing %s does not change the fingerprint", name)
		}
	}
	// Anything else does not.
	others := map[string]func(e *Event){
		"feed.provider":           func(e *Event) { e.FeedProvider = "Other" },
		"time.observation":        func(e *Event) { e.TimeObservation = time.Now() },
		"time.source in a zone":   func(e *Event) { e.TimeSource = e.TimeSource.In(time.FixedZone("CEST", 7200)) },
		"source.asn":              func(e *Event) { e.Source.ASN = 64496 },
		"destination":             func(e *Event) { e.Destination = Endpoint{IP: netip.MustParseAddr("198.51.100.1"), Port: 80} },
		"classification.type":     func(e *Event) { e.Classification.Type = "other" },
		"severity":                func(e *Event) { e.Severity = "high" },
		"product":                 func(e *Event) { e.ProductName, e.ProductVendor, e.ProductVersion = "a", "b", "c" },
		"product.vulnerabilities": func(e *Event) { e.Vulnerabilities = []string{"CVE-2017-0144"} },
		"tlp":                     func(e *Event) { e.TLP = "RED" },
		"fields":                  func(e *Event) { e.Fields = map[string]string{"extra.tag": "x"} },
		"raw":                     func(e *Event) { e.Raw = "a,b" },
	}
	for name, change := range others {
		e := fingerprinted()
		change(&e)
		if e.Fingerprint() != fp {
			t.Errorf("changing %s changes the fingerprint", name)
		}
	}
}

// TestFingerprintNetwork: rows that name a whole network (blocklists, STIX CIDR
// indicators) have no source.ip, so their network must tell them apart.
func TestFingerprintNetwork(t *testing.T) {
	t.Parallel()
	blocklist := func(network string) Event {
		return Event{FeedName: "Blocklist", Source: Endpoint{Network: netip.MustParsePrefix(network)}}
	}
	a, b := blocklist("192.0.2.0/24"), blocklist("198.51.100.0/24")
	if a.Fingerprint() == b.Fingerprint() {
		t.Errorf("networks %v and %v give the same fingerprint", a.Source.Network, b.Source.Network)
	}
	for _, other := range []string{"192.0.2.0/25", "::ffff:192.0.2.0/120", "2001:db8::/32"} {
		if o := blocklist(other); o.Fingerprint() == a.Fingerprint() {
			t.Errorf("networks %v and %v give the same fingerprint", a.Source.Network, o.Source.Network)
		}
	}
	if unmasked := blocklist("192.0.2.7/24"); unmasked.Fingerprint() != a.Fingerprint() {
		t.Errorf("192.0.2.7/24 and 192.0.2.0/24 are one network but give two fingerprints")
	}
}

// TestFingerprintStable: fingerprints are stored, so an event that names no network
// must keep the fingerprint it had before source.network became an input.
func TestFingerprintStable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		e    Event
		want string
	}{
		{"every input", fingerprinted(), "fc738c45249c6380b9348c9032fa532b"},
		{"empty event", Event{}, "7f76945efcffbc1f28379b9ebb0067a7"},
	}
	for _, tt := range tests {
		if got := tt.e.Fingerprint().String(); got != tt.want {
			t.Errorf("%s: Fingerprint() = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestSetURLNeedsHost: URL fields hold URLs. Shadowserver's scan_exchange and sinkhole
// HTTP reports put a bare path in their url column when the host is unknown; such a
// value is refused (and a parser keeps it as extra), never stored as a URL.
func TestSetURLNeedsHost(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"/owa/auth/x.js", "http://%zz/", "GET /x HTTP/1.1"} {
		var e Event
		if err := e.Set("destination.url", v); err == nil || e.Destination.URL != "" {
			t.Errorf("Set(destination.url, %q) = %v, URL %q; want an error and no URL", v, err, e.Destination.URL)
		}
	}
	var e Event
	if err := e.Set("source.url", "https://mail.example.nl/owa/"); err != nil || e.Source.URL != "https://mail.example.nl/owa/" {
		t.Errorf("Set(source.url) = %v, %q", err, e.Source.URL)
	}
}

// TestSetProtocolLowerCase: IntelMQ holds protocol.application and protocol.transport
// in lower case; Shadowserver's schema writes some constants otherwise ("CouchDB").
func TestSetProtocolLowerCase(t *testing.T) {
	t.Parallel()
	var e Event
	_ = e.Set("protocol.application", "CouchDB")
	_ = e.Set("protocol.transport", " TCP")
	if a, tr := e.Get("protocol.application"), e.Get("protocol.transport"); a != "couchdb" || tr != "tcp" {
		t.Errorf("protocol = %q, %q; want couchdb, tcp", a, tr)
	}
}

// TestFingerprintTransport: Shadowserver's scan_ldap_tcp and scan_ldap_udp share the
// identifier open-ldap; the same host found over TCP and UDP at the same time is two
// events. An event without a transport keeps the fingerprint it always had.
func TestFingerprintTransport(t *testing.T) {
	t.Parallel()
	ldap := func(transport string) Event {
		var e Event
		for k, v := range map[string]string{"feed.name": "shadowserver", "classification.identifier": "open-ldap",
			"source.ip": "192.0.2.10", "source.port": "389", "time.source": "2026-03-24T02:13:45Z", "protocol.transport": transport} {
			if err := e.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	tcp, udp, none := ldap("tcp"), ldap("udp"), ldap("")
	if tcp.Fingerprint() == udp.Fingerprint() {
		t.Error("LDAP over TCP and over UDP have the same fingerprint")
	}
	if none.Fingerprint() == tcp.Fingerprint() {
		t.Error("an event without transport has the fingerprint of one over TCP")
	}
}
