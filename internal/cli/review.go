package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

func notificationList(ctx context.Context, env Env, args []string) error {
	return listNotifications(ctx, env, "notification list", "", args)
}

func reviewList(ctx context.Context, env Env, args []string) error {
	return listNotifications(ctx, env, "review list", store.NotificationHeld, args)
}

func listNotifications(ctx context.Context, env Env, name, state string, args []string) error {
	fs, cfg, err := flags(env, name)
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON")
	org := fs.String("org", "", "only the notifications of this organisation (its ref)")
	if state == "" {
		fs.StringVar(&state, "state", "", "only this state: held, pending, sending, sent, failed, rejected")
	}
	limit := fs.Int("limit", 100, "at most this many, newest first")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	f := store.NotificationFilter{State: state, Limit: *limit}
	if *org != "" {
		o, err := a.Store.Organisation(ctx, *org)
		if err != nil {
			return err
		}
		f.OrgID = o.ID
	}
	ns, err := a.Store.Notifications(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if ns == nil {
			ns = []store.Notification{}
		}
		writeJSON(env.Stdout, ns)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TICKET\tSTATE\tTO\tLANG\tCREATED\tSUBJECT")
	for _, n := range ns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Ticket, n.State, n.Email, n.Language, n.CreatedAt.Format("2006-01-02 15:04"), n.Subject)
	}
	return tw.Flush()
}

// notificationView is what notification show prints with --json.
type notificationView struct {
	store.Notification
	Events     []map[string]any `json:"events"` // typed: ports and AS numbers as numbers
	Deliveries []store.Delivery `json:"deliveries"`
	Feedback   map[string]int   `json:"feedback"`
}

func notificationShow(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "notification show")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON")
	raw := fs.Bool("message", false, "print the whole e-mail as sent (MIME)")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one notification by its ticket"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Notify.ParseTicketOrID(ctx, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no notification %q (baken notification list shows them)", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	if *raw {
		_, err := env.Stdout.Write(n.Message)
		return err
	}
	v := notificationView{Notification: n, Events: []map[string]any{}}
	evs, err := a.Store.NotificationEvents(ctx, n.ID)
	if err != nil {
		return err
	}
	for _, e := range evs {
		v.Events = append(v.Events, event.Typed(e.Data))
	}

	if v.Deliveries, err = a.Store.Deliveries(ctx, n.ID); err != nil {
		return err
	}
	if v.Feedback, err = a.Store.Feedback(ctx, n.ID); err != nil {
		return err
	}
	if *asJSON {
		writeJSON(env.Stdout, v)
		return nil
	}
	w := env.Stdout
	fmt.Fprintf(w, "Ticket %s: %s\n  to %s (%s), %s\n  created %s", n.Ticket, n.Subject, n.Email, n.Language, n.State, n.CreatedAt.Format("2006-01-02 15:04 UTC"))
	if !n.SentAt.IsZero() {
		fmt.Fprintf(w, ", sent %s", n.SentAt.Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(w, "\n  Message-ID %s\n", n.MessageID)
	if n.LastError != "" {
		fmt.Fprintf(w, "  last error: %s\n", n.LastError)
	}
	if n.Advice != "" {
		fmt.Fprintf(w, "  advice (edited by an analyst): %s\n", n.Advice)
	}
	fmt.Fprintf(w, "\nEvents (%d)\n", len(v.Events))
	for _, se := range evs {
		e := se.Data
		fmt.Fprintf(w, "  %s  %s %s %s  %s\n", e["time.source"], e["source.ip"], e["source.fqdn"], e["source.account"], e["classification.identifier"])
	}
	if len(v.Deliveries) > 0 {
		fmt.Fprintln(w, "\nDeliveries")
		for _, d := range v.Deliveries {
			fmt.Fprintf(w, "  %d  %s  %s  %s\n", d.Attempt, d.At.Format("2006-01-02 15:04:05"), d.Outcome, d.Detail)
		}
	}
	for k, c := range v.Feedback {
		fmt.Fprintf(w, "Feedback %s: %d\n", k, c)
	}
	return nil
}

func reviewShow(ctx context.Context, env Env, args []string) error {
	return notificationShow(ctx, env, args)
}

func reviewApprove(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "review approve")
	if err != nil {
		return err
	}
	adviceFile := fs.String("advice", "", "a file with advice that replaces the templates' advice")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name the tickets to approve"}
	}
	advice := ""
	if *adviceFile != "" {
		b, err := os.ReadFile(*adviceFile)
		if err != nil {
			return err
		}
		advice = string(b)
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, t := range fs.Args() {
		n, err := a.Notify.ParseTicketOrID(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		if err := a.Notify.Approve(ctx, n.ID, advice); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		audit(ctx, env, a, "review.approve", n.Ticket)
		fmt.Fprintf(env.Stdout, "Approved %s: it will be sent to %s.\n", n.Ticket, n.Email)
	}
	return nil
}

func reviewReject(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "review reject")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name the tickets to reject"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, t := range fs.Args() {
		n, err := a.Notify.ParseTicketOrID(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		if err := a.Store.RejectNotification(ctx, n.ID); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		audit(ctx, env, a, "review.reject", n.Ticket)
		fmt.Fprintf(env.Stdout, "Rejected %s: it will not be sent.\n", n.Ticket)
	}
	return nil
}
