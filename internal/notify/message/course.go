package message

import (
	"slices"
	"strconv"
	"strings"

	"github.com/baken-cert/baken/internal/event"
)

// courseFacts are what the events of one course say beyond their classification: the
// details that make advice concrete.
type courseFacts struct {
	ports    []int    // source.port, in order of appearance
	products []string // vendor and product, without version
	cves     []string // product.vulnerabilities
	malware  []string // malware.name
	class    string   // the classification as the source wrote it, for the general course
}

// maxListed is how many products, CVEs or malware names a course names at most.
const maxListed = 8

// factsOf gathers the facts of events, each value once.
func factsOf(events []event.Event) courseFacts {
	var f courseFacts
	for i := range events {
		e := &events[i]
		if e.Source.Port != 0 && !slices.Contains(f.ports, int(e.Source.Port)) {
			f.ports = append(f.ports, int(e.Source.Port))
		}
		f.products = appendNew(f.products, productName(e))
		f.cves = appendNew(f.cves, e.Vulnerabilities...)
		f.malware = appendNew(f.malware, clean(e.Fields["malware.name"]))
		if f.class == "" {
			f.class = describeClass(e.Classification)
		}
	}
	return f
}

// productName is "vendor product", without the vendor when the product name starts
// with it ("Citrix" and "Citrix NetScaler ADC").
func productName(e *event.Event) string {
	vendor, name := clean(e.ProductVendor), clean(e.ProductName)
	if name == "" || strings.HasPrefix(strings.ToLower(name), strings.ToLower(vendor)) {
		return name
	}
	return strings.TrimSpace(vendor + " " + name)
}

// describeClass names a classification as a source wrote it: "type (identifier)".
func describeClass(c event.Classification) string {
	kind := clean(c.Type)
	if kind == "" {
		kind = clean(c.Taxonomy)
	}
	if id := clean(c.Identifier); id != "" && id != kind {
		if kind == "" {
			return id
		}
		return kind + " (" + id + ")"
	}
	return kind
}

// appendNew appends each non-empty value not yet in list.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// makeCourse writes the course of e in lang, made concrete with f, for the user of
// the system or for its network owner.
func makeCourse(lang Language, e *entry, f courseFacts, networkOwner bool) Course {
	fill := placeholders(lang, e, f)
	c := Course{Title: fill.Replace(e.title.in(lang))}
	if e.update && len(f.products) == 1 {
		c.Title += ": " + f.products[0]
	}
	parts := []string{fill.Replace(e.explanation.in(lang))}
	if s := concerns(lang, f); s != "" {
		parts = append(parts, s)
	}
	if len(f.malware) > 0 {
		parts = append(parts, malwareSentence(lang, f.malware))
	}
	if e.key == defaultKey && f.class != "" {
		parts = append(parts, text{"De bron omschrijft de melding als: ", "The source describes it as: "}.in(lang)+f.class+".")
	}
	c.Explanation = squeeze(strings.Join(parts, " "))
	for i, s := range e.steps {
		step := fill.Replace(s.in(lang))
		if i == 0 && e.update {
			step = updateStep(lang, f, step)
		}
		c.Steps = append(c.Steps, squeeze(step))
	}
	return forAudience(lang, c, networkOwner)
}

// forAudience adds what every course says to its audience: the network owner is asked
// to forward the message, and everyone is pointed to their IT supplier.
func forAudience(lang Language, c Course, networkOwner bool) Course {
	if !networkOwner {
		c.Steps = append(c.Steps, stepITSupplier.in(lang))
		return c
	}
	c.Explanation = strings.TrimSpace(networkOwnerPrefix.in(lang) + " " + c.Explanation)
	c.Steps = append(append([]string{stepForward.in(lang)}, c.Steps...), stepCustomerITSupplier.in(lang))
	return c
}

// overrideCourse is an analyst's advice in place of the table's: its lines starting
// with "- " or "* " are the steps, the rest is the explanation. The title stays the
// table's, so that the subject and the table still name the threat.
func overrideCourse(lang Language, title, advice string, networkOwner bool) Course {
	c := Course{Title: title}
	var para []string
	for _, line := range strings.Split(strings.ReplaceAll(advice, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if step, ok := cutBullet(line); ok {
			c.Steps = append(c.Steps, squeeze(step))
			continue
		}
		para = append(para, line)
	}
	c.Explanation = squeeze(strings.Join(para, " "))
	return forAudience(lang, c, networkOwner)
}

func cutBullet(line string) (string, bool) {
	if s, ok := strings.CutPrefix(line, "- "); ok {
		return s, true
	}
	return strings.CutPrefix(line, "* ")
}

// placeholders fills {service}, {what}, {note} and {port}: the ports the events name,
// or the service's usual port.
func placeholders(lang Language, e *entry, f courseFacts) *strings.Replacer {
	ports := f.ports
	if len(ports) == 0 && e.port != 0 {
		ports = []int{e.port}
	}
	var port string
	switch len(ports) {
	case 0:
		port = text{"de betreffende poort", "the port concerned"}.in(lang)
	case 1:
		port = text{"poort ", "port "}.in(lang) + strconv.Itoa(ports[0])
	default:
		names := make([]string, len(ports))
		for i, p := range ports {
			names[i] = strconv.Itoa(p)
		}
		port = text{"poorten ", "ports "}.in(lang) + joinAnd(lang, names)
	}
	return strings.NewReplacer("{service}", e.service, "{what}", e.what.in(lang),
		"{note}", e.note.in(lang), "{port}", port)
}

// concerns names the products and vulnerabilities of a course in one sentence.
func concerns(lang Language, f courseFacts) string {
	products, cves := listed(lang, f.products), vulnerabilities(lang, f.cves)
	switch {
	case products != "" && cves != "":
		return text{"Het gaat om ", "This concerns "}.in(lang) + products + text{", met ", ", with "}.in(lang) + cves + "."
	case products != "":
		return text{"Het gaat om ", "This concerns "}.in(lang) + products + "."
	case cves != "":
		return text{"Het gaat om ", "This concerns "}.in(lang) + cves + "."
	}
	return ""
}

// vulnerabilities writes "de kwetsbaarheid CVE-..." or "de kwetsbaarheden ... en ...".
func vulnerabilities(lang Language, cves []string) string {
	switch len(cves) {
	case 0:
		return ""
	case 1:
		return text{"de kwetsbaarheid ", "vulnerability "}.in(lang) + cves[0]
	}
	return text{"de kwetsbaarheden ", "vulnerabilities "}.in(lang) + listed(lang, cves)
}

func malwareSentence(lang Language, names []string) string {
	if len(names) == 1 {
		return text{"De malware heet ", "The malware is known as "}.in(lang) + names[0] + "."
	}
	return text{"De gevonden malware: ", "The malware found: "}.in(lang) + listed(lang, names) + "."
}

// updateStep makes the first step of an update entry name the product and CVEs.
func updateStep(lang Language, f courseFacts, generic string) string {
	product := listed(lang, f.products)
	cves := listed(lang, f.cves)
	switch {
	case product != "" && cves != "":
		return text{"Installeer zo snel mogelijk de update van " + product + " die " + cves + " verhelpt.",
			"Install the update of " + product + " that fixes " + cves + " as soon as possible."}.in(lang)
	case product != "":
		return text{"Installeer zo snel mogelijk de nieuwste update van " + product + ".",
			"Install the latest update of " + product + " as soon as possible."}.in(lang)
	case cves != "":
		return text{"Installeer zo snel mogelijk de update die " + cves + " verhelpt.",
			"Install the update that fixes " + cves + " as soon as possible."}.in(lang)
	}
	return generic
}

// listed joins at most maxListed items, saying how many more there are.
func listed(lang Language, items []string) string {
	if len(items) > maxListed {
		more := text{" andere", " more"}.in(lang)
		items = append(slices.Clip(items[:maxListed]), formatInt(lang, len(items)-maxListed)+more)
	}
	return joinAnd(lang, items)
}

// joinAnd joins "a, b and c" or "a, b en c".
func joinAnd(lang Language, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	last := len(items) - 1
	return strings.Join(items[:last], ", ") + text{" en ", " and "}.in(lang) + items[last]
}

// squeeze collapses runs of white space, such as those an empty {note} leaves.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
