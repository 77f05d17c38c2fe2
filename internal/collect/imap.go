package collect

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/baken-cert/baken/internal/safehttp"
	"github.com/baken-cert/baken/internal/store"
)

// IMAPConfig reads the new messages of a mailbox folder (where Shadowserver, a partner
// or a national CERT mails its reports) and keeps their attachments: CSV, JSON, gzip and
// zip files. A message is marked as handled only once its attachments are kept, so a
// crash in between reads it again, and the content hash sees the report was kept.
type IMAPConfig struct {
	// Server is host:port, e.g. "imap.cert.example:993".
	Server string `json:"server"`
	// TLS is "implicit" (default: TLS from the start, port 993), "starttls" (port 143)
	// or "none" (plain text: for a server on the same host only).
	TLS      string `json:"tls,omitempty"`
	Username string `json:"username"`
	Password Secret `json:"password"`
	// Folder is the folder read; default INBOX.
	Folder string `json:"folder,omitempty"`
	// MoveTo moves handled messages to this folder (made when missing); empty marks them
	// with the keyword $BakenCollected and leaves them where they are.
	MoveTo string `json:"move_to,omitempty"`
	// Delete deletes handled messages instead; never without it.
	Delete bool `json:"delete,omitempty"`
	// Routes choose the feed an attachment is ingested under, by sender or subject; the
	// first that matches wins, and a message no route matches goes to this feed.
	Routes []IMAPRoute `json:"routes,omitempty"`
}

// IMAPRoute sends the attachments of the messages it matches to a feed.
type IMAPRoute struct {
	// From matches the sender's address ("autoreports@shadowserver.org"), or with a
	// leading "@" every address of a domain ("@shadowserver.org").
	From string `json:"from,omitempty"`
	// Subject is a regular expression the subject must match ("(?i)^\\[cert-nl\\]").
	Subject string `json:"subject,omitempty"`
	Feed    string `json:"feed"`
}

// collectedKeyword marks a handled message that stays in the folder.
const collectedKeyword imap.Flag = "$BakenCollected" // collecttest.Keyword

func (c *IMAPConfig) check() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Server); err != nil {
		errs = append(errs, fmt.Errorf("collect: imap: server %q: want host:port", c.Server))
	}
	switch c.TLS {
	case "", "implicit", "starttls", "none":
	default:
		errs = append(errs, fmt.Errorf("collect: imap: tls %q: want implicit, starttls or none", c.TLS))
	}
	if c.Username == "" {
		errs = append(errs, errors.New("collect: imap: username is empty"))
	}
	if c.Delete && c.MoveTo != "" {
		errs = append(errs, errors.New("collect: imap: move_to or delete, not both"))
	}
	errs = append(errs, c.Password.check("imap password"))
	for i, r := range c.Routes {
		if r.Feed == "" || (r.From == "" && r.Subject == "") {
			errs = append(errs, fmt.Errorf("collect: imap: route %d: want a feed, and from or subject", i+1))
		}
		if _, err := regexp.Compile(r.Subject); err != nil {
			errs = append(errs, fmt.Errorf("collect: imap: route %d: subject: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func (c *IMAPConfig) collect(ctx context.Context, r *run) error {
	cl, err := c.dial(r)
	if err != nil {
		return fmt.Errorf("imap %s: %w", c.Server, err)
	}
	defer cl.Close()
	// The connection is closed when the job is cancelled, which ends a waiting command.
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	password, err := c.Password.Value()
	if err != nil {
		return err
	}
	if err := cl.Login(c.Username, password).Wait(); err != nil {
		return fmt.Errorf("imap %s: logging in as %s: %w", c.Server, c.Username, err)
	}
	defer func() { cl.Logout().Wait() }()
	folder := cmp.Or(c.Folder, "INBOX")
	if _, err := cl.Select(folder, nil).Wait(); err != nil {
		return fmt.Errorf("imap %s: folder %s: %w", c.Server, folder, err)
	}
	if c.MoveTo != "" {
		cl.Create(c.MoveTo, nil).Wait() // an error most likely says it exists
	}
	found, err := cl.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{collectedKeyword, imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap %s: searching %s: %w", c.Server, folder, err)
	}
	var errs []error
	for _, uid := range found.AllUIDs() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := c.handle(ctx, r, cl, folder, uid); err != nil {
			errs = append(errs, fmt.Errorf("message %d: %w", uid, err))
		}
	}
	return errors.Join(errs...)
}

// handle keeps the attachments of one message under the feed its route names, then
// marks, moves or deletes the message.
func (c *IMAPConfig) handle(ctx context.Context, r *run, cl *imapclient.Client, folder string, uid imap.UID) error {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := cl.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return err
	}
	if len(msgs) != 1 {
		return nil // gone meanwhile
	}
	if msgs[0].RFC822Size > r.cfg.maxSize() {
		return fmt.Errorf("larger than the feed's max_size of %d bytes: left in %s", r.cfg.maxSize(), folder)
	}
	m, err := parseMail(msgs[0].FindBodySection(section))
	if err != nil {
		return err
	}
	feed, err := c.route(ctx, r, m)
	if err != nil {
		return err
	}
	for i, a := range m.attachments {
		src := fmt.Sprintf("imap:%s/%s/%d/%d", c.Server, folder, uid, i+1)
		if _, err := r.keepFor(ctx, feed, a.name, src, a.data); err != nil {
			return err
		}
	}
	set := imap.UIDSetNum(uid)
	switch {
	case c.Delete:
		if err := cl.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			return err
		}
		return cl.UIDExpunge(set).Close()
	case c.MoveTo != "":
		_, err := cl.Move(set, c.MoveTo).Wait()
		return err
	default:
		return cl.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{collectedKeyword}}, nil).Close()
	}
}

// route returns the feed a message's attachments are ingested under.
func (c *IMAPConfig) route(ctx context.Context, r *run, m mailMessage) (store.Feed, error) {
	for _, rt := range c.Routes {
		if rt.From != "" && !matchesSender(rt.From, m.from) {
			continue
		}
		if rt.Subject != "" {
			if re, err := regexp.Compile(rt.Subject); err != nil || !re.MatchString(m.subject) {
				continue
			}
		}
		f, err := r.s.store.Feed(ctx, rt.Feed)
		if err != nil {
			return f, fmt.Errorf("the route to feed %s: %w", rt.Feed, err)
		}
		return f, nil
	}
	return r.feed, nil
}

func matchesSender(pattern, from string) bool {
	pattern, from = strings.ToLower(pattern), strings.ToLower(from)
	if strings.HasPrefix(pattern, "@") {
		return strings.HasSuffix(from, pattern)
	}
	return from == pattern
}

// dial connects as configured, through a dialer that refuses private and loopback
// addresses unless the service allows them.
func (c *IMAPConfig) dial(r *run) (*imapclient.Client, error) {
	host, _, _ := net.SplitHostPort(c.Server)
	d := &net.Dialer{Timeout: 30 * time.Second}
	if !r.s.opts.AllowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			return safehttp.CheckAddr(ap.Addr().Unmap())
		}
	}
	opts := &imapclient.Options{Dialer: d, TLSConfig: &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}}
	switch c.TLS {
	case "starttls":
		return imapclient.DialStartTLS(c.Server, opts)
	case "none":
		return imapclient.DialInsecure(c.Server, opts)
	}
	return imapclient.DialTLS(c.Server, opts)
}
