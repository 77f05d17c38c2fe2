package store

import (
	"context"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// NotifyStore keeps what Baken decides to tell whom, the notifications, their delivery
// and the feedback on them.
type NotifyStore interface {
	// Rules lists the analysts' rules.
	Rules(ctx context.Context) ([]Rule, error)
	// PutRule adds a rule or, when one with the same scope exists, changes it.
	PutRule(ctx context.Context, r Rule) (Rule, error)
	// DeleteRule removes a rule, or reports ErrNotFound.
	DeleteRule(ctx context.Context, id int64) error

	// UndecidedEvents returns up to limit events nobody decided on yet, oldest first: the
	// events of ingestions that finished, or that started before settled (and so died
	// before they finished): never those of an ingestion still under way, whose events
	// are decided together when it finishes.
	UndecidedEvents(ctx context.Context, limit int, settled time.Time) ([]PendingEvent, error)
	// SaveDecisions writes, in one transaction: the items, the repeat-window updates, the
	// jobs, and marks the events decided. When another decider marked one of the events
	// decided first, it writes nothing and returns ErrConflict: an event is decided once.
	SaveDecisions(ctx context.Context, d Decisions) error
	// SquelchStates returns the last notification of each key that has one.
	SquelchStates(ctx context.Context, keys []SquelchKey) (map[SquelchKey]SquelchState, error)

	// WaitingRecipients lists the recipients with items whose window ended by upTo.
	WaitingRecipients(ctx context.Context, upTo time.Time) ([]string, error)
	// WaitingItems returns a recipient's items whose window ended by upTo.
	WaitingItems(ctx context.Context, recipient string, upTo time.Time) ([]WaitingItem, error)
	// NextTickets allocates n ticket numbers of day: YYYYMMDD-NNNNNNNN.
	NextTickets(ctx context.Context, day time.Time, n int) ([]string, error)
	// CreateNotifications stores notifications and marks the items composed, in one
	// transaction with the jobs. When another process composed one of the items first,
	// it writes nothing and returns ErrConflict.
	CreateNotifications(ctx context.Context, ns []NotificationInput, itemIDs []int64, jobs []JobInput) error

	// ClaimOutbox leases up to limit pending notifications that are due (or whose lease
	// expired) for sending.
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxItem, error)
	// RecordDelivery records the outcome of one attempt.
	RecordDelivery(ctx context.Context, r DeliveryResult) error
	// RecordDeliveries records the outcomes of several attempts in one transaction:
	// all of them, or (with the error) none.
	RecordDeliveries(ctx context.Context, rs []DeliveryResult) error
	// OutboxDue counts the notifications waiting to be sent (pending or leased).
	OutboxDue(ctx context.Context) (int, error)

	// Notifications lists notifications, newest first.
	Notifications(ctx context.Context, f NotificationFilter) ([]Notification, error)
	// Notification returns one notification with its message, or ErrNotFound.
	Notification(ctx context.Context, id int64) (Notification, error)
	// NotificationBy finds a notification by its ticket or its feedback token.
	NotificationBy(ctx context.Context, ticket, feedbackToken string) (Notification, error)
	// NotificationEvents returns the events of a notification.
	NotificationEvents(ctx context.Context, id int64) ([]StoredEvent, error)
	// Deliveries lists the delivery attempts of a notification.
	Deliveries(ctx context.Context, id int64) ([]Delivery, error)
	// ReleaseNotification releases a held notification for sending, with its message
	// re-rendered when the advice was edited (message nil keeps it).
	ReleaseNotification(ctx context.Context, id int64, subject string, message []byte, advice string) error
	// RejectNotification rejects a held notification: it is never sent.
	RejectNotification(ctx context.Context, id int64) error
	// AddFeedback records feedback on a notification.
	AddFeedback(ctx context.Context, id int64, kind string, now time.Time) error
	// Feedback counts the feedback on a notification by kind.
	Feedback(ctx context.Context, id int64) (map[string]int, error)

	// Advice returns the analysts' advice texts by language, then by scope (a
	// classification identifier or type).
	Advice(ctx context.Context) (map[string]map[string]string, error)
	// PutAdvice sets the advice of a scope in a language; an empty text removes it.
	PutAdvice(ctx context.Context, scope, language, text string) error
}

// Rule says what happens to events of a scope: a feed, a classification, or both.
// Empty scope fields match anything; the most specific rule wins.
type Rule struct {
	ID          int64         `json:"id,omitempty"`
	Feed        string        `json:"feed,omitempty"`
	Taxonomy    string        `json:"taxonomy,omitempty"`
	Type        string        `json:"type,omitempty"`
	Identifier  string        `json:"identifier,omitempty"`
	Action      string        `json:"action"`                 // notify, review or suppress
	MinSeverity string        `json:"min_severity,omitempty"` // info, low, medium, high, critical
	Repeat      time.Duration `json:"repeat"`                 // repeat window; 0 tells every time
	Aggregation string        `json:"aggregation"`            // immediate, hourly or daily
}

// StoredMatch is a stored match of an event.
type StoredMatch struct {
	OrgID           int64
	AssetID         int64
	How             string
	Rank            int
	Verified        bool
	FallbackContact string
	FallbackNetwork string
}

// PendingEvent is an event waiting for a decision, with its feed and matches.
type PendingEvent struct {
	ID             int64
	FeedName       string
	FeedKind       string
	Classification event.Classification
	Severity       string
	Subject        string        // the system it names: its address, host name, account or URL
	TLP            string        // the event's Traffic Light Protocol label
	Matches        []StoredMatch // by rank
}

// Decisions is what the decision step writes for a batch of events.
type Decisions struct {
	EventIDs []int64 // decided, whatever the outcome
	Items    []ItemInput
	Squelch  []SquelchUpdate
	Jobs     []JobInput
	Now      time.Time
}

// ItemInput is an event destined for a recipient in an aggregation window.
type ItemInput struct {
	EventID    int64
	Recipient  string // "org:<id>" or "abuse:<address>"
	OrgID      int64  // 0 for a network owner
	AbuseEmail string
	WindowEnd  time.Time
	Review     bool // hold the notification for an analyst
}

// SquelchKey names what the repeat window counts: a target (an organisation's asset,
// or a network owner's address) and a classification identifier.
type SquelchKey struct{ Target, Identifier string }

// SquelchState is when a key was last notified, and at which severity (see notify).
type SquelchState struct {
	LastAt   time.Time
	Severity int
}

// SquelchUpdate records a notification of a key.
type SquelchUpdate struct {
	SquelchKey
	SquelchState
}

// WaitingItem is an item waiting to be composed, with its event's data.
type WaitingItem struct {
	ID         int64
	EventID    int64
	OrgID      int64
	AbuseEmail string
	Review     bool
	Data       map[string]string
	// Asset is the registered asset of OrgID that matched the event, as people write
	// it ("192.0.2.0/24", "*.example.nl", "AS64496"); "" for a network owner.
	Asset string
	// FeedKind is the kind of the event's feed: "periodic" or "incidental".
	FeedKind string
}

// NotificationInput is a composed notification to store.
type NotificationInput struct {
	Ticket        string
	Recipient     string
	OrgID         int64
	Email         string
	Language      string
	Subject       string
	MessageID     string
	Message       []byte // the whole MIME message
	Held          bool   // wait for an analyst
	VerifyCode    string
	FeedbackToken string
	EventIDs      []int64
	Now           time.Time
}

// Notification states.
const (
	NotificationHeld     = "held"     // waits for an analyst
	NotificationPending  = "pending"  // to be sent
	NotificationSending  = "sending"  // leased by a sender
	NotificationSent     = "sent"     // accepted by the mail server
	NotificationFailed   = "failed"   // refused for good
	NotificationRejected = "rejected" // rejected by an analyst
)

// Notification is a stored notification.
type Notification struct {
	ID            int64     `json:"-"`
	Ticket        string    `json:"ticket"`
	Recipient     string    `json:"recipient"`
	OrgID         int64     `json:"-"`
	Email         string    `json:"email"`
	Language      string    `json:"language"`
	Subject       string    `json:"subject"`
	MessageID     string    `json:"message_id"`
	State         string    `json:"state"`
	Attempts      int       `json:"attempts"`
	LastError     string    `json:"last_error,omitempty"`
	Events        int       `json:"events"`
	Advice        string    `json:"advice,omitempty"`
	VerifyCode    string    `json:"-"`
	FeedbackToken string    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	SentAt        time.Time `json:"sent_at"`
	Message       []byte    `json:"-"`
}

// NotificationFilter narrows Notifications.
type NotificationFilter struct {
	State    string
	OrgID    int64
	Sent     bool  // only what left for the recipient: not held, not rejected
	BeforeID int64 // only notifications older than this one (a page further)
	Limit    int
}

// OutboxItem is a notification leased for sending.
type OutboxItem struct {
	ID        int64
	Email     string
	MessageID string
	Message   []byte
	Attempts  int // before this one
}

// Delivery outcomes.
const (
	DeliverySent   = "sent"
	DeliveryRetry  = "retry"
	DeliveryFailed = "failed"
)

// DeliveryResult is the outcome of one attempt to send a notification.
type DeliveryResult struct {
	ID          int64
	Outcome     string
	At          time.Time
	NextAttempt time.Time // for a retry
	Detail      string
}

// Delivery is one recorded attempt.
type Delivery struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
}
