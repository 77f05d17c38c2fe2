package shadowserver

// Builtin returns the report types Baken knows without a schema file: the open
// services Shadowserver scans for most, vulnerable HTTP and Exchange servers, sinkhole
// and honeypot events, compromised websites and the block list. The tables in the
// builtin_*.go files copy Shadowserver's schema of 2026-03-24 mapping for mapping;
// TestBuiltinMatchesSchema checks them against the schema file. For every other report
// type, load the schema file with LoadSchema.
//
// Each call returns a new Schema, which the caller may keep and share: a Schema is
// never changed after it is made.
func Builtin() *Schema {
	s, err := NewSchema(builtinReports())
	if err != nil {
		panic("shadowserver: built-in schema: " + err.Error()) // a bug in the tables
	}
	return s
}

func builtinReports() []Report {
	return []Report{
		// Open and accessible services.
		scanFTP(), scanSMB(), scanRDP(), scanTelnet(), scanVNC(), scanSSH(), scanSSL(),
		scanSNMP(), scanNTP(), scanNTPMonitor(), scanDNS(), scanSSDP(), scanMemcached(),
		scanLDAPUDP(), scanLDAPTCP(), scanMQTT(), scanMSSQL(), scanMySQL(), scanPostgres(),
		scanRedis(), scanElasticsearch(), scanHTTP(), scanCWMP(), scanSMTP(),
		// Vulnerable and compromised systems.
		scanHTTPVulnerable(), scanExchange(), compromisedWebsite(), blocklist(),
		// Infected hosts seen by sinkholes, and attackers seen by honeypots.
		event4Sinkhole(), event6Sinkhole(), event4SinkholeHTTP(), event6SinkholeHTTP(),
		event4HoneypotBruteForce(), event4HoneypotDarknet(), event4HoneypotHTTPScan(),
	}
}

// requiredIPPort are the required mappings of most scan reports.
func requiredIPPort() []Mapping {
	return []Mapping{
		{"time.source", "timestamp", AddUTCToTimestamp},
		{"source.ip", "ip", ValidateIP},
		{"source.port", "port", ConvertInt},
	}
}

// requiredSrcIPPort are the required mappings of event reports, which name the
// infected or attacking host src_ip.
func requiredSrcIPPort() []Mapping {
	return []Mapping{
		{"time.source", "timestamp", AddUTCToTimestamp},
		{"source.ip", "src_ip", ValidateIP},
		{"source.port", "src_port", ConvertInt},
	}
}
