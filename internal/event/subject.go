package event

import (
	"net/netip"
	"net/url"
	"strings"
)

// Subject is the part of an event that names a system: what matching looks at. Parsers
// fill it cheaply for every row, so that only the rows that match pay for a full Event.
type Subject struct {
	IP          netip.Addr // source.ip
	ASN         uint32     // source.asn
	FQDN        string     // source.fqdn: lower case, no trailing dot
	URLHost     string     // the host of source.url, when it is a name (lower case)
	EmailDomain string     // the domain of source.account, when it is an e-mail address (lower case)
}

// Subject returns the event's subject.
func (e *Event) Subject() Subject {
	s := Subject{IP: e.Source.IP, ASN: e.Source.ASN, FQDN: e.Source.FQDN}
	s.URLHost = URLHost(e.Source.URL)
	if ip, err := netip.ParseAddr(s.URLHost); err == nil {
		s.URLHost = ""
		if !s.IP.IsValid() {
			s.IP = ip
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
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// EmailDomain returns the lower-case domain of an e-mail address, "" when account is not one.
func EmailDomain(account string) string {
	at := strings.LastIndexByte(account, '@')
	if at <= 0 || at == len(account)-1 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(account[at+1:])), ".")
}
