package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/match"
)

// The asset index is the list of entries the matching index is built from, stored as
// one value (store.PutAssetIndex) so that a process loads one row instead of a million:
//
//	magic, uvarint count, uvarint words, words × (uvarint length, bytes),
//	count × (varint asset id − previous id, uvarint org id, uvarint kind word,
//	         uvarint verification word, uvarint length, value bytes)
//
// Kinds and verification states are a handful of words, written once each.
const indexMagic = "baken-asset-index-1\n"

// encodeEntries writes entries in the asset index form.
func encodeEntries(entries []match.Entry) []byte {
	words := map[string]uint64{}
	var table []string
	word := func(w string) uint64 {
		n, ok := words[w]
		if !ok {
			n = uint64(len(table))
			words[w] = n
			table = append(table, w)
		}
		return n
	}
	body := make([]byte, 0, len(entries)*24)
	var prev int64
	for _, e := range entries {
		body = binary.AppendVarint(body, e.AssetID-prev)
		body = binary.AppendUvarint(body, uint64(e.OrgID))
		body = binary.AppendUvarint(body, word(string(e.Asset.Kind)))
		body = binary.AppendUvarint(body, word(string(e.Verification)))
		body = binary.AppendUvarint(body, uint64(len(e.Asset.Value)))
		body = append(body, e.Asset.Value...)
		prev = e.AssetID
	}
	out := make([]byte, 0, len(indexMagic)+len(body)+64)
	out = append(out, indexMagic...)
	out = binary.AppendUvarint(out, uint64(len(entries)))
	out = binary.AppendUvarint(out, uint64(len(table)))
	for _, w := range table {
		out = binary.AppendUvarint(out, uint64(len(w)))
		out = append(out, w...)
	}
	return append(out, body...)
}

var errIndexForm = errors.New("not an asset index")

// decodeEntries reads what encodeEntries wrote.
func decodeEntries(data []byte) ([]match.Entry, error) {
	d := decoder{b: data}
	if len(data) < len(indexMagic) || string(data[:len(indexMagic)]) != indexMagic {
		return nil, errIndexForm
	}
	d.b = d.b[len(indexMagic):]
	count, nwords := d.uvarint(), d.uvarint()
	if d.err != nil || nwords > 1<<10 || count > uint64(len(d.b)) {
		return nil, errIndexForm
	}
	table := make([]string, nwords)
	for i := range table {
		table[i] = string(d.bytes())
	}
	word := func() string {
		n := d.uvarint()
		if n >= uint64(len(table)) {
			d.err = errIndexForm
			return ""
		}
		return table[n]
	}
	entries := make([]match.Entry, count)
	var prev int64
	for i := range entries {
		e := &entries[i]
		e.AssetID = prev + d.varint()
		e.OrgID = int64(d.uvarint())
		e.Asset.Kind = asset.Kind(word())
		e.Verification = asset.Verification(word())
		e.Asset.Value = string(d.bytes())
		prev = e.AssetID
		if d.err != nil {
			return nil, fmt.Errorf("asset index, entry %d: %w", i, d.err)
		}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("asset index: %d bytes after the last entry: %w", len(d.b), errIndexForm)
	}
	return entries, nil
}

// decoder reads varints from b until the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	return advance(d, v, n)
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	return advance(d, v, n)
}

// advance consumes the n bytes that gave v, or fails the decoder when n says none did.
func advance[T any](d *decoder, v T, n int) T {
	if n <= 0 {
		d.err, d.b = errIndexForm, nil
		var zero T
		return zero
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err, d.b = errIndexForm, nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}
