package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/web"
)

// Handler is every HTTP surface of Baken, mounted in one place.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{}))
	web.NewPublic(a.Store, a.Config.SenderName, a.Log).Routes(mux)
	portal := web.NewPortal(a.Store, a.Config.SenderName, strings.HasPrefix(a.Config.PublicURL, "https://"), a.Log)
	portal.UseResolver(a.Resolver)
	portal.UseNotify(a.Notify)
	portal.UseRIPE(a.ripeOwner)
	if a.Sender != nil {
		portal.UseMail(a.Sender, a.Config.MailFrom, a.Config.PublicURL)
	}
	if rp, err := passkey.New(a.Config.PublicURL, a.Config.SenderName); err == nil {
		portal.UsePasskeys(rp)
	} else {
		a.Log.Info("the portal offers no passkeys", "reason", err)
	}
	portal.Routes(mux)
	return portal.ErrorPages(mux)
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

// ripeOwner names the organisation the RIPE data gives for an address range (its first
// address) or an AS number.
func (a *App) ripeOwner(x asset.Asset) (string, bool) {
	var s event.Subject
	if p, ok := x.Prefix(); ok {
		s.IP = p.Addr()
	} else if n, ok := x.ASNumber(); ok {
		s.ASN = n
	} else {
		return "", false
	}
	o, ok := a.Matcher.Owner(s)
	return o.OrgName, ok && o.OrgName != ""
}
