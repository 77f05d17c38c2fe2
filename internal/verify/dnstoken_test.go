package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const testToken = "baken-verify=abcdefghijklmnopqrstuvwxyz234567"

// testZone answers like a recursive resolver for a few names under .test.
// Names not listed are NXDOMAIN.
var testZone = map[string][]string{
	"_baken-challenge.ok.test.": {`TXT "` + testToken + `"`},
	"_baken-challenge.wrong.test.": {
		`TXT "baken-verify=someoneelsestoken"`,
		`TXT "v=spf1 -all"`,
	},
	"_baken-challenge.multi.test.":  {`TXT "baken-verify=abcdefghijklm" "nopqrstuvwxyz234567"`},
	"_baken-challenge.spaced.test.": {`TXT " ` + testToken + ` "`},
	"_baken-challenge.empty.test.":  {`A 192.0.2.1`}, // exists, no TXT
	// A recursive server answers the CNAME and the target's records at once.
	"_baken-challenge.alias.test.": {`CNAME token.provider.test.`},
	"token.provider.test.":         {`TXT "` + testToken + `"`},
	// Here the server answers only the CNAME: the target must be asked for.
	"_baken-challenge.alias-only.test.": {`CNAME elsewhere.other.test.`},
	"elsewhere.other.test.":             {`TXT "` + testToken + `"`},
	"_baken-challenge.loop.test.":       {`CNAME loop2.test.`},
	"loop2.test.":                       {`CNAME _baken-challenge.loop.test.`},
	"_baken-challenge.dangling.test.":   {`CNAME gone.test.`},
}

// dnsServer is an in-process DNS server on loopback, UDP and TCP on one port.
type dnsServer struct {
	addr       string
	tcpQueries atomic.Int32
}

func startDNS(t *testing.T) *dnsServer {
	t.Helper()
	s := &dnsServer{}
	pc, l := listenUDPAndTCP(t)
	s.addr = pc.LocalAddr().String()
	handler := dns.HandlerFunc(s.serve)
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: handler},
		{Listener: l, Handler: handler},
	} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { _ = srv.ActivateAndServe() }()
		<-started
		t.Cleanup(func() { _ = srv.Shutdown() })
	}
	return s
}

// listenUDPAndTCP binds UDP on a free loopback port, and TCP on the same port.
func listenUDPAndTCP(t *testing.T) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l
		}
		pc.Close()
	}
	t.Fatal("no loopback port free for both UDP and TCP")
	return nil, nil
}

func (s *dnsServer) serve(w dns.ResponseWriter, req *dns.Msg) {
	udp := w.LocalAddr().Network() == "udp"
	if !udp {
		s.tcpQueries.Add(1)
	}
	m := new(dns.Msg)
	m.SetReply(req)
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	switch {
	case name == "_baken-challenge.fail.test.":
		m.Rcode = dns.RcodeServerFailure
	case name == "_baken-challenge.refused.test.":
		m.Rcode = dns.RcodeRefused
	case name == "_baken-challenge.silent.test.":
		return // never answer: the client times out
	case name == "_baken-challenge.big.test.":
		// Thirty long unrelated records, then the token: too big for a datagram.
		for i := range 30 {
			m.Answer = append(m.Answer, rr(name, fmt.Sprintf(`TXT "unrelated-%02d-%s"`, i, strings.Repeat("x", 90))))
		}
		m.Answer = append(m.Answer, rr(name, `TXT "`+testToken+`"`))
	default:
		m.Rcode = s.answer(m, name, name != "_baken-challenge.alias-only.test.")
	}
	if udp {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = int(opt.UDPSize())
		}
		m.Truncate(size)
	}
	_ = w.WriteMsg(m)
}

// answer fills m from testZone, following CNAMEs within the zone if recurse.
func (s *dnsServer) answer(m *dns.Msg, name string, recurse bool) int {
	for range 10 {
		records, ok := testZone[name]
		if !ok {
			return dns.RcodeNameError
		}
		next := ""
		for _, r := range records {
			rec := rr(name, r)
			if c, ok := rec.(*dns.CNAME); ok {
				m.Answer = append(m.Answer, rec)
				next = c.Target
			} else if rec.Header().Rrtype == dns.TypeTXT {
				m.Answer = append(m.Answer, rec)
			}
		}
		if next == "" || !recurse {
			return dns.RcodeSuccess
		}
		name = next
	}
	return dns.RcodeSuccess
}

func rr(name, data string) dns.RR {
	r, err := dns.NewRR(name + " 300 IN " + data)
	if err != nil {
		panic(err)
	}
	return r
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	srv := startDNS(t)
	res := &dnsResolver{server: srv.addr, timeout: 500 * time.Millisecond}
	tests := []struct {
		domain  string
		want    Result
		wantErr string
	}{
		{"ok.test", Verified, ""},
		{"OK.Test.", Verified, ""}, // case and final dot do not matter
		{"wrong.test", Missing, ""},
		{"multi.test", Verified, ""},
		{"spaced.test", Verified, ""},
		{"empty.test", Missing, ""},
		{"nx.test", Missing, ""},
		{"alias.test", Verified, ""},
		{"alias-only.test", Verified, ""},
		{"dangling.test", Missing, ""},
		{"big.test", Verified, ""},
		{"fail.test", Unknown, "server answered SERVFAIL"},
		{"refused.test", Unknown, "server answered REFUSED"},
		{"silent.test", Unknown, "timeout"},
		{"loop.test", Unknown, "CNAME loop"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			t.Parallel()
			got, err := CheckToken(context.Background(), res, tt.domain, testToken)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CheckToken(%s) = %v, %v; want an error containing %q", tt.domain, got, err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("CheckToken(%s): %v", tt.domain, err)
			}
			if got != tt.want {
				t.Errorf("CheckToken(%s) = %v, want %v", tt.domain, got, tt.want)
			}
		})
	}
}

func TestTruncatedAnswerRetriedOverTCP(t *testing.T) {
	t.Parallel()
	srv := startDNS(t)
	res := NewResolver(srv.addr)
	records, err := res.LookupTXT(context.Background(), "_baken-challenge.big.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 31 || !slices.Contains(records, testToken) {
		t.Errorf("got %d records (token among them: %v), want 31 with the token", len(records), slices.Contains(records, testToken))
	}
	if n := srv.tcpQueries.Load(); n != 1 {
		t.Errorf("%d TCP queries, want 1", n)
	}
}

func TestLookupTXTJoinsStrings(t *testing.T) {
	t.Parallel()
	srv := startDNS(t)
	records, err := NewResolver(srv.addr).LookupTXT(context.Background(), "_baken-challenge.multi.test")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(records, []string{testToken}) {
		t.Errorf("got %q, want [%q]", records, testToken)
	}
	_, err = NewResolver(srv.addr).LookupTXT(context.Background(), "nothing.test")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("NXDOMAIN: got %v, want ErrNotFound", err)
	}
}

// fakeResolver answers from a map, or with err.
type fakeResolver struct {
	records []string
	err     error
}

func (f fakeResolver) LookupTXT(context.Context, string) ([]string, error) {
	return f.records, f.err
}

func TestCheckTokenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		r       fakeResolver
		domain  string
		token   string
		want    Result
		wantErr bool
	}{
		{"net.Resolver not found", fakeResolver{err: &net.DNSError{Err: "no such host", IsNotFound: true}}, "a.test", testToken, Missing, false},
		{"net.Resolver timeout", fakeResolver{err: &net.DNSError{Err: "timeout", IsTimeout: true}}, "a.test", testToken, Unknown, true},
		{"empty token never matches", fakeResolver{records: []string{""}}, "a.test", " ", Unknown, true},
		{"empty domain", fakeResolver{records: []string{testToken}}, " ", testToken, Unknown, true},
		{"prefix of token", fakeResolver{records: []string{testToken[:20]}}, "a.test", testToken, Missing, false},
		{"token with suffix", fakeResolver{records: []string{testToken + "x"}}, "a.test", testToken, Missing, false},
		{"case differs", fakeResolver{records: []string{strings.ToUpper(testToken)}}, "a.test", testToken, Missing, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := CheckToken(context.Background(), tt.r, tt.domain, tt.token)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestNewToken(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^baken-verify=[a-z2-7]{32}$`)
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if !re.MatchString(tok) {
			t.Fatalf("NewToken() = %q, want %s", tok, re)
		}
		if seen[tok] {
			t.Fatalf("NewToken() repeated %q", tok)
		}
		seen[tok] = true
	}
}

func TestChallengeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"example.org":  "_baken-challenge.example.org",
		"Example.ORG.": "_baken-challenge.example.org",
		" example.nl ": "_baken-challenge.example.nl",
	} {
		if got := ChallengeName(in); got != want {
			t.Errorf("ChallengeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSystemServers(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "resolv.conf")
	data := "# test\nnameserver 192.0.2.53\nnameserver ::1\nsearch example.org\n"
	if err := os.WriteFile(conf, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &dnsResolver{resolvConf: conf}
	got, err := r.servers()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"192.0.2.53:53", "[::1]:53"}; !slices.Equal(got, want) {
		t.Errorf("servers() = %q, want %q", got, want)
	}
	r = &dnsResolver{resolvConf: filepath.Join(t.TempDir(), "missing")}
	if _, err := r.servers(); err == nil {
		t.Error("a missing resolv.conf gave no error")
	}
}
