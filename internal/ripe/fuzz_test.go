package ripe

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReader feeds arbitrary text through the whole package: Reader, Dataset, Networks,
// ASNs and Index. Nothing may panic; every error must be an ObjectError on a line that
// exists; every object and network must be well formed.
func FuzzReader(f *testing.F) {
	for _, name := range dumps {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(ruleContacts))
	f.Add([]byte("inetnum: 0.0.0.0 - 255.255.255.255\nabuse-c: A\n\ninet6num: ::/0\norg: O\n\n" +
		"organisation: O\nabuse-c: A\n\nrole: R\nnic-hdl: A\nabuse-mailbox: a@b\n"))
	f.Add([]byte("role: R\r\n+\r\n \r\n\t\r\n#\r\n%\r\nx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		d := NewDataset()
		r := NewReader(bytes.NewReader(data))
		for {
			o, err := r.Next()
			if err == io.EOF {
				break
			}
			if err == nil {
				checkObject(t, o, lines)
				err = d.Add(o)
			}
			var oe *ObjectError
			if err != nil && (!errors.As(err, &oe) || oe.Line < 1 || oe.Line > lines) {
				t.Fatalf("error %v: want an ObjectError on a line from 1 to %d", err, lines)
			}
		}
		networks := d.Networks()
		x := NewIndex(networks, d.ASNs())
		for _, n := range networks {
			checkNetwork(t, n, x)
		}
	})
}

func checkObject(t *testing.T, o Object, lines int) {
	t.Helper()
	if o.Line < 1 || o.Line > lines || len(o.Attributes) == 0 ||
		o.Type != o.Attributes[0].Name || o.Key != o.Attributes[0].Value {
		t.Fatalf("malformed object %+v", o)
	}
	for _, a := range o.Attributes {
		if !validName([]byte(a.Name)) || strings.ToLower(a.Name) != a.Name {
			t.Fatalf("bad attribute name %q", a.Name)
		}
		if !utf8.ValidString(a.Value) || strings.ContainsAny(a.Value, "\n\r#") ||
			strings.Trim(a.Value, " \t") != a.Value {
			t.Fatalf("bad value %q", a.Value)
		}
	}
}

// checkNetwork checks n's invariants and that the index finds, at n's first address, a
// network that holds it and is not larger than n. (Where ranges overlap without one
// holding the other, which the RIPE database forbids, either may be found.)
func checkNetwork(t *testing.T, n Network, x *Index) {
	t.Helper()
	if len(n.Prefixes) == 0 || (n.AbuseMailbox == "") != (n.AbuseFrom == "") {
		t.Fatalf("malformed network %+v", n)
	}
	first := n.Prefixes[0].Addr()
	m, ok := x.Lookup(first)
	if !ok || !slices.ContainsFunc(m.Prefixes, func(p netip.Prefix) bool { return p.Contains(first) }) {
		t.Fatalf("Lookup(%s) = %s, %v: want a network holding it", first, m.Range, ok)
	}
	nlo, nhi := bounds(&n)
	mlo, mhi := bounds(&m)
	if mlo.cmp(nlo) <= 0 && nhi.cmp(mhi) <= 0 && size(&m).cmp(size(&n)) > 0 {
		t.Fatalf("Lookup(%s) = %s, which holds the smaller %s", first, m.Range, n.Range)
	}
}
