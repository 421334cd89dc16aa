package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestBuildItems(t *testing.T) {
	got, err := buildItems(3)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":0,"name":"item-0","value":0,"active":true},{"id":1,"name":"item-1","value":42,"active":false},{"id":2,"name":"item-2","value":84,"active":true}]`
	if string(got) != want {
		t.Errorf("buildItems(3) =\n%s\nwant\n%s", got, want)
	}
}

func TestPayloadBody(t *testing.T) {
	for _, size := range []int{1, 100, 100000} {
		items, err := buildItems(size)
		if err != nil {
			t.Fatal(err)
		}
		body := payloadBody([]byte(`"go"`), size, 1.5, items)
		prefix := `{"app":"go","item_count":` + itoa(size) + `,"duration_ms":1.5,"items":[{"id":0,"name":"item-0","value":0,"active":true}`
		if !bytes.HasPrefix(body, []byte(prefix)) {
			t.Fatalf("size %d: body starts %.120s", size, body)
		}
		var decoded struct {
			App        string  `json:"app"`
			ItemCount  int     `json:"item_count"`
			DurationMs float64 `json:"duration_ms"`
			Items      []item  `json:"items"`
		}
		if err := json.Unmarshal(body, &decoded); err != nil {
			t.Fatalf("size %d: not JSON: %v", size, err)
		}
		if decoded.ItemCount != size || len(decoded.Items) != size {
			t.Fatalf("size %d: item_count %d, %d items", size, decoded.ItemCount, len(decoded.Items))
		}
		last := decoded.Items[size-1]
		if want := (item{ID: size - 1, Name: "item-" + itoa(size-1), Value: (size - 1) * 42, Active: (size-1)%2 == 0}); last != want {
			t.Errorf("size %d: last item %+v, want %+v", size, last, want)
		}
		if !strings.HasSuffix(string(body), "}]}") {
			t.Errorf("size %d: body ends %q", size, body[len(body)-10:])
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
