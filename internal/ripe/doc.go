// Package ripe reads the RIPE database's split dumps and finds the abuse mailbox of the
// network that holds an address or an autonomous system.
//
// Baken falls back to these mailboxes when a threat event names an address that no
// registered organisation owns. Operators download the split dumps from
// ftp.ripe.net/ripe/dbase/split/ (ripe.db.inetnum.gz, ripe.db.inet6num.gz,
// ripe.db.aut-num.gz, ripe.db.organisation.gz, ripe.db.role.gz) into a directory; Load
// reads it. The package is pure: it reads, resolves and indexes, and leaves storing the
// result to its caller.
//
// # Reading
//
// Reader parses RPSL (RFC 2622) as the RIPE database writes it, one object at a time, so
// memory depends on the largest object, not on the file. An object it cannot parse is
// returned as an *ObjectError, which the caller may log and skip.
//
// # What is kept
//
// Dataset keeps a few fields of the objects that matter, in compact records: for inetnum
// and inet6num the range, netname, country, status, org and abuse-c; for aut-num the number,
// as-name, org and abuse-c; for organisation its org-name and abuse-c; for role its nic-hdl
// and abuse-mailbox. Identifiers, countries and statuses are interned. Other classes and
// attributes are dropped as they are read.
//
// # The resolution rule
//
// The abuse mailbox of a network is the abuse-mailbox of the role named by its own
// abuse-c; failing that, of the role named by its organisation's abuse-c; failing that, the
// mailbox of the next less specific inetnum (or inet6num) that contains it, found by the
// same rule, recursively. This is the rule RIPE itself applies for "abuse-c" lookups. Only
// a role's abuse-mailbox counts: an e-mail attribute is not an abuse contact (and the split
// dumps remove it anyway), and the deprecated abuse-mailbox attribute on organisation,
// inetnum and aut-num objects is ignored. A reference to a role that is missing or has no
// abuse-mailbox counts as no reference, so the rule moves on to the next step.
//
// An aut-num's mailbox comes from its own abuse-c, else its organisation's; autonomous
// systems have no hierarchy.
//
// # Cost
//
// Dataset.Networks sorts the ranges by start address and, for equal starts, largest
// first, which puts every range after all ranges that contain it. One pass with a stack of
// the ranges containing the current one then finds each range's parent and applies the
// rule: O(n log n) for the sort and O(n) for the pass, with memory for the stack only.
// Ranges that overlap without one containing the other, which the RIPE database forbids,
// get a containing range as parent, not necessarily the smallest. Index answers a lookup
// with one longest-prefix match in a bart routing table.
//
// Kept records take about 100 bytes per network; resolved Networks about 230 more, which
// is why AllNetworks can yield them one at a time; an Index about 50 more.
package ripe
