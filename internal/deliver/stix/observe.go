package stix

import (
	"net/netip"
	"slices"

	"github.com/baken-cert/baken/internal/event"
)

// sco adds the observable of type typ with the properties props and returns its id. The
// id is made of the properties, so that the same observable is one object.
func (b *builder) sco(typ string, props obj) string {
	key, err := marshal(props)
	if err != nil { // props hold only strings, numbers and string lists
		panic("stix: observable: " + err.Error())
	}
	o := obj{"type": typ, "spec_version": "2.1", "id": b.id(typ, string(key)),
		"object_marking_refs": []string{b.marking}}
	for k, v := range props {
		o[k] = v
	}
	return b.add(o, b.n.Modified)
}

// address adds the ipv4-addr or ipv6-addr of ip, or of a network when ip is not set, and
// returns its id and IP version ("ipv4", "ipv6"); "" when there is neither.
func (b *builder) address(ip netip.Addr, network netip.Prefix) (id, version string) {
	value := ""
	switch {
	case ip.IsValid():
		ip = ip.Unmap().WithZone("")
		value = ip.String()
	case network.IsValid():
		network = network.Masked()
		ip, value = network.Addr().Unmap(), network.String()
	default:
		return "", ""
	}
	if ip.Is4() {
		return b.sco("ipv4-addr", obj{"value": value}), "ipv4"
	}
	return b.sco("ipv6-addr", obj{"value": value}), "ipv6"
}

// observables adds what e names (addresses, host name, URL, account, the traffic seen,
// the software) and returns their ids, sorted. Values STIX cannot hold are left out.
func (b *builder) observables(e *event.Event) []string {
	var refs []string
	keep := func(id string) string {
		if id != "" && !slices.Contains(refs, id) {
			refs = append(refs, id)
		}
		return id
	}
	addr, version := b.address(e.Source.IP, e.Source.Network)
	keep(addr)
	host := ""
	if validHostname(e.Source.FQDN) {
		host = keep(b.sco("domain-name", obj{"value": e.Source.FQDN}))
	}
	if u, ok := stixURL(e.Source.URL); ok {
		keep(b.sco("url", obj{"value": u}))
	}
	if account := clean(e.Source.Account); account != "" {
		// The login only: whatever else the feed had for the account (a password, a
		// hash) is never in an event, and would not be written here if it were.
		user := keep(b.sco("user-account", obj{"account_login": account}))
		if validEmail(account) {
			keep(b.sco("email-addr", obj{"value": account, "belongs_to_ref": user}))
		}
	}
	if e.Source.ASN != 0 {
		keep(b.sco("autonomous-system", obj{"number": int64(e.Source.ASN)}))
	}
	if name := clean(e.ProductName); name != "" {
		sw := obj{"name": name}
		if v := clean(e.ProductVendor); v != "" {
			sw["vendor"] = v
		}
		if v := clean(e.ProductVersion); v != "" {
			sw["version"] = v
		}
		keep(b.sco("software", sw))
	}
	subject := addr
	if subject == "" {
		subject = host
	}
	keep(b.traffic(e, subject, version))
	slices.Sort(refs)
	return refs
}

// traffic adds the network-traffic e saw, when it says of any, and returns its id.
//
// An event with a destination saw the system connect out (an infected system calling a
// sinkhole): the system is the source. One without saw a service on the system (a scan):
// the system is the destination, on the port scanned.
func (b *builder) traffic(e *event.Event, subject, version string) string {
	dst, dstVersion := b.address(e.Destination.IP, netip.Prefix{})
	props := obj{}
	if dst != "" || e.Destination.Port != 0 {
		if subject != "" {
			props["src_ref"] = subject
		}
		if e.Source.Port != 0 {
			props["src_port"] = int(e.Source.Port)
		}
		if dst != "" {
			props["dst_ref"] = dst
		}
		if e.Destination.Port != 0 {
			props["dst_port"] = int(e.Destination.Port)
		}
		if version == "" {
			version = dstVersion
		}
	} else {
		if subject == "" || (e.Source.Port == 0 && e.Fields["protocol.transport"] == "" && e.Fields["protocol.application"] == "") {
			return ""
		}
		props["dst_ref"] = subject
		if e.Source.Port != 0 {
			props["dst_port"] = int(e.Source.Port)
		}
	}
	if props["src_ref"] == nil && props["dst_ref"] == nil {
		return ""
	}
	protocols := protocolStack(version, e.Fields["protocol.transport"], e.Fields["protocol.application"])
	if len(protocols) == 0 {
		return ""
	}
	props["protocols"] = protocols
	return b.sco("network-traffic", props)
}

// protocolStack lists the protocols from the outermost in, as STIX wants: lower-case
// service names, each once; a name that is not one is left out.
func protocolStack(names ...string) []string {
	var out []string
	for _, n := range names {
		if validProtocol(n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// validProtocol tells whether s is written as IANA service names are: lower-case letters,
// digits and hyphens, at most 63.
func validProtocol(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
