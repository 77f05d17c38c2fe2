package match

import (
	"strconv"
	"testing"
	"unsafe"

	"github.com/baken-cert/baken/internal/asset"
)

func TestRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(record{}); n != 24 {
		t.Errorf("record is %d bytes, want 24: the memory budget per prefix counts on it", n)
	}
}

// TestGarbageIsShed makes many single changes, each leaving a dead record, and checks
// that rebuilds keep the garbage bounded.
func TestGarbageIsShed(t *testing.T) {
	var entries []Entry
	for i := range 2000 {
		entries = append(entries, Entry{OrgID: int64(i % 7), AssetID: int64(i),
			Asset: asset.Asset{Kind: asset.ASN, Value: "AS" + strconv.Itoa(1+i%300)}})
	}
	ix, err := NewIndex(entries)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := false
	for i := range 20_000 {
		e := entries[i%len(entries)]
		ix.Remove(e.AssetID)
		if err := ix.Add(e); err != nil {
			t.Fatal(err)
		}
		if ix.w.ndead == 0 {
			rebuilt = true
		}
		if live := ix.Len(); ix.w.ndead+len(ix.w.moved) > live/4+4096 || live != len(entries) {
			t.Fatalf("after %d changes: %d live, %d dead, %d moved", i, live, ix.w.ndead, len(ix.w.moved))
		}
	}
	if !rebuilt {
		t.Error("never rebuilt")
	}
}
