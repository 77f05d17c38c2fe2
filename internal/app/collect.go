package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/collect"
	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/store"
)

// newCollect builds the collection service: its HTTP collectors go through safehttp,
// its alerts reach the analysts by e-mail.
func (a *App) newCollect() *collect.Service {
	return collect.New(a.Store, currentIngester{a}, a.Log, collect.Options{
		Retention:    a.Config.CollectRetention,
		AllowPrivate: a.Config.CollectAllowPrivate,
		Alert:        a.alertAnalysts,
	})
}

// currentIngester ingests with matching indices brought up to date first: `baken work`
// loads none at start, and a change made a moment ago must count. Refresh costs two
// small queries when nothing changed.
type currentIngester struct{ a *App }

func (c currentIngester) Ingest(ctx context.Context, f store.Feed, name string, r io.Reader) (ingest.Report, error) {
	if err := c.a.Matcher.Refresh(ctx); err != nil {
		return ingest.Report{}, fmt.Errorf("loading the matching indices: %w", err)
	}
	return c.a.Ingest.Ingest(ctx, f, name, r)
}

// alertAnalysts e-mails every enabled analyst (administrators, when there is none).
// Without a mail server the alert is only logged, by the caller.
func (a *App) alertAnalysts(ctx context.Context, subject, text string) error {
	if a.Sender == nil {
		return nil
	}
	users, err := a.Store.Users(ctx, 0)
	if err != nil {
		return err
	}
	var analysts, admins []string
	for _, u := range users {
		if !u.DisabledAt.IsZero() {
			continue
		}
		switch u.Role {
		case store.RoleAnalyst:
			analysts = append(analysts, u.Email)
		case store.RoleAdmin:
			admins = append(admins, u.Email)
		}
	}
	to := analysts
	if len(to) == 0 {
		to = admins
	}
	if len(to) == 0 {
		// Retrying would not make one; the log has the alert.
		a.Log.Warn("no enabled analyst or administrator to e-mail the alert to", "subject", subject)
		return nil
	}
	now := time.Now()
	sum := sha256.Sum256([]byte(subject + now.Format(time.RFC3339Nano)))
	host := a.Config.MailFrom[strings.LastIndex(a.Config.MailFrom, "@")+1:]
	msg, err := email.Build(email.Message{MessageID: hex.EncodeToString(sum[:12]) + "@" + host, From: a.Config.MailFrom,
		To: to, Subject: "[Baken] " + subject, Text: text}, now)
	if err != nil {
		return fmt.Errorf("composing the alert: %w", err)
	}
	return a.Sender.Send(ctx, a.Config.MailFrom, to, msg)
}
