// Package email renders notifications as MIME messages and submits them to
// an SMTP server.
//
// Three steps, each usable alone:
//
//   - Build renders a Message (text, HTML, attachments, extra headers such
//     as X-Baken-Ticket) as RFC 5322 bytes. It is deterministic: the
//     boundaries derive from the Message-ID, so rendering a notification
//     again gives the same bytes, and the stable Message-ID lets receivers
//     drop a duplicate should a crash make delivery run twice.
//   - Sign optionally wraps those bytes in PGP/MIME (RFC 3156) so that
//     recipients can check that a notification is genuine.
//   - Sender.Send submits them over a small pool of reused connections,
//     with STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, and a rate limit
//     per recipient domain.
//
// Send's errors say whether to retry: IsPermanent is true only for what
// sending again cannot fix (a 5xx reply to MAIL, RCPT or DATA, or an
// invalid address); connection trouble, timeouts, TLS errors and 4xx
// replies are temporary. Refused names the recipients a server refused.
//
// Tests run against the real SMTP server in package smtptest.
package email
