package verify

import (
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/baken-cert/baken/internal/problem"
)

// field handles one "Name: value" line; name matches case-insensitively.
func (p *parser) field(n int, name, value string) {
	switch strings.ToLower(name) {
	case "contact":
		p.contact(n, value)
	case "expires":
		p.expires(n, value)
	case "preferred-languages":
		p.languages(n, value)
	case "encryption":
		// Also openpgp4fpr: and dns: URIs (RFC 9116 section 2.5.4).
		p.uri(n, "Encryption", value, nil, &p.st.Encryption)
	case "acknowledgments", "acknowledgements":
		p.uri(n, "Acknowledgments", value, []string{"https"}, &p.st.Acknowledgments)
	case "canonical":
		p.uri(n, "Canonical", value, []string{"https"}, &p.st.Canonical)
	case "policy":
		p.uri(n, "Policy", value, []string{"https"}, &p.st.Policy)
	case "hiring":
		p.uri(n, "Hiring", value, []string{"https"}, &p.st.Hiring)
	case "csaf":
		p.csaf(n, value)
	default:
		p.note(n, problem.New("unknown field %q (allowed, and ignored)", name))
	}
}

// contact reads a Contact field: a mailto:, https: or tel: URI.
func (p *parser) contact(n int, value string) {
	if !strings.Contains(value, ":") && strings.Contains(value, "@") {
		p.fail(n, problem.New("Contact %q is not a URI: write mailto:%s", shorten(value), shorten(value)))
		return
	}
	u, ok := p.uri(n, "Contact", value, []string{"mailto", "https", "tel"}, nil)
	if !ok {
		return
	}
	if u.Scheme == "mailto" {
		emails, err := mailtoAddresses(u)
		if err != nil {
			p.note(n, problem.New("Contact %q: %v", shorten(value), err))
			return
		}
		for _, e := range emails {
			if !slices.Contains(p.st.Emails, e) {
				p.st.Emails = append(p.st.Emails, e)
			}
		}
	}
	p.st.Contacts = append(p.st.Contacts, value)
}

// mailtoAddresses returns the addresses of a mailto: URI (RFC 6068), lower-cased, or
// what is wrong with them.
func mailtoAddresses(u *url.URL) ([]string, *problem.Problem) {
	to, err := url.PathUnescape(u.Opaque)
	if err != nil || to == "" {
		return nil, problem.New("no e-mail address in the mailto: URI")
	}
	var out []string
	for _, a := range strings.Split(to, ",") {
		addr, err := mail.ParseAddress(strings.TrimSpace(a))
		if err != nil {
			return nil, problem.New("%q is not an e-mail address", shorten(a))
		}
		// Mail systems treat addresses case-insensitively in practice; one form
		// lets callers compare and de-duplicate them.
		email := strings.ToLower(addr.Address)
		at := strings.LastIndexByte(email, '@')
		if at < 0 || strings.ContainsRune(email, utf8.RuneError) {
			return nil, problem.New("%q is not an e-mail address", shorten(a))
		}
		if !strings.Contains(email[at+1:], ".") {
			return nil, problem.New("%q has no internet domain", shorten(a))
		}
		out = append(out, email)
	}
	return out, nil
}

// uri checks that value is an absolute URI, with one of schemes if any are given,
// and a host if it is a web URI; if so it appends value to *list (when list is
// not nil) and returns the parsed URI.
func (p *parser) uri(n int, field, value string, schemes []string, list *[]string) (*url.URL, bool) {
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" {
		p.fail(n, problem.New("%s %q is not a URI", field, shorten(value)))
		return nil, false
	}
	// url.Parse lower-cases the scheme.
	switch {
	case u.Scheme == "http":
		p.fail(n, problem.New("%s %q must use https, not http", field, shorten(value)))
		return nil, false
	case len(schemes) > 0 && !slices.Contains(schemes, u.Scheme):
		// A URI, so allowed, but not one Baken (or a reporter) can use here.
		p.note(n, problem.New("%s %q: a %s URI is expected, not %s:", field, shorten(value), strings.Join(schemes, ":, "), u.Scheme))
		return nil, false
	case u.Scheme == "https" && u.Host == "":
		p.fail(n, problem.New("%s %q has no host", field, shorten(value)))
		return nil, false
	}
	if list != nil {
		*list = append(*list, value)
	}
	return u, true
}

// csaf reads a CSAF field: an https URI of a CSAF provider's provider-metadata.json
// (CSAF 2.0 section 7.1.8).
func (p *parser) csaf(n int, value string) {
	u, ok := p.uri(n, "CSAF", value, []string{"https"}, &p.st.CSAF)
	if !ok {
		return
	}
	if !strings.HasSuffix(u.Path, "/provider-metadata.json") {
		p.fail(n, problem.New("CSAF %q does not name a provider-metadata.json file", shorten(value)))
	}
	if len(p.st.CSAF) == 2 {
		p.note(n, problem.New("more than one CSAF field; one is recommended"))
	}
}

// rfc3339Upper writes the letters of an RFC 3339 date-time in the case time.Parse wants.
var rfc3339Upper = strings.NewReplacer("t", "T", "z", "Z")

// expires reads the Expires field: one, an RFC 3339 date-time.
func (p *parser) expires(n int, value string) {
	p.expiresSeen++
	if p.expiresSeen > 1 {
		p.fail(n, problem.New("Expires appears more than once; RFC 9116 allows one"))
		return
	}
	// RFC 3339 section 5.6 allows a lower-case t and z; time.Parse does not.
	t, err := time.Parse(time.RFC3339, rfc3339Upper.Replace(value))
	if err != nil {
		p.fail(n, problem.New("Expires %q is not an RFC 3339 date and time such as 2026-12-31T23:59:59Z", shorten(value)))
		return
	}
	p.st.Expires = t
	p.expiresLine = n
}

// languages reads the Preferred-Languages field: one, a comma-separated list of
// language tags.
func (p *parser) languages(n int, value string) {
	p.langsSeen++
	if p.langsSeen > 1 {
		p.fail(n, problem.New("Preferred-Languages appears more than once; RFC 9116 allows one"))
		return
	}
	for _, tag := range strings.Split(value, ",") {
		tag = strings.TrimSpace(tag)
		if !isLanguageTag(tag) {
			p.fail(n, problem.New("%q is not a language tag (BCP 47) such as en or nl-BE", shorten(tag)))
			continue
		}
		p.st.PreferredLanguages = append(p.st.PreferredLanguages, tag)
	}
}

// isLanguageTag reports whether tag is a well-formed BCP 47 language tag whose
// subtags are registered. language.Parse also takes "_" for "-", BCP 47 does not.
func isLanguageTag(tag string) bool {
	if tag == "" || strings.Contains(tag, "_") {
		return false
	}
	_, err := language.Parse(tag)
	return err == nil
}
