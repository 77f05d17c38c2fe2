package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/baken-cert/baken/internal/store"
)

// The audit log is read by people: each entry says who (an address, or "the command
// line"), for which organisation (its name) and what changed, in words.

type auditRow struct {
	At, By, Org, What string
}

// auditLabels say what an action of the audit log did; %s is the entry's detail (keys
// of the catalog); a label without %s gets the detail in brackets. An action without a
// label is shown as it was written.
var auditLabels = map[string]string{
	"asset.add":             "asset %s added",
	"asset.upload":          "assets uploaded: %s",
	"asset.remove":          "asset %s removed",
	"asset.delete":          "asset %s removed",
	"asset.approve":         "asset %s approved",
	"asset.reject":          "asset %s rejected and removed",
	"contact.add":           "notification address %s added",
	"contact.remove":        "notification address %s removed",
	"domain.check":          "domain checked: %s",
	"org.aggregation":       "how often to notify set to %s",
	"login":                 "logged in from %s",
	"login.failed":          "failed login from %s",
	"login.recovery-code":   "logged in with a recovery code",
	"logout":                "logged out",
	"notification.feedback": "feedback on notification %s",
	"review.approve":        "notification %s approved",
	"review.reject":         "notification %s rejected",
	"session.act-for":       "acts for organisation %s",
	"session.revoke":        "ended a session",
	"user.create":           "user %s created",
	"user.invite":           "user %s invited",
	"user.setup":            "account %s set up",
	"user.language":         "language set to %s",
	"user.reset-password":   "password reset",
	"passkey.add":           "passkey %s added",
	"passkey.remove":        "passkey %s removed",
	"registry.import":       "organisations imported: %s",
	"ripe.import":           "RIPE data imported: %s",
	"rule.put":              "rule saved: %s",
	"rule.delete":           "rule %s deleted",
	"rule.apply":            "rules applied: %s",
	"feed.put":              "feed %s saved",
	"feed.apply":            "feeds applied: %s",
	"feed.rerun":            "collected file %s ingested again",
	"advice.put":            "advice replaced: %s",
}

// auditRows puts entries into words, looking up each actor and organisation once.
func (p *Portal) auditRows(ctx context.Context, r *http.Request, entries []store.AuditEntry) ([]auditRow, error) {
	users, orgs := map[int64]string{}, map[int64]string{}
	var rows []auditRow
	for _, e := range entries {
		row := auditRow{At: e.At.UTC().Format("2006-01-02 15:04:05"), By: p.t(r, "the command line or Baken"), What: e.Action + " " + e.Detail}
		if e.ActorID != 0 {
			if _, ok := users[e.ActorID]; !ok {
				u, err := p.store.User(ctx, e.ActorID)
				users[e.ActorID] = u.Email
				if err != nil {
					users[e.ActorID] = p.t(r, "a removed user")
				}
			}
			row.By = users[e.ActorID]
		}
		if e.OrgID != 0 {
			if _, ok := orgs[e.OrgID]; !ok {
				o, err := p.store.OrganisationByID(ctx, e.OrgID)
				orgs[e.OrgID] = o.Name
				if err != nil {
					orgs[e.OrgID] = p.t(r, "a removed organisation")
				}
			}
			row.Org = orgs[e.OrgID]
		}
		switch label, ok := auditLabels[e.Action]; {
		case ok && strings.Contains(label, "%s"):
			row.What = strings.Join(strings.Fields(p.t(r, label, e.Detail)), " ") // an empty detail leaves no double space
		case ok && e.Detail != "":
			row.What = p.t(r, label) + " (" + e.Detail + ")"
		case ok:
			row.What = p.t(r, label)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
