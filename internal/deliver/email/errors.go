package email

import (
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("email: sender closed")

// SendError is the error Send returns: one per refused recipient, or one for
// the whole message. Several refused recipients come as errors.Join of one
// SendError each; Refused lists them.
type SendError struct {
	// Code is the SMTP reply code, 0 when no reply was involved (a
	// connection, TLS or timeout error, or an invalid address).
	Code int
	// Enhanced is the RFC 3463 enhanced status code, such as "5.1.1", when
	// the server gave one.
	Enhanced string
	// Msg is the server's reply text without the codes.
	Msg string
	// Permanent is true when sending the same message again cannot succeed:
	// a 5xx reply to MAIL, RCPT or DATA, or an invalid address. Everything
	// else is temporary: 4xx replies, connection errors, timeouts, TLS
	// errors, and any reply before MAIL (greeting, EHLO, STARTTLS, AUTH),
	// which concerns the server or this sender's configuration rather than
	// the message.
	Permanent bool
	// Recipient is the address that the server refused or that is not a
	// valid address, if the error is about one recipient.
	Recipient string
	// Err is the underlying error, with the SMTP command for context.
	Err error

	text string // Err's text with the reply unquoted, if Err holds one
}

func (e *SendError) Error() string {
	msg := "email: "
	if e.Recipient != "" {
		msg += "<" + e.Recipient + ">: "
	}
	switch {
	case e.text != "":
		return msg + e.text
	case e.Err != nil:
		return msg + e.Err.Error()
	}
	return msg + strconv.Itoa(e.Code) + " " + e.Msg
}

func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err says that the message cannot be delivered
// by sending it again: it holds at least one SendError, and every SendError
// in it is permanent. A nil error, a context error or any other error is not
// permanent.
func IsPermanent(err error) bool {
	errs := sendErrors(err, nil)
	if len(errs) == 0 {
		return false
	}
	for _, e := range errs {
		if !e.Permanent {
			return false
		}
	}
	return true
}

// IsRecipientRefusal reports whether err is the recipients' permanent refusal: every
// SendError in it is permanent and names its recipient (a 5xx answer to RCPT, or an
// address that is not valid). A permanent refusal of the sender or of the message as a
// whole (5xx to MAIL or DATA) is not: through the CERT's own relay that is a matter of
// its configuration, to be fixed and retried, not a reason to mark contacts bounced.
func IsRecipientRefusal(err error) bool {
	errs := sendErrors(err, nil)
	for _, e := range errs {
		if !e.Permanent || e.Recipient == "" {
			return false
		}
	}
	return len(errs) > 0
}

// Refused returns the SendErrors in err that concern one recipient, so that
// a caller that sent to several can tell who was refused and why.
func Refused(err error) []*SendError {
	var out []*SendError
	for _, e := range sendErrors(err, nil) {
		if e.Recipient != "" {
			out = append(out, e)
		}
	}
	return out
}

// sendErrors walks err's tree, joined errors included, for SendErrors.
func sendErrors(err error, acc []*SendError) []*SendError {
	switch e := err.(type) {
	case nil:
		return acc
	case *SendError:
		return append(acc, e)
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			acc = sendErrors(inner, acc)
		}
		return acc
	}
	return sendErrors(errors.Unwrap(err), acc)
}

// stage is where in the SMTP exchange an error came up; it decides whether a
// 5xx reply is permanent.
type stage int

const (
	stageConnect stage = iota // dial, TLS, greeting, EHLO, STARTTLS, AUTH
	stageMessage              // MAIL, RCPT, DATA
)

// classify wraps err from stage, about recipient if not empty, as a
// SendError.
func classify(err error, st stage, recipient string) *SendError {
	se := &SendError{Recipient: recipient, Err: err}
	var tp *textproto.Error
	if !errors.As(err, &tp) {
		return se
	}
	se.Code, se.Msg = tp.Code, tp.Msg
	// textproto quotes the reply text; show it as the server sent it.
	se.text = strings.Replace(err.Error(), tp.Error(), fmt.Sprintf("%03d %s", tp.Code, tp.Msg), 1)
	if first, rest, ok := strings.Cut(tp.Msg, " "); ok && isEnhanced(first, tp.Code) {
		se.Enhanced, se.Msg = first, rest
	}
	// 530 asks for authentication (RFC 4954): our configuration, not the
	// message, is at fault, so the message may go once that is fixed.
	se.Permanent = st == stageMessage && tp.Code >= 500 && tp.Code < 600 && tp.Code != 530
	return se
}

// isEnhanced reports whether s is an RFC 3463 code of the reply's class.
func isEnhanced(s string, code int) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] != strconv.Itoa(code/100) {
		return false
	}
	for _, p := range parts[1:] {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || len(p) > 3 {
			return false
		}
	}
	return true
}
