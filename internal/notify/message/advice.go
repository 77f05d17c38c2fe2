package message

import (
	"strings"

	"github.com/baken-cert/baken/internal/event"
)

// Course is the course of action for one kind of threat: what it is and what to do.
type Course struct {
	Title       string   // a short name of the threat, e.g. "SMB open to the internet"
	Explanation string   // what was found and why it matters, in plain words
	Steps       []string // what to do, most urgent first
}

// text is one piece of advice in both languages, side by side so that a translation
// is never missing.
type text struct{ nl, en string }

// in returns the text in lang.
func (t text) in(lang Language) string {
	if lang == English {
		return t.en
	}
	return t.nl
}

// unit is what a notification counts in its subject: systems, accounts, websites or
// addresses. Events with the same target are counted once.
type unit struct {
	one, many text
	target    func(*event.Event) string
}

var (
	unitSystems   = unit{text{"systeem", "system"}, text{"systemen", "systems"}, systemOf}
	unitAccounts  = unit{text{"account", "account"}, text{"accounts", "accounts"}, accountOf}
	unitWebsites  = unit{text{"website", "website"}, text{"websites", "websites"}, websiteOf}
	unitAddresses = unit{text{"IP-adres", "IP address"}, text{"IP-adressen", "IP addresses"}, systemOf}
)

// count writes n and the unit, "1 systeem" or "3 systemen".
func (u unit) count(lang Language, n int) string {
	if n == 1 {
		return "1 " + u.one.in(lang)
	}
	return formatInt(lang, n) + " " + u.many.in(lang)
}

// entry is one row of the advice table. Its texts may hold the placeholders {service},
// {what}, {port} and {note}, filled in when a course is made.
type entry struct {
	key         string // the entry's name, also the golden files' name
	class       event.Classification
	identifiers []string // further classification identifiers that take this advice
	types       []string // further classification types that take this advice
	taxonomies  []string // classification taxonomies that fall back to this advice

	subject     text // the subject phrase, without counts: "Kwetsbaar systeem: ..."
	title       text
	explanation text
	steps       []text
	unit        unit

	// update entries name the vulnerable product in their title and make their first
	// step "install the update of <product> that fixes <CVEs>" when the events say so.
	update bool

	// service, what, note and port fill the placeholders of open-service entries.
	service string
	what    text
	note    text
	port    int
}

// The steps every course ends with, and the network-owner variant.
var (
	stepITSupplier = text{
		"Neem contact op met uw IT-leverancier als u uw IT heeft uitbesteed.",
		"Contact your IT supplier if you outsource your IT.",
	}
	stepForward = text{
		"Stuur dit bericht door naar de klant die dit adres gebruikt. De stappen hieronder zijn bedoeld voor de beheerder van het systeem.",
		"Please forward this message to the customer who uses this address. The steps below are meant for whoever manages the system.",
	}
	stepCustomerITSupplier = text{
		"Heeft uw klant zijn IT uitbesteed? Dan kan hij het beste contact opnemen met zijn IT-leverancier.",
		"If your customer outsources their IT, they should contact their IT supplier.",
	}
	networkOwnerPrefix = text{
		"Het gaat om een systeem van een van uw klanten.",
		"This concerns one of your customers' systems.",
	}
)

// Advice returns the course of action for a classification, written for the
// organisation that uses the system. A classification without advice of its own gets
// that of its type, then of its taxonomy, then a general course.
func Advice(lang Language, c event.Classification) Course {
	return makeCourse(lang, lookup(c), courseFacts{}, false)
}

// NetworkOwnerAdvice returns the course of action for a classification written for a
// network owner: the system is one of its customers', and the message is to be
// forwarded to that customer.
func NetworkOwnerAdvice(lang Language, c event.Classification) Course {
	return makeCourse(lang, lookup(c), courseFacts{}, true)
}

// IdentifierTitle returns the short name of the threat a report identifier stands for
// (open-smb: "SMB open to the internet"), when the catalogue has advice of its own for
// it, for pages that show people words rather than codes.
func IdentifierTitle(lang Language, identifier string) (string, bool) {
	e, ok := catalogue.byIdentifier[strings.ToLower(strings.TrimSpace(identifier))]
	if !ok {
		return "", false
	}
	return placeholders(lang, e, courseFacts{}).Replace(e.title.in(lang)), true
}

// Kinds returns a classification for every kind of threat the advice catalogue has advice
// of its own for, in table order: the classification each kind's advice is written for.
// A classification none of them covers gets a general course.
func Kinds() []event.Classification {
	kinds := make([]event.Classification, 0, len(catalogue.entries))
	for _, e := range catalogue.entries {
		if e != catalogue.fallback {
			kinds = append(kinds, e.class)
		}
	}
	return kinds
}

// lookup returns the advice entry for c: by identifier, then type, then taxonomy.
func lookup(c event.Classification) *entry {
	if e, ok := catalogue.byIdentifier[strings.ToLower(c.Identifier)]; ok {
		return e
	}
	if e, ok := catalogue.byType[strings.ToLower(c.Type)]; ok {
		return e
	}
	if e, ok := catalogue.byTaxonomy[strings.ToLower(c.Taxonomy)]; ok {
		return e
	}
	return catalogue.fallback
}

// index finds advice entries by classification. It is built once and never changed.
type index struct {
	entries      []*entry // in table order, the default last
	byIdentifier map[string]*entry
	byType       map[string]*entry
	byTaxonomy   map[string]*entry
	fallback     *entry
}

var catalogue = buildIndex()

func buildIndex() index {
	ix := index{
		byIdentifier: map[string]*entry{},
		byType:       map[string]*entry{},
		byTaxonomy:   map[string]*entry{},
	}
	all := append(append(handEntries(), serviceEntries()...), defaultEntry())
	for _, e := range all {
		ix.entries = append(ix.entries, e)
		if e.key == defaultKey {
			ix.fallback = e
			continue
		}
		if e.class.Identifier != "" {
			add(ix.byIdentifier, e, e.class.Identifier)
		} else {
			add(ix.byType, e, e.class.Type)
		}
		add(ix.byIdentifier, e, e.identifiers...)
		add(ix.byType, e, e.types...)
		add(ix.byTaxonomy, e, e.taxonomies...)
	}
	return ix
}

// add maps every key to e; a key mapped twice is a bug in the tables.
func add(m map[string]*entry, e *entry, keys ...string) {
	for _, k := range keys {
		if prev, dup := m[k]; dup {
			panic("message: advice for " + k + " in both " + prev.key + " and " + e.key)
		}
		m[k] = e
	}
}
