package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Limits of a DNS lookup.
const (
	// queryTimeout bounds one query to one server (UDP, then TCP if truncated).
	queryTimeout = 5 * time.Second
	// maxCNAMEHops bounds how many CNAMEs a lookup follows.
	maxCNAMEHops = 8
	// udpSize is the EDNS0 buffer size offered (the DNS Flag Day 2020 value).
	udpSize = 1232
	// systemResolvConf is where the system's resolvers are read from.
	systemResolvConf = "/etc/resolv.conf"
)

// dnsResolver asks DNS servers directly, with github.com/miekg/dns, so that a check
// sees what the domain's DNS says now rather than what a local cache kept.
type dnsResolver struct {
	server     string // host:port; "" = the nameservers in resolvConf
	resolvConf string // default systemResolvConf
	timeout    time.Duration
}

// NewResolver returns a Resolver that asks the DNS server at server (host:port, e.g.
// "127.0.0.1:53"), or if server is "" the nameservers listed in /etc/resolv.conf,
// read at each lookup. It queries over UDP with EDNS0, retries over TCP when an
// answer is truncated, follows CNAMEs as the server answers them (asking again for
// the target when the server gives only the CNAME), and tries the next configured
// nameserver when one fails.
func NewResolver(server string) Resolver {
	return &dnsResolver{server: server, resolvConf: systemResolvConf, timeout: queryTimeout}
}

// LookupTXT implements Resolver.
func (r *dnsResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	servers, err := r.servers()
	if err != nil {
		return nil, err
	}
	qname := dns.Fqdn(strings.ToLower(name))
	seen := map[string]bool{}
	for range maxCNAMEHops + 1 {
		seen[qname] = true
		in, err := r.exchangeAny(ctx, servers, qname)
		if err != nil {
			return nil, err
		}
		if in.Rcode == dns.RcodeNameError {
			return nil, fmt.Errorf("TXT %s: %w", qname, ErrNotFound)
		}
		records, target := txtAt(in, qname)
		if len(records) > 0 || target == qname {
			return records, nil
		}
		// The server gave a CNAME but not what it points to: ask for the target.
		if seen[target] {
			return nil, fmt.Errorf("TXT %s: CNAME loop at %s", name, target)
		}
		qname = target
	}
	return nil, fmt.Errorf("TXT %s: more than %d CNAMEs", name, maxCNAMEHops)
}

// txtAt follows the CNAME chain from qname through the answer section and returns
// the TXT records of the name it ends at, and that name.
func txtAt(in *dns.Msg, qname string) ([]string, string) {
	owner := qname
	visited := map[string]bool{owner: true}
	for {
		next := cnameOf(in, owner)
		if next == "" || visited[next] {
			break
		}
		visited[next] = true
		owner = next
	}
	var records []string
	for _, rr := range in.Answer {
		if t, ok := rr.(*dns.TXT); ok && strings.EqualFold(t.Hdr.Name, owner) {
			// A TXT record of several character-strings is one value (RFC 7208 3.3).
			records = append(records, strings.Join(t.Txt, ""))
		}
	}
	return records, owner
}

// cnameOf returns the target of owner's CNAME in the answer section, or "".
func cnameOf(in *dns.Msg, owner string) string {
	for _, rr := range in.Answer {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, owner) {
			return strings.ToLower(dns.Fqdn(c.Target))
		}
	}
	return ""
}

// exchangeAny asks each server in turn until one answers NOERROR or NXDOMAIN.
func (r *dnsResolver) exchangeAny(ctx context.Context, servers []string, qname string) (*dns.Msg, error) {
	var errs []error
	for _, server := range servers {
		in, err := r.exchange(ctx, server, qname)
		if err == nil {
			return in, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// exchange asks one server, over UDP and then TCP if the answer was truncated.
func (r *dnsResolver) exchange(ctx context.Context, server, qname string) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(qname, dns.TypeTXT)
	m.RecursionDesired = true
	m.SetEdns0(udpSize, false)

	timeout := r.timeout
	if timeout <= 0 {
		timeout = queryTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	udp := &dns.Client{Net: "udp", UDPSize: udpSize, Timeout: timeout}
	in, _, err := udp.ExchangeContext(ctx, m, server)
	if in != nil && in.Truncated {
		// The answer did not fit a datagram (the message may not even unpack): ask
		// again over TCP, as RFC 7766 says.
		tcp := &dns.Client{Net: "tcp", Timeout: timeout}
		in, _, err = tcp.ExchangeContext(ctx, m, server)
	}
	if err != nil {
		return nil, fmt.Errorf("asking %s for TXT %s: %w", server, qname, err)
	}
	switch in.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		return in, nil
	}
	return nil, fmt.Errorf("asking %s for TXT %s: server answered %s", server, qname, dns.RcodeToString[in.Rcode])
}

// servers returns the servers to ask, as host:port.
func (r *dnsResolver) servers() ([]string, error) {
	if r.server != "" {
		return []string{r.server}, nil
	}
	conf, err := dns.ClientConfigFromFile(r.resolvConf)
	if err != nil {
		return nil, fmt.Errorf("reading the system's DNS servers: %w", err)
	}
	if len(conf.Servers) == 0 {
		return nil, fmt.Errorf("reading the system's DNS servers: none in %s", r.resolvConf)
	}
	servers := make([]string, len(conf.Servers))
	for i, s := range conf.Servers {
		servers[i] = net.JoinHostPort(s, conf.Port)
	}
	return servers, nil
}
