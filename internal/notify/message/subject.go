package message

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/baken-cert/baken/internal/event"
)

// subject names the threat and the ticket: "[DTC #20261122-00000042] Kwetsbaar
// systeem: SMB open vanaf internet (3 systemen)", or for several threats "[DTC #...]
// 5 beveiligingsproblemen op uw systemen".
func subject(d Data, groups []*group) string {
	lang, l := d.Language, labelsFor(d.Language)
	var body string
	if len(groups) == 1 {
		g := groups[0]
		facts := factsOf(g.events)
		body = placeholders(lang, g.entry, facts).Replace(g.entry.subject.in(lang))
		if g.entry.update && len(facts.products) == 1 {
			body += ": " + facts.products[0]
		}
		counted := g.entry.unit.count(lang, countTargets(g.entry.unit, g.events))
		if d.NetworkOwner {
			counted = fmt.Sprintf(l.SubjectInNetwork, counted)
		}
		body += " (" + counted + ")"
	} else {
		issues := formatInt(lang, len(d.Events)) + " " + l.IssueMany
		format := l.SubjectMany
		if d.NetworkOwner {
			format = l.SubjectManyNetwork
		}
		body = fmt.Sprintf(format, issues)
	}
	return clean("[" + subjectTag(d) + " #" + d.Ticket + "] " + body)
}

// subjectTag is Data's SubjectTag, or the initials of the sender's capitalised words
// ("Digital Trust Center" gives "DTC"), or the sender's one word ("Z-CERT").
func subjectTag(d Data) string {
	if t := clean(d.SubjectTag); t != "" {
		return t
	}
	name := clean(d.SenderName)
	words := strings.Fields(name)
	if len(words) < 2 {
		return name
	}
	var tag []rune
	for _, w := range words {
		if r := []rune(w)[0]; unicode.IsUpper(r) {
			tag = append(tag, r)
		}
	}
	if len(tag) < 2 {
		return name
	}
	return string(tag)
}

// countTargets counts the distinct targets of events as u counts them.
func countTargets(u unit, events []event.Event) int {
	seen := map[string]bool{}
	for i := range events {
		seen[u.target(&events[i])] = true
	}
	return len(seen)
}

// systemOf names the system an event is about: its address, else its name.
func systemOf(e *event.Event) string {
	switch {
	case e.Source.IP.IsValid():
		return e.Source.IP.String()
	case e.Source.FQDN != "":
		return e.Source.FQDN
	case e.Source.URL != "":
		return event.URLHost(e.Source.URL)
	case e.Source.Network.IsValid():
		return e.Source.Network.String()
	}
	return strings.ToLower(e.Source.Account)
}

// accountOf names the account an event is about.
func accountOf(e *event.Event) string {
	if e.Source.Account != "" {
		return strings.ToLower(e.Source.Account)
	}
	return systemOf(e)
}

// websiteOf names the website an event is about: the host of its URL.
func websiteOf(e *event.Event) string {
	if h := event.URLHost(e.Source.URL); h != "" {
		return h
	}
	return systemOf(e)
}
