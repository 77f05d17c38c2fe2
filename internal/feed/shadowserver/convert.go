package shadowserver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// Conversion names a function that checks or converts a CSV value before it goes into an
// event field. The names are those of IntelMQ's Shadowserver parser.
type Conversion string

// The conversions Shadowserver's schema uses. Each returns "no value" for what IntelMQ
// turns into None (empty text, "0" where zero means unknown, ...).
const (
	AddUTCToTimestamp      Conversion = "add_UTC_to_timestamp"      // timestamp without zone, in UTC
	CategoryOrDetail       Conversion = "category_or_detail"        // the value, else the row's "detail"
	ConvertBool            Conversion = "convert_bool"              // y/yes/true/enabled/1 and their opposites
	ConvertDate            Conversion = "convert_date"              // a date in any common form, to UTC
	ConvertDateUTC         Conversion = "convert_date_utc"          // the same, a date without zone being UTC
	ConvertFloat           Conversion = "convert_float"             // a decimal number
	ConvertHTTPHostAndURL  Conversion = "convert_http_host_and_url" // URL from the row's host and path columns
	ConvertInt             Conversion = "convert_int"               // an integer
	ExtractCVEFromTag      Conversion = "extract_cve_from_tag"      // the CVE identifiers among the tags
	ForceBase64            Conversion = "force_base64"              // base64, encoding the value if it is not
	InvalidateZero         Conversion = "invalidate_zero"           // an integer, 0 meaning none
	ScanExchangeIdentifier Conversion = "scan_exchange_identifier"  // classification.identifier from the tag
	ScanExchangeTaxonomy   Conversion = "scan_exchange_taxonomy"    // classification.taxonomy from the tag
	ScanExchangeType       Conversion = "scan_exchange_type"        // classification.type from the tag
	ValidateFQDN           Conversion = "validate_fqdn"             // a domain name, in lower-case A-labels
	ValidateIP             Conversion = "validate_ip"               // an IP address (not a network, not 0.0.0.0)
	ValidateNetwork        Conversion = "validate_network"          // a network prefix such as 192.0.2.0/24
	ValidateToNone         Conversion = "validate_to_none"          // the value, "", "0" and "unknown" meaning none
)

// Known reports whether this package implements the conversion. "" (none) is known.
func (c Conversion) Known() bool { return c == "" || c.fn() != nil }

// row gives conversions that need them the other values of the current row.
type row interface {
	// get returns the value of a column, and whether the header has that column.
	get(column string) (string, bool)
}

// convertFunc converts one value. ok is false for "no value"; err says why a value is
// malformed, for a person to read.
type convertFunc func(v string, r row) (out string, ok bool, err error)

func (c Conversion) fn() convertFunc {
	switch c {
	case AddUTCToTimestamp, ConvertDateUTC:
		return convertTime
	case ConvertDate:
		return convertDate
	case CategoryOrDetail:
		return categoryOrDetail
	case ConvertBool:
		return convertBool
	case ConvertFloat:
		return convertFloat
	case ConvertHTTPHostAndURL:
		return httpHostAndURL
	case ConvertInt:
		return convertInt
	case ExtractCVEFromTag:
		return extractCVE
	case ForceBase64:
		return forceBase64
	case InvalidateZero:
		return invalidateZero
	case ScanExchangeIdentifier:
		return exchange("exchange-server-webshell", "vulnerable-exchange-server")
	case ScanExchangeTaxonomy:
		return exchange("intrusions", "vulnerable")
	case ScanExchangeType:
		return exchange("system-compromise", "infected-system")
	case ValidateFQDN:
		return validateFQDN
	case ValidateIP:
		return validateIP
	case ValidateNetwork:
		return validateNetwork
	case ValidateToNone:
		return validateToNone
	}
	return nil
}

// identity is what an unknown conversion, or none, does: keep any non-empty value.
func identity(v string, _ row) (string, bool, error) { return v, v != "", nil }

func validateToNone(v string, _ row) (string, bool, error) {
	switch v {
	case "", "0", "unknown":
		return "", false, nil
	}
	return v, true, nil
}

func convertInt(v string, _ row) (string, bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return "", false, fmt.Errorf("%q is not an integer", v)
	}
	return strconv.FormatInt(n, 10), true, nil
}

func invalidateZero(v string, r row) (string, bool, error) {
	out, ok, err := convertInt(v, r)
	if out == "0" {
		return "", false, nil
	}
	return out, ok, err
}

func convertFloat(v string, _ row) (string, bool, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", false, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return "", false, fmt.Errorf("%q is not a number", v)
	}
	return strconv.FormatFloat(f, 'g', -1, 64), true, nil
}

func convertBool(v string, _ row) (string, bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "y", "yes", "true", "enabled", "1":
		return "true", true, nil
	case "n", "no", "false", "disabled", "0":
		return "false", true, nil
	}
	return "", false, nil
}

// shadowserverTime is how Shadowserver writes timestamps, in UTC.
const shadowserverTime = "2006-01-02 15:04:05"

func convertTime(v string, _ row) (string, bool, error) {
	if strings.TrimSpace(v) == "" {
		return "", false, nil
	}
	// Try Shadowserver's own form first: it is almost always the one, and each form
	// event.ParseTime tries before it costs a failed parse.
	if len(v) == len(shadowserverTime) {
		if t, err := time.Parse(shadowserverTime, v); err == nil {
			return event.FormatTime(t), true, nil
		}
	}
	t, err := event.ParseTime(v)
	if err != nil {
		return "", false, fmt.Errorf("%q is not a timestamp", v)
	}
	return event.FormatTime(t), true, nil
}

// dateLayouts are the extra date forms of HTTP headers and certificates, without the
// day of the week, which dropWeekday removes first.
var dateLayouts = [...]string{
	"_2 Jan 2006 15:04:05 MST", "_2 Jan 2006 15:04:05 -0700", "02-Jan-06 15:04:05 MST",
	"_2-Jan-2006 15:04:05 MST", "Jan _2 15:04:05 2006", "Jan _2 15:04:05 MST 2006",
	"Jan _2 15:04:05 2006 MST", "2006-01-02T15:04:05Z0700", "_2 Jan 2006 15:04 MST",
}

func convertDate(v string, r row) (string, bool, error) {
	out, ok, err := convertTime(v, r)
	if err == nil {
		return out, ok, nil
	}
	d := dropWeekday(strings.TrimSpace(v))
	for _, layout := range dateLayouts {
		if t, perr := time.Parse(layout, d); perr == nil {
			return event.FormatTime(t), true, nil
		}
	}
	return "", false, err
}

// weekdays are the days of the week, in lower case.
var weekdays = [...]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// dropWeekday removes a leading day of the week, however abbreviated ("Thu", "Thur",
// "Thurs", "Thursday", with or without a comma): servers write them all, and Go's
// layouts know only "Mon" and "Monday". The day adds nothing the date does not say.
func dropWeekday(v string) string {
	word, rest, ok := strings.Cut(v, " ")
	if !ok {
		return v
	}
	word = strings.ToLower(strings.TrimSuffix(word, ","))
	if len(word) < 2 {
		return v
	}
	for _, day := range weekdays {
		if strings.HasPrefix(day, word) {
			return strings.TrimSpace(rest)
		}
	}
	return v
}

func validateIP(v string, _ row) (string, bool, error) {
	ip, ok, err := parseIP(strings.TrimSpace(v))
	if !ok {
		return "", false, err
	}
	return ip.String(), true, nil
}

// errNotIP is the reason given for a value that is neither an address nor a network.
var errNotIP = errors.New("is not an IP address")

// parseIP reads an address as validate_ip does: "" and the unspecified address are no
// value, and so is a network ("192.0.2.0/24"), which validate_network takes instead.
func parseIP(v string) (netip.Addr, bool, error) {
	if v == "" {
		return netip.Addr{}, false, nil
	}
	if strings.IndexByte(v, '/') >= 0 {
		if _, err := netip.ParsePrefix(v); err == nil {
			return netip.Addr{}, false, nil
		}
		return netip.Addr{}, false, fmt.Errorf("%q %w", v, errNotIP)
	}
	ip, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, false, fmt.Errorf("%q %w", v, errNotIP)
	}
	ip = ip.Unmap().WithZone("")
	if ip.IsUnspecified() {
		return netip.Addr{}, false, nil
	}
	return ip, true, nil
}

func validateNetwork(v string, _ row) (string, bool, error) {
	v = strings.TrimSpace(v)
	if strings.IndexByte(v, '/') < 0 {
		return "", false, nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return "", false, fmt.Errorf("%q is not a network prefix", v)
	}
	return p.Masked().String(), true, nil
}

func forceBase64(v string, _ row) (string, bool, error) {
	if v == "" {
		return "", false, nil
	}
	if _, err := base64.StdEncoding.DecodeString(v); err == nil {
		return v, true, nil
	}
	return base64.StdEncoding.EncodeToString([]byte(v)), true, nil
}

func categoryOrDetail(v string, r row) (string, bool, error) {
	if v != "" {
		return v, true, nil
	}
	d, _ := r.get("detail")
	return d, d != "", nil
}

// exchange returns a scan_exchange conversion: one value for servers with a web shell,
// another for servers that are only vulnerable. IntelMQ compares the whole tag with
// "exchange;webshell"; Shadowserver's tags list more ("exchange;webshell;cve-..."), so a
// web shell among the tags, in any order, is what counts.
func exchange(webshell, vulnerable string) convertFunc {
	return func(v string, _ row) (string, bool, error) {
		if hasTag(v, "webshell") {
			return webshell, true, nil
		}
		return vulnerable, true, nil
	}
}

// hasTag reports whether the ";"-separated tags of v hold tag, in any case.
func hasTag(v, tag string) bool {
	for t := range strings.SplitSeq(v, ";") {
		if strings.EqualFold(strings.TrimSpace(t), tag) {
			return true
		}
	}
	return false
}
