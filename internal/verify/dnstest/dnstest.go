// Package dnstest runs a real DNS server on loopback for tests: it answers TXT questions
// from records the test sets, and NXDOMAIN for every other name.
package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Server is a DNS server on 127.0.0.1 (UDP).
type Server struct {
	mu      sync.Mutex
	records map[string]string // lower-case name with its final dot -> TXT value
	addr    string
}

// Start starts a server that the test stops when it ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{records: map[string]string{}}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.addr = pc.LocalAddr().String()
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.answer)}
	go srv.ActivateAndServe()
	tb.Cleanup(func() { srv.Shutdown() })
	return s
}

// Addr is the server's address, host:port, for verify.NewResolver.
func (s *Server) Addr() string { return s.addr }

// SetTXT makes the server answer name (a fully qualified name, final dot optional) with
// one TXT record holding value; an empty value removes it.
func (s *Server) SetTXT(name, value string) {
	name = strings.ToLower(strings.TrimSuffix(name, ".")) + "."
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == "" {
		delete(s.records, name)
		return
	}
	s.records[name] = value
}

func (s *Server) answer(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	name := strings.ToLower(q.Question[0].Name)
	s.mu.Lock()
	value, ok := s.records[name]
	s.mu.Unlock()
	if ok && q.Question[0].Qtype == dns.TypeTXT {
		m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
			Txt: []string{value}})
	} else if !ok {
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}
