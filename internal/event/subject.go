package event

import (
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Subject is the part of an event that names a system: what matching looks at. Parsers
// fill it cheaply for every row, so that only the rows that match pay for a full Event.
type Subject struct {
	IP          netip.Addr   // source.ip
	Network     netip.Prefix // source.network, for rows that name a whole network (blocklists)
	ASN         uint32       // source.asn
	FQDN        string       // source.fqdn: lower case, no trailing dot
	URLHost     string       // the host of source.url, when it is a name (lower case)
	EmailDomain string       // the domain of source.account, when it is an e-mail address (lower case)
}

// Subject returns the event's subject.
func (e *Event) Subject() Subject {
	s := Subject{IP: e.Source.IP, Network: e.Source.Network, ASN: e.Source.ASN, FQDN: e.Source.FQDN}
	s.URLHost = URLHost(e.Source.URL)
	if ip, err := netip.ParseAddr(s.URLHost); err == nil {
		s.URLHost = ""
		if !s.IP.IsValid() {
			s.IP = normaliseIP(ip) // as Set("source.ip") would
		}
	}
	s.EmailDomain = EmailDomain(e.Source.Account)
	return s
}

// URLHost returns the lower-case host of a URL ("http://Example.nl:8080/x" gives
// "example.nl"), also for URLs written without a scheme; "" when there is none.
func URLHost(raw string) string {
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return NormaliseHost(u.Hostname())
}

// NormaliseHost returns a host name as assets are registered: lower case, IDNA A-labels,
// no trailing dot. A name IDNA refuses is only lower-cased, so that nothing is lost.
func NormaliseHost(name string) string {
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			if ascii, err := idna.Lookup.ToASCII(name); err == nil {
				// IDNA maps a trailing "。" or "．" to a dot, as asset.NormaliseDomain does.
				return strings.TrimSuffix(ascii, ".")
			}
			break
		}
	}
	return name
}

// EmailDomain returns the lower-case domain of an e-mail address, "" when account is not one.
func EmailDomain(account string) string {
	at := strings.LastIndexByte(account, '@')
	if at <= 0 || at == len(account)-1 {
		return ""
	}
	return NormaliseHost(account[at+1:])
}
