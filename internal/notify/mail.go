package notify

import (
	"net/url"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/notify/message"
)

// FeedbackKinds are the one-click feedback links every notification carries.
var FeedbackKinds = [...]string{"useful", "not-useful", "false-positive", "resolved"}

// MailComposer renders notifications with package message and builds their e-mail.
type MailComposer struct {
	From       string // the sender address
	SenderName string // the CERT's name
	PublicURL  string // where /verify, /feedback and the portal's /notifications/{ticket} are served
	// Signer, when not nil, signs every message (PGP/MIME).
	Signer *openpgp.Entity
	// Sections, when not nil, keeps what many messages share rendered once (the
	// advice for one kind of threat in one language).
	Sections *message.Sections
}

// Compose implements Composer.
func (m MailComposer) Compose(d Draft) (subject string, mime []byte, err error) {
	base := strings.TrimSuffix(m.PublicURL, "/")
	data := message.Data{
		Ticket: d.Ticket, Language: message.Language(d.Language), SenderName: m.SenderName, SenderURL: base,
		OrgName: d.OrgName, NetworkOwner: d.NetworkOwner, Events: d.Events, Matched: d.Matched, Kind: d.Kind,
		PortalURL:    base + "/notifications/" + url.PathEscape(d.Ticket),
		VerifyURL:    base + "/verify?ticket=" + url.QueryEscape(d.Ticket),
		VerifyCode:   d.VerifyCode,
		FeedbackURLs: make(map[string]string, len(FeedbackKinds)),
		Sections:     m.Sections,
	}
	if d.attachments != nil {
		data.CSV, data.JSON, err = d.attachments.get(d.Events, d.Matched)
		if err != nil {
			return "", nil, err
		}
	}
	switch {
	case d.Advice != "":
		data.Advice = map[string]string{"": d.Advice}
	case len(d.Overrides) > 0:
		data.Advice = d.Overrides
	}
	for _, k := range FeedbackKinds {
		data.FeedbackURLs[k] = base + "/feedback/" + d.FeedbackToken + "?kind=" + k
	}
	r, err := message.Render(data)
	if err != nil {
		return "", nil, err
	}
	mime, err = email.Build(email.Message{
		MessageID: d.MessageID,
		From:      m.SenderName + " <" + m.From + ">",
		To:        []string{d.To},
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		Attachments: []email.Attachment{
			{Name: r.CSVName, ContentType: "text/csv; charset=utf-8", Data: r.CSV},
			{Name: r.JSONName, ContentType: "application/json", Data: r.JSON},
		},
		Headers: map[string]string{"X-Baken-Ticket": d.Ticket},
	}, d.Now)
	if err == nil && m.Signer != nil {
		mime, err = email.Sign(mime, m.Signer)
	}
	return r.Subject, mime, err
}

// attachments are the CSV and JSON attachments of one recipient's events, made once
// for all of its contacts.
type attachments struct {
	once      sync.Once
	csv, json []byte
	err       error
}

func (a *attachments) get(events []event.Event, matched []string) ([]byte, []byte, error) {
	a.once.Do(func() { a.csv, a.json, a.err = message.Attachments(events, matched) })
	return a.csv, a.json, a.err
}
