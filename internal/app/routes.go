package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/taxii"
	"github.com/baken-cert/baken/internal/web"
)

// Handler is every HTTP surface of Baken, mounted in one place; every response carries
// the security headers; TAXII (/taxii2/) answers its own errors. /metrics is here only behind its bearer token
// (BAKEN_METRICS_TOKEN); MetricsHandler serves it on an address of its own.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	if a.Config.MetricsToken != "" {
		mux.Handle("GET /metrics", bearer(a.Config.MetricsToken, a.MetricsHandler()))
	}
	web.NewPublic(a.Store, a.Config.SenderName, a.Log).Routes(mux)
	portal := web.NewPortal(a.Store, a.Config.SenderName, strings.HasPrefix(a.Config.PublicURL, "https://"), a.Log)
	portal.UseResolver(a.Resolver)
	portal.LimitHashes(a.Config.MaxHashes)
	portal.UseNotify(a.Notify)
	portal.UseClaimPolicy(registry.ClaimPolicy{MaxPrefixV4: a.Config.ClaimMaxPrefixV4, MaxPrefixV6: a.Config.ClaimMaxPrefixV6,
		UnprovenQuota: a.Config.UnprovenQuota, MaxRows: a.Config.UploadMaxRows, Evidence: a.ripeEvidence})
	if a.Sender != nil {
		portal.UseMail(a.Sender, a.Config.MailFrom, a.Config.PublicURL)
	}
	if rp, err := passkey.New(a.Config.PublicURL, a.Config.SenderName); err == nil {
		portal.UsePasskeys(rp)
	} else {
		a.Log.Info("the portal offers no passkeys", "reason", err)
	}
	portal.Routes(mux)
	// TAXII answers its errors as TAXII error messages, never the portal's pages.
	top := http.NewServeMux()
	top.Handle("/taxii2/", taxii.New(a.Store, account.New(a.Store, time.Now), a.Config.PublicURL, a.Config.SenderName, a.Log))
	top.Handle("/", portal.ErrorPages(mux))
	return web.SecureHeaders(top, strings.HasPrefix(a.Config.PublicURL, "https://"))
}

// MetricsHandler answers GET /metrics in the Prometheus format.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{}))
	return mux
}

// bearer lets through only requests with "Authorization: Bearer token".
func bearer(token string, h http.Handler) http.Handler {
	want := sha256.Sum256([]byte("Bearer " + token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need their bearer token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// healthz answers while the process runs: for a liveness probe.
func (a *App) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database answers with a current schema: for a readiness
// probe or a load balancer.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.Store.Ping(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: database unavailable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// ripeEvidence is what the RIPE data says of an address range (the network holding its
// first address) or an AS number.
func (a *App) ripeEvidence(x asset.Asset) (registry.Evidence, bool) {
	var s event.Subject
	if p, ok := x.Prefix(); ok {
		s.IP = p.Addr()
	} else if n, ok := x.ASNumber(); ok {
		s.ASN = n
	} else {
		return registry.Evidence{}, false
	}
	o, ok := a.Matcher.Owner(s)
	return registry.Evidence{Network: o.Network, Netname: o.Netname, OrgName: o.OrgName, AbuseMailbox: o.AbuseMailbox}, ok
}
