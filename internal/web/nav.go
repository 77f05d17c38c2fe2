package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/notify/message"
	"github.com/baken-cert/baken/internal/store"
)

// Every signed-in page has the same header: the language switch, who is signed in in
// which role, and one navigation for that role. navFor decides its links in one place.

// navLink is one link of the navigation; Label is a key of the catalog.
type navLink struct {
	Href, Label string
	Current     bool
}

// navData is what the header of a signed-in page needs.
type navData struct {
	User  store.User
	CSRF  string
	Here  string // the page's own path, for the language switch
	Links []navLink
}

// navFor returns the navigation of u's role on the page at path here: an
// organisation's users get their organisation's pages, analysts and administrators
// the CERT's.
func navFor(u store.User, csrf, here string) navData {
	var links []navLink
	if u.OrgID != 0 {
		links = []navLink{{Href: "/", Label: "Overview"}, {Href: "/assets", Label: "Assets"}, {Href: "/domains", Label: "Domains"},
			{Href: "/contacts", Label: "Notification addresses"}, {Href: "/notifications", Label: "Notifications"},
			{Href: "/tokens", Label: "API tokens"}}
	} else {
		links = []navLink{{Href: "/", Label: "Overview"}, {Href: "/review", Label: "Review"}, {Href: "/approvals", Label: "Approvals"},
			{Href: "/organisations", Label: "Organisations"}, {Href: "/audit", Label: "Audit log"}}
	}
	if u.Role == store.RoleAdmin || u.Role == store.RoleOrgAdmin {
		links = append(links, navLink{Href: "/users", Label: "Users"})
	}
	links = append(links, navLink{Href: "/account/sessions", Label: "Sessions"}, navLink{Href: "/account/passkeys", Label: "Passkeys"})
	path, _, _ := strings.Cut(here, "?")
	for i, l := range links {
		links[i].Current = path == l.Href || (l.Href != "/" && strings.HasPrefix(path, l.Href+"/"))
	}
	return navData{User: u, CSRF: csrf, Here: here, Links: links}
}

// navKey is the context key of a signed-in request's navigation, for its error pages.
type navKey struct{}

func withNav(r *http.Request, n navData) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), navKey{}, n))
}

// roleLabels name the roles of users (keys of the catalog).
var roleLabels = map[string]string{
	store.RoleAdmin:     "Administrator",
	store.RoleAnalyst:   "Analyst",
	store.RoleOrgAdmin:  "Organisation administrator",
	store.RoleOrgMember: "Organisation member",
}

// kindLabels name the kinds of assets (keys of the catalog).
var kindLabels = map[asset.Kind]string{
	asset.IPv4:        "IPv4 address",
	asset.IPv6:        "IPv6 address",
	asset.IPv4Prefix:  "IPv4 range",
	asset.IPv6Prefix:  "IPv6 range",
	asset.ASN:         "AS number",
	asset.Domain:      "Domain",
	asset.DomainTree:  "Domain and its subdomains",
	asset.EmailDomain: "E-mail domain",
}

// readable turns a code people were not meant to read (open-smb, scan_smb) into words:
// the label of a table when it has one, else the code with spaces, capitalised.
func readable(code string) string {
	s := strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(code))
	if s == "" {
		return code
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// reportLabel names a report identifier (open-smb) in language code: the title of its
// advice when it has its own, else the identifier made readable.
func reportLabel(code, identifier string) string {
	lang, ok := message.ParseLanguage(code)
	if !ok {
		lang = message.Dutch
	}
	if title, ok := message.IdentifierTitle(lang, identifier); ok {
		return title
	}
	return readable(identifier)
}
