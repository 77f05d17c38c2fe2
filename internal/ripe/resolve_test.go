package ripe

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// dataset reads RPSL text into a new Dataset and fails on any skipped object.
func dataset(t *testing.T, rpsl string) *Dataset {
	t.Helper()
	d := NewDataset()
	if err := d.ReadDump(strings.NewReader(rpsl), "test"); err != nil {
		t.Fatal(err)
	}
	if p := d.Stats().Problems; len(p) > 0 {
		t.Fatalf("skipped objects: %v", p)
	}
	return d
}

// The roles and organisations that the rule tests refer to.
const ruleContacts = `
role: Alpha Abuse
nic-hdl: ALPHA-TEST
abuse-mailbox: abuse@alpha.example

role: Beta Abuse
nic-hdl: BETA-TEST
abuse-mailbox: abuse@beta.example

role: Mailless
nic-hdl: MAILLESS-TEST
e-mail: not-abuse@example.net

organisation: ORG-BETA-TEST
org-name: Beta
abuse-c: BETA-TEST

organisation: ORG-NONE-TEST
org-name: None
abuse-mailbox: legacy@none.example
`

func TestResolutionRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rpsl    string // objects besides ruleContacts
		key     string // Range of the network to check
		mailbox string
		from    string
	}{
		{"own abuse-c", "inetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: ALPHA-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@alpha.example", "inetnum"},
		{"organisation's abuse-c", "inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-BETA-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "organisation"},
		{"own abuse-c before organisation's", "inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-BETA-TEST\nabuse-c: ALPHA-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@alpha.example", "inetnum"},
		{"missing role falls to organisation", "inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-BETA-TEST\nabuse-c: GONE-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "organisation"},
		{"role without abuse-mailbox falls to organisation", "inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-BETA-TEST\nabuse-c: MAILLESS-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "organisation"},
		{"nothing anywhere", "inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-NONE-TEST\nabuse-mailbox: legacy@inetnum.example",
			"192.0.2.0 - 192.0.2.255", "", ""},
		{"parent's own", "inetnum: 192.0.0.0 - 192.0.255.255\nabuse-c: ALPHA-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255",
			"192.0.2.0 - 192.0.2.255", "abuse@alpha.example", "parent:192.0.0.0 - 192.0.255.255"},
		{"parent's organisation", "inetnum: 192.0.0.0 - 192.0.255.255\norg: ORG-BETA-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "parent:192.0.0.0 - 192.0.255.255"},
		{"grandparent through a parent without", "inetnum: 192.0.0.0 - 192.0.255.255\nabuse-c: ALPHA-TEST\n\n" +
			"inetnum: 192.0.2.0 - 192.0.2.255\norg: ORG-NONE-TEST\n\ninetnum: 192.0.2.8 - 192.0.2.15",
			"192.0.2.8 - 192.0.2.15", "abuse@alpha.example", "parent:192.0.0.0 - 192.0.255.255"},
		{"nearest ancestor wins", "inetnum: 192.0.0.0 - 192.0.255.255\nabuse-c: ALPHA-TEST\n\n" +
			"inetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: BETA-TEST\n\ninetnum: 192.0.2.8 - 192.0.2.15",
			"192.0.2.8 - 192.0.2.15", "abuse@beta.example", "parent:192.0.2.0 - 192.0.2.255"},
		{"same start, parent larger", "inetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: ALPHA-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.0",
			"192.0.2.0 - 192.0.2.0", "abuse@alpha.example", "parent:192.0.2.0 - 192.0.2.255"},
		{"same end, parent larger", "inetnum: 192.0.2.255 - 192.0.2.255\n\ninetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: ALPHA-TEST",
			"192.0.2.255 - 192.0.2.255", "abuse@alpha.example", "parent:192.0.2.0 - 192.0.2.255"},
		{"sibling is no parent", "inetnum: 192.0.2.0 - 192.0.2.127\nabuse-c: ALPHA-TEST\n\ninetnum: 192.0.2.128 - 192.0.2.255",
			"192.0.2.128 - 192.0.2.255", "", ""},
		{"parent after a sibling's subtree", "inetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: ALPHA-TEST\n\n" +
			"inetnum: 192.0.2.0 - 192.0.2.127\nabuse-c: BETA-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.63\n\ninetnum: 192.0.2.128 - 192.0.2.129",
			"192.0.2.128 - 192.0.2.129", "abuse@alpha.example", "parent:192.0.2.0 - 192.0.2.255"},
		{"child read before parent", "inetnum: 192.0.2.0 - 192.0.2.255\n\ninetnum: 192.0.0.0 - 192.0.255.255\nabuse-c: ALPHA-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@alpha.example", "parent:192.0.0.0 - 192.0.255.255"},
		{"references in any case", "inetnum: 192.0.2.0 - 192.0.2.255\norg: org-beta-test",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "organisation"},
		{"last duplicate wins", "inetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: ALPHA-TEST\n\ninetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: BETA-TEST",
			"192.0.2.0 - 192.0.2.255", "abuse@beta.example", "inetnum"},
		{"IPv6 own", "inet6num: 2001:db8::/32\nabuse-c: ALPHA-TEST",
			"2001:db8::/32", "abuse@alpha.example", "inet6num"},
		{"IPv6 parent", "inet6num: 2001:db8::/32\norg: ORG-BETA-TEST\n\ninet6num: 2001:db8:1::/48",
			"2001:db8:1::/48", "abuse@beta.example", "parent:2001:db8::/32"},
		{"IPv6 is no parent of IPv4", "inet6num: ::/0\nabuse-c: ALPHA-TEST\n\ninetnum: 0.0.0.0 - 0.0.0.255",
			"0.0.0.0 - 0.0.0.255", "", ""},
		{"IPv4 is no parent of IPv6", "inetnum: 0.0.0.0 - 255.255.255.255\nabuse-c: ALPHA-TEST\n\ninet6num: ::/96",
			"::/96", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Contacts go last so that references are resolved after reading, not during it.
			d := dataset(t, tt.rpsl+"\n"+ruleContacts)
			ns := d.Networks()
			i := slices.IndexFunc(ns, func(n Network) bool { return n.Range == tt.key })
			if i < 0 {
				t.Fatalf("no network %q in %v", tt.key, ns)
			}
			if n := ns[i]; n.AbuseMailbox != tt.mailbox || n.AbuseFrom != tt.from {
				t.Errorf("mailbox, from = %q, %q; want %q, %q", n.AbuseMailbox, n.AbuseFrom, tt.mailbox, tt.from)
			}
		})
	}
}

// render shows a Network on one line.
func render(n Network) string {
	return fmt.Sprintf("%s %v %s %s %q %s %q %s %s", n.Range, n.Prefixes, n.Netname, n.Country, n.Status,
		n.OrgID, n.OrgName, n.AbuseMailbox, n.AbuseFrom)
}

func TestNetworksTestdata(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got []string
	for _, n := range b.d.Networks() {
		got = append(got, render(n))
	}
	want := []string{
		`0.0.0.0 - 255.255.255.255 [0.0.0.0/0] IANA-BLK EU "ALLOCATED UNSPECIFIED" ORG-IANA1-RIPE "Internet Assigned Numbers Authority"  `,
		`192.0.2.0 - 192.0.2.255 [192.0.2.0/24] EXAMPLE-ALLOC NL "ALLOCATED PA" ORG-EA1-TEST "Example Allocation B.V." abuse@alloc.example inetnum`,
		`192.0.2.0 - 192.0.2.127 [192.0.2.0/25] EXAMPLE-CUST1 NL "ASSIGNED PA"  "" abuse@alloc.example parent:192.0.2.0 - 192.0.2.255`,
		`192.0.2.64 - 192.0.2.95 [192.0.2.64/27] EXAMPLE-CUST1-SUB NL "ASSIGNED PA"  "" abuse@alloc.example parent:192.0.2.0 - 192.0.2.255`,
		`192.0.2.128 - 192.0.2.191 [192.0.2.128/26] EXAMPLE-CUST2 NL "ASSIGNED PA" ORG-CU2-TEST "Customer Two" abuse@cust2.example organisation`,
		`192.0.2.192 - 192.0.2.255 [192.0.2.192/26] EXAMPLE-CUST3 NL "ASSIGNED PA" ORG-NOABUSE-TEST "No Abuse Contact Ltd" abuse@alloc.example parent:192.0.2.0 - 192.0.2.255`,
		`198.51.100.0 - 198.51.101.127 [198.51.100.0/24 198.51.101.0/25] EXAMPLE-NONCIDR DE "ASSIGNED PA" ORG-CU2-TEST "Customer Two" abuse@alloc.example inetnum`,
		`198.51.100.128 - 198.51.100.191 [198.51.100.128/26] EXAMPLE-NOMAIL DE "ASSIGNED PA" ORG-CU2-TEST "Customer Two" abuse@cust2.example organisation`,
		`198.51.102.7 - 198.51.102.7 [198.51.102.7/32] EXAMPLE-HOST DE "ASSIGNED PA"  "" abuse@cust2.example inetnum`,
		`2001:db8::/32 [2001:db8::/32] EXAMPLE-V6-ALLOC NL "ALLOCATED-BY-RIR" ORG-EA1-TEST "Example Allocation B.V." abuse@alloc.example organisation`,
		`2001:db8:1000::/36 [2001:db8:1000::/36] EXAMPLE-V6-CUST2 NL "ASSIGNED"  "" abuse@cust2.example inet6num`,
		`2001:db8:1000:1::/64 [2001:db8:1000:1::/64] EXAMPLE-V6-CUST2-LAN NL "ASSIGNED"  "" abuse@cust2.example parent:2001:db8:1000::/36`,
		`2001:db8:ffff::/48 [2001:db8:ffff::/48] EXAMPLE-V6-OTHER NL "ASSIGNED"  "" abuse@alloc.example parent:2001:db8::/32`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Networks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A second call gives the same result.
	if again := b.d.Networks(); len(again) != len(want) || render(again[6]) != want[6] {
		t.Errorf("second Networks call differs")
	}
}

func TestASNs(t *testing.T) {
	t.Parallel()
	got := setup(t).d.ASNs()
	want := []ASN{
		{Number: 64496, Name: "EXAMPLE-AS", OrgID: "ORG-CU2-TEST", OrgName: "Customer Two", AbuseMailbox: "abuse@alloc.example", AbuseFrom: "aut-num"},
		{Number: 64497, Name: "EXAMPLE-ORG-AS", OrgID: "ORG-CU2-TEST", OrgName: "Customer Two", AbuseMailbox: "abuse@cust2.example", AbuseFrom: "organisation"},
		{Number: 64498, Name: "EXAMPLE-NOABUSE-AS", OrgID: "ORG-NOABUSE-TEST", OrgName: "No Abuse Contact Ltd"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("ASNs:\n%+v\nwant:\n%+v", got, want)
	}

	d := dataset(t, "aut-num: AS4294967295\nabuse-c: A\n\naut-num: as7\n\naut-num: AS4294967295\nas-name: LATER\n\n"+
		"role: R\nnic-hdl: a\nabuse-mailbox: abuse@r.example")
	got = d.ASNs()
	want = []ASN{{Number: 7}, {Number: 4294967295, Name: "LATER"}}
	if !slices.Equal(got, want) || d.Stats().Duplicates != 1 {
		t.Errorf("ASNs = %+v (duplicates %d), want %+v and 1 duplicate", got, d.Stats().Duplicates, want)
	}
	for _, key := range []string{"AS4294967296", "AS", "AS-1", "AS+1", "64496", "AS1.5"} {
		err := NewDataset().Add(Object{Type: "aut-num", Key: key, Line: 3, Attributes: []Attribute{{"aut-num", key}}})
		if oe, ok := err.(*ObjectError); !ok || oe.Line != 3 {
			t.Errorf("Add(aut-num %q) = %v, want an ObjectError on line 3", key, err)
		}
	}
}

func TestAllNetworks(t *testing.T) {
	t.Parallel()
	d := setup(t).d
	all := d.Networks()
	var got []Network
	for n := range d.AllNetworks() {
		if got = append(got, n); len(got) == 3 {
			break
		}
	}
	if len(got) != 3 || render(got[2]) != render(all[2]) {
		t.Errorf("AllNetworks stopped at %d networks, third %+v; want 3, third %+v", len(got), got, all[2])
	}
}

func TestAddOtherClasses(t *testing.T) {
	t.Parallel()
	d := dataset(t, "mntner: EXAMPLE-MNT\nauth: SSO\n\nroute: 192.0.2.0/24\norigin: AS64496\n\n"+
		"person: Nobody\nnic-hdl: NB1-TEST\nabuse-mailbox: not@role.example\n\ninetnum: 192.0.2.0 - 192.0.2.255\nabuse-c: NB1-TEST")
	if s := d.Stats(); s.Inetnums != 1 || s.Roles != 0 || s.Organisations != 0 {
		t.Errorf("Stats = %+v, want one inetnum and nothing else", s)
	}
	if n := d.Networks()[0]; n.AbuseMailbox != "" {
		t.Errorf("a person's abuse-mailbox was used: %+v", n)
	}
	for _, o := range []Object{
		{Type: "organisation", Line: 7, Attributes: []Attribute{{"organisation", ""}}},
		{Type: "role", Key: "R", Line: 7, Attributes: []Attribute{{"role", "R"}, {"abuse-mailbox", "a@b.example"}}},
	} {
		if err, ok := NewDataset().Add(o).(*ObjectError); !ok || err.Line != 7 {
			t.Errorf("Add(%+v) = %v, want an ObjectError on line 7", o, err)
		}
	}
}
