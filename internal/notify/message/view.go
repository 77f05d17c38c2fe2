package message

import (
	"cmp"
	"fmt"
	htmltemplate "html/template"
	"strings"

	"github.com/baken-cert/baken/internal/event"
)

// MaxRows is how many events the body of a message lists; the attachments hold all.
const MaxRows = 100

// view is what the templates show: every text already in the message's language.
type view struct {
	Lang    string
	L       *labels
	Subject string

	Greeting string
	Intro    []string
	Ticket   string

	Caption string
	Columns []string
	Rows    [][]string
	// TextColumns and TextRows are the table of the text part, which leaves out the
	// "What" column when every event has the same course: the advice names it.
	TextColumns []string
	TextRows    [][]string
	Truncated   string

	Courses []Course
	// AdviceText and AdviceHTML are the courses as the two parts show them.
	AdviceText string
	AdviceHTML htmltemplate.HTML

	TLP, TLPMeaning string

	PortalURL string // the notification in the portal

	VerifyURL, VerifyCode string
	VerifyText            string // the verification sentence for the text part

	Feedback []link

	SenderName, SenderURL string
}

type link struct{ Label, URL string }

// group is the events that share one course of action.
type group struct {
	labels       *labels
	networkOwner bool
	entry        *entry
	override     string
	events       []event.Event
	course       Course
}

func newView(d Data, links resolvedLinks) *view {
	lang, l := d.Language, labelsFor(d.Language)
	groups, ofEvent := groupEvents(d)
	v := &view{
		Lang: string(lang), L: l, Ticket: d.Ticket,
		Subject:    subject(d, groups),
		SenderName: clean(d.SenderName), SenderURL: links.sender,
		VerifyURL: links.verify, VerifyCode: clean(d.VerifyCode), PortalURL: links.portal,
	}
	v.Greeting, v.Intro = intro(d, l)
	for _, g := range groups {
		v.Courses = append(v.Courses, g.course)
	}
	v.Caption = fmt.Sprintf(l.Caption, d.Ticket)
	v.Columns, v.Rows = table(l, d.Events, d.Matched, ofEvent)
	v.TextColumns, v.TextRows = v.Columns, v.Rows
	if len(groups) == 1 {
		v.TextColumns, v.TextRows = withoutColumn(l.ColWhat, v.Columns, v.Rows)
	}
	if len(d.Events) > MaxRows {
		v.Truncated = fmt.Sprintf(l.Truncated, formatInt(lang, MaxRows), formatInt(lang, len(d.Events)))
	}
	v.TLP = messageTLP(d)
	v.TLPMeaning = l.TLP[v.TLP]
	if v.VerifyURL != "" {
		v.VerifyText = l.VerifyPre + " " + v.VerifyURL
		if v.VerifyCode != "" {
			v.VerifyText += " " + l.VerifyMid + " " + v.VerifyCode + l.VerifyPost
		} else {
			v.VerifyText += "."
		}
	}
	for _, kind := range feedbackKinds {
		if u := links.feedback[kind]; u != "" {
			v.Feedback = append(v.Feedback, link{l.Feedback[kind], u})
		}
	}
	return v
}

// groupEvents gathers the events by course of action, in order of first appearance;
// ofEvent is each event's group.
func groupEvents(d Data) (groups []*group, ofEvent []*group) {
	byKey := map[string]*group{}
	for _, e := range d.Events {
		ent := lookup(e.Classification)
		override := overrideFor(d.Advice, e.Classification)
		key := ent.key + "\x00" + override
		g, ok := byKey[key]
		if !ok {
			g = &group{labels: labelsFor(d.Language), networkOwner: d.NetworkOwner, entry: ent, override: override}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.events = append(g.events, e)
		ofEvent = append(ofEvent, g)
	}
	for _, g := range groups {
		g.course = makeCourse(d.Language, g.entry, factsOf(g.events), d.NetworkOwner)
		if g.override != "" {
			g.course = overrideCourse(d.Language, g.course.Title, g.override, d.NetworkOwner)
		}
	}
	return groups, ofEvent
}

// overrideFor returns the analyst's advice for c: by identifier, type, or for all.
func overrideFor(advice map[string]string, c event.Classification) string {
	for _, key := range []string{c.Identifier, c.Type} {
		if s := strings.TrimSpace(advice[key]); key != "" && s != "" {
			return s
		}
	}
	return strings.TrimSpace(advice[""])
}

// intro returns the greeting and the opening paragraphs.
func intro(d Data, l *labels) (string, []string) {
	issues := l.IssueMany
	if len(d.Events) == 1 {
		issues = l.IssueOne
	}
	issues = formatInt(d.Language, len(d.Events)) + " " + issues
	var greeting, first string
	switch org := clean(d.OrgName); {
	case d.NetworkOwner:
		greeting, first = l.GreetingNetworkOwner, fmt.Sprintf(l.IntroNetworkOwner, issues)
	case org != "":
		greeting, first = fmt.Sprintf(l.GreetingOrg, org), fmt.Sprintf(l.IntroOrg, issues, org)
	default:
		greeting, first = l.GreetingNone, fmt.Sprintf(l.IntroNoOrg, issues)
	}
	paras := []string{fullStop(first), l.Why}
	var providers []string
	for i := range d.Events {
		// A feed that names no provider is named by itself.
		providers = appendNew(providers, cmp.Or(clean(d.Events[i].FeedProvider), clean(d.Events[i].FeedName)))
	}
	if len(providers) > 0 {
		source := fmt.Sprintf(l.Source, listed(d.Language, providers))
		if k := l.Kind[d.Kind]; k != "" {
			source = strings.TrimSuffix(source, ".") + ", " + k + "."
		}
		paras = append(paras, source)
	}
	return greeting, paras
}

// fullStop removes the stop a name ending in one ("B.V.") doubles at a sentence's end.
func fullStop(s string) string {
	if strings.HasSuffix(s, "..") && !strings.HasSuffix(s, "...") {
		return s[:len(s)-1]
	}
	return s
}

// messageTLP is Data's TLP, or else the strictest of the events'.
func messageTLP(d Data) string {
	if t, ok := event.ParseTLP(clean(d.TLP)); ok {
		return t.String()
	}
	var best event.TLP
	for i := range d.Events {
		if t, _ := event.ParseTLP(clean(d.Events[i].TLP)); t > best {
			best = t
		}
	}
	return best.String()
}

// clean makes a value safe to show on one line: control and bidirectional formatting
// characters become spaces, runs of spaces one, and the ends are trimmed.
func clean(s string) string { return event.OneLine(s) }
