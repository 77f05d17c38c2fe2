package email

import (
	"context"
	"errors"
	"fmt"
)

// guard interrupts c's I/O when ctx ends; the returned function stops
// watching and marks c broken if ctx did interrupt it.
func (c *conn) guard(ctx context.Context) func() {
	stop := context.AfterFunc(ctx, func() { _ = c.raw.SetDeadline(past) })
	return func() {
		if !stop() {
			c.broken = true
		}
	}
}

// send runs one mail transaction: MAIL, RCPT for each recipient, DATA.
func (c *conn) send(ctx context.Context, env envelope, msg []byte) error {
	defer c.guard(ctx)()

	if err := c.step(ctx); err != nil {
		return &SendError{Err: err}
	}
	if err := c.c.Mail(env.from); err != nil {
		return c.failed(ctx, "MAIL FROM", err, "")
	}
	var refused []error
	for _, rcpt := range env.to {
		if err := c.step(ctx); err != nil {
			return &SendError{Err: err}
		}
		if err := c.c.Rcpt(rcpt); err != nil {
			se := c.failed(ctx, "RCPT TO", err, rcpt)
			if c.broken {
				return se
			}
			refused = append(refused, se)
		}
	}
	if len(refused) > 0 {
		// Send to all or to none, so that sending again to the accepted
		// recipients makes no duplicates.
		if err := c.reset(ctx); err != nil {
			c.broken = true
		}
		if len(refused) == 1 {
			return refused[0]
		}
		return errors.Join(refused...)
	}

	if err := c.step(ctx); err != nil {
		return &SendError{Err: err}
	}
	w, err := c.c.Data()
	if err != nil {
		return c.failed(ctx, "DATA", err, "")
	}
	if err := c.step(ctx); err != nil {
		c.broken = true // the server waits for the rest of the message
		return &SendError{Err: err}
	}
	if _, err := w.Write(msg); err != nil {
		c.broken = true
		return c.failed(ctx, "DATA", err, "")
	}
	// Close sends the final dot and reads the server's verdict.
	if err := w.Close(); err != nil {
		return c.failed(ctx, "end of DATA", err, "")
	}
	return nil
}

// failed classifies err from the SMTP command cmd, notes whether it broke
// the connection, and names ctx as the cause if ctx ended.
func (c *conn) failed(ctx context.Context, cmd string, err error, rcpt string) *SendError {
	c.fail(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return classify(fmt.Errorf("%s: %w", cmd, err), stageMessage, rcpt)
}
