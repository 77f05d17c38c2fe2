package sqlstore

import (
	"encoding/json"
	"testing"
)

func TestAppendEventJSONWritesWhatJSONMarshalWrites(t *testing.T) {
	maps := []map[string]string{
		{},
		{"source.ip": "192.0.2.1", "extra.tag": "smb", "classification.type": "vulnerable-system"},
		{"a": "\"quoted\" \\ back\nslash\t\r\b\f\x00\x1f\x7f", "<html>": "a & b > c", "é": "\u2028\u2029 ok ünïcode 🦀"},
		{"bad": "\xff\xfe half \xe2\x82 rune", "": ""},
	}
	for _, m := range maps {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := appendEventJSON(nil, m, nil)
		if string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain", "\x00<\xff\u2028")
	f.Fuzz(func(t *testing.T, k, v string) {
		m := map[string]string{k: v, "z" + v: k}
		want, _ := json.Marshal(m)
		if got, _ := appendEventJSON(nil, m, nil); string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
