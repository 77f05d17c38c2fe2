package email_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/deliver/email"
)

func TestSendReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		refuse    func(b bundle)
		code      int
		enhanced  string
		msg       string
		permanent bool
		recipient string
	}{
		{"RCPT 4xx", func(b bundle) { b.srv.Refuse(450, "4.2.1 mailbox busy") }, 450, "4.2.1", "mailbox busy", false, "abuse@example.nl"},
		{"RCPT 5xx", func(b bundle) { b.srv.Refuse(550, "5.1.1 no such user") }, 550, "5.1.1", "no such user", true, "abuse@example.nl"},
		{"RCPT 5xx without enhanced code", func(b bundle) { b.srv.Refuse(553, "bad mailbox") }, 553, "5.0.0", "bad mailbox", true, "abuse@example.nl"},
		{"DATA 4xx", func(b bundle) { b.srv.RefuseData(451, "4.3.0 try again") }, 451, "4.3.0", "try again", false, ""},
		{"DATA 5xx", func(b bundle) { b.srv.RefuseData(554, "5.7.1 rejected as spam") }, 554, "5.7.1", "rejected as spam", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, email.Config{})
			tt.refuse(b)
			msg := message(t, 1, "abuse@example.nl")
			err := b.sender.Send(context.Background(), from, []string{"abuse@example.nl"}, msg)
			var se *email.SendError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a SendError", err)
			}
			if se.Code != tt.code || se.Enhanced != tt.enhanced || se.Msg != tt.msg || se.Permanent != tt.permanent || se.Recipient != tt.recipient {
				t.Errorf("got %+v", se)
			}
			if want := fmt.Sprintf("%d %s %s", tt.code, tt.enhanced, tt.msg); !strings.Contains(err.Error(), want) ||
				!strings.Contains(err.Error(), tt.recipient) {
				t.Errorf("Error() = %q, want it to show %q and the recipient", err, want)
			}
			if email.IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent = %v", !tt.permanent)
			}
			// The refusal leaves the connection usable for the next message.
			b.srv.Accept()
			if err := b.sender.Send(context.Background(), from, []string{"abuse@example.nl"}, msg); err != nil {
				t.Fatal(err)
			}
			if n := b.srv.Connections(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
		})
	}
}

func TestSendRefusedRecipients(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{})
	b.srv.RefuseRecipient("gone@example.nl", 550, "5.1.1 no such user")
	b.srv.RefuseRecipient("full@example.nl", 452, "4.2.2 mailbox full")
	to := []string{"abuse@example.nl", "gone@example.nl", "full@example.nl"}
	msg := message(t, 1, to...)

	err := b.sender.Send(context.Background(), from, to, msg)
	refused := email.Refused(err)
	if len(refused) != 2 || refused[0].Recipient != "gone@example.nl" || !refused[0].Permanent ||
		refused[1].Recipient != "full@example.nl" || refused[1].Permanent {
		t.Fatalf("refused %v", refused)
	}
	// One recipient may succeed later, so the message as a whole may too.
	if email.IsPermanent(err) {
		t.Error("a mix of 4xx and 5xx is permanent")
	}
	if n := b.srv.Count(); n != 0 {
		t.Fatalf("server got %d messages; want none when a recipient is refused", n)
	}

	err = b.sender.Send(context.Background(), from, to[:2], msg)
	if !email.IsPermanent(err) || len(email.Refused(err)) != 1 {
		t.Errorf("only a 5xx recipient refused: %v", err)
	}
	if err := b.sender.Send(context.Background(), from, to[:1], msg); err != nil {
		t.Fatalf("the accepted recipient alone: %v", err)
	}
}

func TestSendInvalidAddress(t *testing.T) {
	t.Parallel()
	b := setup(t, email.Config{})
	msg := message(t, 1, "abuse@example.nl")
	for _, tc := range []struct {
		from string
		to   []string
	}{
		{from, nil},
		{from, []string{"not an address"}},
		{from, []string{"abuse@example.nl\r\nRCPT TO:<x@example.org>"}},
		{"cert@baken.example\r\nRSET", []string{"abuse@example.nl"}},
	} {
		err := b.sender.Send(context.Background(), tc.from, tc.to, msg)
		if !email.IsPermanent(err) {
			t.Errorf("Send(%q, %q) = %v, want a permanent error", tc.from, tc.to, err)
		}
	}
	if n := b.srv.Connections(); n != 0 {
		t.Errorf("%d connections for invalid addresses", n)
	}
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()
	perm := &email.SendError{Code: 550, Permanent: true}
	temp := &email.SendError{Code: 450}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.EOF, false},
		{context.DeadlineExceeded, false},
		{perm, true},
		{temp, false},
		{fmt.Errorf("deliver: %w", perm), true},
		{errors.Join(perm, perm), true},
		{errors.Join(perm, temp), false},
		{fmt.Errorf("x: %w", errors.Join(perm, fmt.Errorf("y: %w", perm))), true},
	} {
		if got := email.IsPermanent(tc.err); got != tc.want {
			t.Errorf("IsPermanent(%v) = %v", tc.err, got)
		}
	}
}
