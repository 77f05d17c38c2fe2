package ripe

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxProblems is how many skipped objects Stats.Problems lists; Stats.Skipped counts all.
const MaxProblems = 100

// Dataset holds what resolution needs from the RIPE objects added to it. Objects may be
// added in any order: references are resolved by Networks and ASNs. A Dataset is not safe
// for concurrent use.
type Dataset struct {
	pool       pool
	nets       []netRec
	asns       []asnRec
	orgs       map[ref]orgRec // by organisation ID
	roles      map[ref]string // abuse-mailbox by nic-hdl
	seq        uint32         // counts records added, to keep the last of duplicates
	sorted     bool           // nets is sorted and free of duplicates
	asnsSorted bool           // likewise asns
	stats      Stats
}

// Stats counts what a Dataset has read.
type Stats struct {
	// Inetnums, Inet6nums, AutNums and Organisations count the objects of each class kept.
	Inetnums, Inet6nums, AutNums, Organisations int
	// Roles counts role objects kept: those with an abuse-mailbox.
	Roles int
	// Duplicates counts networks and autonomous systems dropped because a later object had
	// the same range or number. It is known once Networks and ASNs have been called.
	Duplicates int
	// Skipped counts malformed objects; Problems holds the first MaxProblems of them.
	Skipped  int
	Problems []*ObjectError
}

// netRec is an inetnum or inet6num as kept: 72 bytes plus its netname.
type netRec struct {
	lo, hi                       u128
	netname                      string
	country, status, org, abuseC ref
	seq                          uint32
	v6                           bool
}

type asnRec struct {
	num         uint32
	seq         uint32
	name        string
	org, abuseC ref
}

type orgRec struct {
	name   string
	abuseC ref
}

// ref names an interned string; 0 is "".
type ref uint32

// pool interns the strings that many records share: identifiers, countries, statuses.
type pool struct {
	ids  map[string]ref
	strs []string
}

func (p *pool) ref(s string) ref {
	if s == "" {
		return 0
	}
	if id, ok := p.ids[s]; ok {
		return id
	}
	if p.ids == nil {
		p.ids, p.strs = map[string]ref{}, []string{""}
	}
	s = strings.Clone(s) // s may point into a whole object
	id := ref(len(p.strs))
	p.strs = append(p.strs, s)
	p.ids[s] = id
	return id
}

func (p *pool) str(id ref) string {
	if id == 0 {
		return ""
	}
	return p.strs[id]
}

// NewDataset returns an empty Dataset.
func NewDataset() *Dataset {
	return &Dataset{orgs: map[ref]orgRec{}, roles: map[ref]string{}}
}

// Stats returns what the Dataset has read so far.
func (d *Dataset) Stats() Stats {
	s := d.stats
	s.Problems = slices.Clone(s.Problems)
	return s
}

// Add keeps what resolution needs from o: inetnum, inet6num, aut-num, organisation and
// role objects; other classes are ignored. An object whose key cannot be read (a bad
// range, an aut-num that is not "AS<number>", a role with an abuse-mailbox and no nic-hdl)
// is refused with an *ObjectError. Identifiers are kept in upper case, as the RIPE
// database compares them without regard to case.
func (d *Dataset) Add(o Object) error {
	switch strings.ToLower(o.Type) {
	case "inetnum":
		return d.addNet(o, false)
	case "inet6num":
		return d.addNet(o, true)
	case "aut-num":
		return d.addASN(o)
	case "organisation":
		if o.Key == "" {
			return &ObjectError{Line: o.Line, Reason: "organisation without an ID"}
		}
		d.orgs[d.id(o.Key)] = orgRec{name: strings.Clone(o.Get("org-name")), abuseC: d.id(o.Get("abuse-c"))}
		d.stats.Organisations++
	case "role":
		return d.addRole(o)
	}
	return nil
}

func (d *Dataset) addNet(o Object, v6 bool) error {
	lo, hi, err := parseRange(o.Key, v6)
	if err != nil {
		return &ObjectError{Line: o.Line, Reason: fmt.Sprintf("%s %q: %v", o.Type, o.Key, err)}
	}
	d.seq++
	d.sorted = false
	d.nets = append(d.nets, netRec{
		lo: lo, hi: hi, v6: v6, seq: d.seq,
		netname: strings.Clone(o.Get("netname")),
		country: d.id(o.Get("country")),
		status:  d.pool.ref(o.Get("status")),
		org:     d.id(o.Get("org")),
		abuseC:  d.id(o.Get("abuse-c")),
	})
	if v6 {
		d.stats.Inet6nums++
	} else {
		d.stats.Inetnums++
	}
	return nil
}

func (d *Dataset) addASN(o Object) error {
	n, err := parseASN(o.Key)
	if err != nil {
		return &ObjectError{Line: o.Line, Reason: fmt.Sprintf("aut-num %q: %v", o.Key, err)}
	}
	d.seq++
	d.asnsSorted = false
	d.asns = append(d.asns, asnRec{
		num: n, seq: d.seq,
		name:   strings.Clone(o.Get("as-name")),
		org:    d.id(o.Get("org")),
		abuseC: d.id(o.Get("abuse-c")),
	})
	d.stats.AutNums++
	return nil
}

func (d *Dataset) addRole(o Object) error {
	mailbox := o.Get("abuse-mailbox")
	if mailbox == "" {
		return nil
	}
	hdl := o.Get("nic-hdl")
	if hdl == "" {
		return &ObjectError{Line: o.Line, Reason: fmt.Sprintf("role %q has an abuse-mailbox and no nic-hdl", o.Key)}
	}
	d.roles[d.id(hdl)] = strings.Clone(mailbox)
	d.stats.Roles++
	return nil
}

// id interns an identifier (or a country code) in upper case.
func (d *Dataset) id(s string) ref { return d.pool.ref(strings.ToUpper(s)) }

// parseASN reads "AS64496" (in any case) as 64496.
func parseASN(s string) (uint32, error) {
	if len(s) < 3 || !strings.EqualFold(s[:2], "AS") {
		return 0, errors.New(`not "AS" and a number`)
	}
	n, err := strconv.ParseUint(s[2:], 10, 32)
	if err != nil {
		return 0, errors.New(`not "AS" and a number from 0 to 4294967295`)
	}
	return uint32(n), nil
}

// problem records err if it is an *ObjectError, naming file, and returns any other error.
func (d *Dataset) problem(file string, err error) error {
	var oe *ObjectError
	if !errors.As(err, &oe) {
		return err
	}
	oe.File = file
	d.stats.Skipped++
	if len(d.stats.Problems) < MaxProblems {
		d.stats.Problems = append(d.stats.Problems, oe)
	}
	return nil
}
