package shadowserver

func compromisedWebsite() Report {
	return Report{
		Type: "compromised_website", Key: "compromised_website", FeedName: "Compromised-Website",
		URL: "https://www.shadowserver.org/what-we-do/network-reporting/compromised-website-report/",
		Constants: map[string]string{
			"classification.identifier": "compromised-website",
			"classification.taxonomy":   "intrusions",
			"classification.type":       "system-compromise",
		},
		Required: requiredIPPort(),
		Optional: []Mapping{
			{"protocol.application", "application", ValidateToNone},
			{"source.url", "url", ConvertHTTPHostAndURL},
			{"source.fqdn", "http_host", ValidateFQDN},
			{"event_description.text", "category", CategoryOrDetail},
			{"malware.name", "family", ValidateToNone},
			{"source.account", "account", ValidateToNone},
			{"severity", "severity", ValidateToNone},
			{"protocol.transport", "protocol", ""},
			{"source.reverse_dns", "hostname", ""},
			{"extra.", "tag", ""},
			{"source.asn", "asn", InvalidateZero},
			{"source.geolocation.cc", "geo", ""},
			{"source.geolocation.region", "region", ""},
			{"source.geolocation.city", "city", ""},
			{"extra.", "naics", InvalidateZero},
			{"extra.", "hostname_source", ValidateToNone},
			{"extra.", "sector", ValidateToNone},
			{"extra.", "system", ValidateToNone},
			{"extra.", "detected_since", ValidateToNone},
			{"extra.", "server", ValidateToNone},
			{"extra.", "redirect_target", ValidateToNone},
			{"extra.", "cc_url", ValidateToNone},
			{"status", "status", ""},
			{"extra.", "detail", ValidateToNone},
			{"extra.", "public_source", ValidateToNone},
			{"product.vulnerabilities", "tag", ExtractCVEFromTag},
		},
	}
}

func blocklist() Report {
	return Report{
		Type: "blocklist", Key: "blocklist", FeedName: "Blocklist",
		URL: "https://www.shadowserver.org/what-we-do/network-reporting/blocklist-report/",
		Constants: map[string]string{
			"classification.identifier": "blacklisted-ip",
			"classification.taxonomy":   "other",
			"classification.type":       "blacklist",
		},
		Required: []Mapping{
			{"time.source", "timestamp", AddUTCToTimestamp},
			{"source.ip", "ip", ValidateIP},
		},
		Optional: []Mapping{
			{"source.network", "ip", ValidateNetwork},
			{"extra.source_name", "source", ValidateToNone},
			{"extra.", "tag", ValidateToNone},
			{"severity", "severity", ValidateToNone},
			{"source.reverse_dns", "hostname", ""},
			{"extra.", "reason", ValidateToNone},
			{"source.asn", "asn", InvalidateZero},
			{"source.geolocation.cc", "geo", ""},
			{"source.geolocation.region", "region", ""},
			{"source.geolocation.city", "city", ""},
			{"extra.", "naics", InvalidateZero},
			{"extra.", "sector", ValidateToNone},
		},
	}
}
