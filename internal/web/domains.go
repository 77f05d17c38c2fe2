package web

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/verify"
)

type domainsPage struct {
	CSRF, Message string
	Failed        bool
	User          store.User
	CanEdit       bool
	Domains       []domainRow
}

type domainRow struct {
	Domain, Record, Token, Checked string
	State, Detail                  string // keys of the catalog
}

// challengeLabels name the states of a domain's challenge (keys of the catalog).
var challengeLabels = map[string]string{
	"": "not started", store.ChallengePending: "pending", store.ChallengeVerified: "verified", store.ChallengeLapsed: "lapsed",
}

// maxDomains bounds the domains one page lists.
const maxDomains = 500

// domains lists the organisation's domains with the TXT record that proves each.
func (p *Portal) domains(w http.ResponseWriter, r *http.Request, req request) {
	msg, failed := "", false
	if f := p.takeFlash(w, r, req); f != nil {
		msg, failed = f.Message, f.Failed
	}
	p.renderDomains(w, r, req, http.StatusOK, msg, failed)
}

func (p *Portal) renderDomains(w http.ResponseWriter, r *http.Request, req request, status int, msg string, failed bool) {
	ctx := r.Context()
	u := req.session.User
	names, err := p.domainNames(r, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	challenges, err := p.store.Challenges(ctx, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	byDomain := map[string]store.Challenge{}
	for _, c := range challenges {
		byDomain[c.Domain] = c
	}
	page := domainsPage{CSRF: req.csrf, User: u, CanEdit: u.Role == store.RoleOrgAdmin, Message: msg, Failed: failed}
	for _, d := range names {
		row := domainRow{Domain: d, Record: verify.ChallengeName(d), State: challengeLabels[""]}
		if c, ok := byDomain[d]; ok {
			row.Token, row.State, row.Detail = c.Token, cmp.Or(challengeLabels[c.State], c.State), c.Detail
			if !c.CheckedAt.IsZero() {
				row.Checked = c.CheckedAt.Format("2006-01-02 15:04 UTC")
			}
		}
		page.Domains = append(page.Domains, row)
	}
	p.render(w, r, status, "domains.html", page)
}

// domainNames returns the bare names of the organisation's domain assets, sorted, once each.
func (p *Portal) domainNames(r *http.Request, orgID int64) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, k := range []asset.Kind{asset.Domain, asset.DomainTree, asset.EmailDomain} {
		page, err := p.store.AssetPage(r.Context(), store.AssetQuery{OrgID: orgID, Kind: k, Limit: maxDomains})
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			if name, ok := (asset.Asset{Kind: a.Kind, Value: a.Value}).DomainName(); ok && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// checkDomain starts (or continues) the challenge of one of the organisation's domains
// and looks the record up now.
func (p *Portal) checkDomain(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	domain := strings.ToLower(strings.TrimSpace(r.FormValue("domain")))
	c, err := p.registry.Challenge(ctx, u.OrgID, domain)
	if errors.Is(err, registry.ErrNotRegistered) {
		p.notFound(w, r)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if r.FormValue("start") != "" {
		p.redirectWith(w, r, req, "/domains", flash{Message: p.t(r, "Publish the TXT record below, then press Check.")})
		return
	}
	c, err = p.registry.CheckDomain(ctx, p.resolver, c, u.ID)
	if err != nil {
		p.log.Warn("checking a domain", "domain", domain, "err", err)
		p.redirectWith(w, r, req, "/domains", flash{Message: p.t(r, "The DNS could not be asked just now; nothing changed. Try again in a few minutes."), Failed: true})
		return
	}
	// What the check found comes from the registry in English: a key of the catalog.
	p.redirectWith(w, r, req, "/domains", flash{Message: domain + ": " + p.t(r, c.Detail) + ".", Failed: c.State != store.ChallengeVerified})
}
