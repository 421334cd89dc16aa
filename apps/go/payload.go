package main

import (
	"encoding/json"
	"strconv"
)

// item is one element of /payload's "items"; the field order fixes the key order.
type item struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Value  int    `json:"value"`
	Active bool   `json:"active"`
}

// buildItems builds the S items and serialises them with encoding/json: the work /payload's
// duration_ms measures.
func buildItems(size int) ([]byte, error) {
	items := make([]item, size)
	for i := range items {
		items[i] = item{ID: i, Name: "item-" + strconv.Itoa(i), Value: i * 42, Active: i%2 == 0}
	}
	return json.Marshal(items)
}

// payloadBody assembles {"app","item_count","duration_ms","items"} around the already serialised
// items. The response is buffered deliberately: duration_ms precedes items in the body but
// covers their serialisation, and a buffered body lets GET and HEAD carry the same
// Content-Length. The small envelope is written directly so the (up to ~5 MB) items array is not
// scanned and copied a second time, as json.RawMessage inside a struct would be.
func payloadBody(appJSON []byte, size int, durationMs float64, items []byte) []byte {
	dur, _ := json.Marshal(durationMs) // a finite float64 always marshals
	b := make([]byte, 0, len(items)+len(appJSON)+len(dur)+64)
	b = append(b, `{"app":`...)
	b = append(b, appJSON...)
	b = append(b, `,"item_count":`...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, `,"duration_ms":`...)
	b = append(b, dur...)
	b = append(b, `,"items":`...)
	b = append(b, items...)
	b = append(b, '}')
	return b
}
