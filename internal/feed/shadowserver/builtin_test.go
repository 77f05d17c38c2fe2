package shadowserver

import (
	"maps"
	"slices"
	"testing"
)

// TestBuiltinMatchesSchema proves that every built-in report type maps the same
// columns to the same fields through the same conversions, with the same constants, as
// Shadowserver's schema file.
func TestBuiltinMatchesSchema(t *testing.T) {
	t.Parallel()
	ref := referenceSchema(t)
	builtin := Builtin()
	if n := len(builtin.Types()); n < 25 {
		t.Errorf("Builtin has %d report types, want at least 25", n)
	}
	if u := builtin.UnknownConversions(); len(u) != 0 {
		t.Errorf("Builtin uses unknown conversions %v", u)
	}
	for _, typ := range builtin.Types() {
		t.Run(typ, func(t *testing.T) {
			got, _ := builtin.Report(typ)
			want, ok := ref.Report(typ)
			if !ok {
				t.Fatalf("report type %s is not in the schema file", typ)
			}
			if got.Type != want.Type || got.Key != want.Key || got.FeedName != want.FeedName || got.URL != want.URL {
				t.Errorf("names = %q %q %q %q, want %q %q %q %q", got.Type, got.Key, got.FeedName, got.URL,
					want.Type, want.Key, want.FeedName, want.URL)
			}
			if !maps.Equal(got.Constants, want.Constants) {
				t.Errorf("constants = %v, want %v", got.Constants, want.Constants)
			}
			if !slices.Equal(got.Required, want.Required) {
				t.Errorf("required = %v, want %v", got.Required, want.Required)
			}
			if !slices.Equal(got.Optional, want.Optional) {
				for i := range max(len(got.Optional), len(want.Optional)) {
					var g, w Mapping
					if i < len(got.Optional) {
						g = got.Optional[i]
					}
					if i < len(want.Optional) {
						w = want.Optional[i]
					}
					if g != w {
						t.Errorf("optional[%d] = %v, want %v", i, g, w)
					}
				}
			}
		})
	}
}

// TestBuiltinTypes pins the list of built-in types, so that removing one is deliberate.
func TestBuiltinTypes(t *testing.T) {
	t.Parallel()
	want := []string{
		"blocklist", "compromised_website", "event4_honeypot_brute_force", "event4_honeypot_darknet",
		"event4_honeypot_http_scan", "event4_sinkhole", "event4_sinkhole_http", "event6_sinkhole",
		"event6_sinkhole_http", "scan_cwmp", "scan_dns", "scan_elasticsearch", "scan_exchange",
		"scan_ftp", "scan_http", "scan_http_vulnerable", "scan_ldap_tcp", "scan_ldap_udp",
		"scan_memcached", "scan_mqtt", "scan_mssql", "scan_mysql", "scan_ntp", "scan_ntpmonitor",
		"scan_postgres", "scan_rdp", "scan_redis", "scan_smb", "scan_smtp", "scan_snmp", "scan_ssdp",
		"scan_ssh", "scan_ssl", "scan_telnet", "scan_vnc",
	}
	if got := Builtin().Types(); !slices.Equal(got, want) {
		t.Errorf("Builtin().Types() = %v\nwant %v", got, want)
	}
}
