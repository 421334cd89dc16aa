package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func testApp() *app { return newApp("go", "go 1.26.8", "dev", 2) }

// do sends one request straight to the handler. rawQuery is set verbatim (httptest.NewRequest
// would reject some of the malformed queries we want to send).
func do(t *testing.T, method, path, rawQuery string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, "/", nil)
	r.URL.Path, r.URL.RawQuery = path, rawQuery
	w := httptest.NewRecorder()
	testApp().ServeHTTP(w, r)
	return w.Result()
}

func decode(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object: %v", err)
	}
	return m
}

func TestRouting(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		status       int
		errMsg       string
	}{
		{"GET", "/health", 200, ""},
		{"GET", "/compute", 200, ""},
		{"GET", "/payload", 200, ""},
		{"GET", "/", 404, "not found"},
		{"GET", "/health/", 404, "not found"},
		{"GET", "/HEALTH", 404, "not found"},
		{"GET", "/healthz", 404, "not found"},
		{"GET", "/compute/extra", 404, "not found"},
		{"POST", "/nope", 404, "not found"},
		{"DELETE", "/", 404, "not found"},
		{"POST", "/health", 405, "method not allowed"},
		{"PUT", "/compute", 405, "method not allowed"},
		{"DELETE", "/payload", 405, "method not allowed"},
		{"OPTIONS", "/health", 405, "method not allowed"},
		{"PATCH", "/health", 405, "method not allowed"},
		{"get", "/health", 405, "method not allowed"},
	} {
		res := do(t, tc.method, tc.path, "")
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, res.StatusCode, tc.status)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, ct)
		}
		allow := res.Header.Get("Allow")
		if tc.status == 405 && allow != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q, want \"GET, HEAD\"", tc.method, tc.path, allow)
		}
		if tc.status != 405 && allow != "" {
			t.Errorf("%s %s: unexpected Allow %q", tc.method, tc.path, allow)
		}
		m := decode(t, res)
		if tc.errMsg != "" && (m["error"] != tc.errMsg || len(m) != 1) {
			t.Errorf("%s %s: body %v, want exactly {\"error\":%q}", tc.method, tc.path, m, tc.errMsg)
		}
	}
}

func TestHeadMatchesGet(t *testing.T) {
	for _, target := range []struct{ path, query string }{
		{"/health", ""}, {"/payload", "size=7"}, {"/compute", "n=x"}, {"/nope", ""}, {"/payload", "size=100000"},
	} {
		get := do(t, "GET", target.path, target.query)
		head := do(t, "HEAD", target.path, target.query)
		if get.StatusCode != head.StatusCode {
			t.Errorf("%s: HEAD status %d, GET %d", target.path, head.StatusCode, get.StatusCode)
		}
		for _, h := range []string{"Content-Type", "Allow"} {
			if get.Header.Get(h) != head.Header.Get(h) {
				t.Errorf("%s: HEAD %s %q, GET %q", target.path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
		body, _ := io.ReadAll(head.Body)
		if len(body) != 0 {
			t.Errorf("%s: HEAD has a body: %q", target.path, body)
		}
		getBody, _ := io.ReadAll(get.Body)
		if cl := head.Header.Get("Content-Length"); cl == "" {
			t.Errorf("%s: HEAD lacks Content-Length", target.path)
		} else if target.path != "/payload" && target.path != "/compute" && cl != itoa(len(getBody)) {
			// (duration_ms varies between runs, so only fixed bodies compare exactly)
			t.Errorf("%s: HEAD Content-Length %s, GET body %d bytes", target.path, cl, len(getBody))
		}
	}
}

func TestHealth(t *testing.T) {
	res := do(t, "GET", "/health", "")
	body, _ := io.ReadAll(res.Body)
	want := `{"status":"ok","app":"go","runtime":"go 1.26.8","version":"dev","concurrency":2}`
	if string(body) != want {
		t.Errorf("health body %s, want %s", body, want)
	}
}

func TestCompute(t *testing.T) {
	for _, tc := range []struct {
		query  string
		status int
		n, pi  float64
	}{
		{"", 200, 10000, 1229},
		{"n=2", 200, 2, 1},
		{"n=3", 200, 3, 2},
		{"n=10", 200, 10, 4},
		{"n=1000", 200, 1000, 168},
		{"n=0000000000000000000000010", 200, 10, 4},
		{"n=10&n=x", 200, 10, 4},
		{"x=%zz&n=10", 200, 10, 4},
		{"N=5", 200, 10000, 1229},
		{"n=%31%30", 200, 10, 4},
		{"n=x&n=10", 400, 0, 0},
		{"n=1", 400, 0, 0},
		{"n=0", 400, 0, 0},
		{"n=10000001", 400, 0, 0},
		{"n=-1", 400, 0, 0},
		{"n=%2B10", 400, 0, 0},
		{"n=+10", 400, 0, 0},
		{"n=1e3", 400, 0, 0},
		{"n=10.0", 400, 0, 0},
		{"n=%2010", 400, 0, 0},
		{"n=10%20", 400, 0, 0},
		{"n=", 400, 0, 0},
		{"n", 400, 0, 0},
		{"n=%zz", 400, 0, 0},
		{"n=99999999999999999999999999", 400, 0, 0},
		{"n=" + strings.Repeat("9", 40), 400, 0, 0},
	} {
		res := do(t, "GET", "/compute", tc.query)
		if res.StatusCode != tc.status {
			t.Errorf("?%s: status %d, want %d", tc.query, res.StatusCode, tc.status)
			continue
		}
		m := decode(t, res)
		if tc.status == 400 {
			if m["error"] != "invalid parameter n" {
				t.Errorf("?%s: body %v", tc.query, m)
			}
			continue
		}
		if m["app"] != "go" || m["n"] != tc.n || m["prime_count"] != tc.pi {
			t.Errorf("?%s: body %v", tc.query, m)
		}
		if d, ok := m["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("?%s: duration_ms %v", tc.query, m["duration_ms"])
		}
	}
}

func TestComputeKeyOrder(t *testing.T) {
	body, _ := io.ReadAll(do(t, "GET", "/compute", "n=10").Body)
	if !strings.HasPrefix(string(body), `{"app":"go","n":10,"prime_count":4,"duration_ms":`) {
		t.Errorf("compute body %s", body)
	}
}

func TestPayload(t *testing.T) {
	for _, tc := range []struct {
		query  string
		status int
		count  int
	}{
		{"", 200, 100},
		{"size=1", 200, 1},
		{"size=100000", 200, 100000},
		{"size=0001", 200, 1},
		{"size=0", 400, 0},
		{"size=100001", 400, 0},
		{"size=-5", 400, 0},
		{"size=1e2", 400, 0},
		{"size=", 400, 0},
		{"size=x&size=5", 400, 0},
	} {
		res := do(t, "GET", "/payload", tc.query)
		if res.StatusCode != tc.status {
			t.Errorf("?%s: status %d, want %d", tc.query, res.StatusCode, tc.status)
			continue
		}
		m := decode(t, res)
		if tc.status == 400 {
			if m["error"] != "invalid parameter size" {
				t.Errorf("?%s: body %v", tc.query, m)
			}
			continue
		}
		items, _ := m["items"].([]any)
		if m["app"] != "go" || m["item_count"] != float64(tc.count) || len(items) != tc.count {
			t.Errorf("?%s: app %v item_count %v, %d items", tc.query, m["app"], m["item_count"], len(items))
		}
	}
	body, _ := io.ReadAll(do(t, "GET", "/payload", "size=2").Body)
	if !strings.HasPrefix(string(body), `{"app":"go","item_count":2,"duration_ms":`) ||
		!strings.HasSuffix(string(body), `,"items":[{"id":0,"name":"item-0","value":0,"active":true},{"id":1,"name":"item-1","value":42,"active":false}]}`) {
		t.Errorf("payload body %s", body)
	}
}

// TestOverTheWire runs the real http.Server: headers the recorder cannot show (Content-Length
// on HEAD, keep-alive) and the server's own handling of odd request targets.
func TestOverTheWire(t *testing.T) {
	srv := httptest.NewUnstartedServer(testApp())
	srv.Config = newServer(testApp())
	srv.Start()
	defer srv.Close()
	for _, tc := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/health", 200},
		{"HEAD", "/health", 200},
		{"HEAD", "/payload?size=100000", 200},
		{"GET", "/compute?x=%zz&n=10", 200},
		{"GET", "/compute?n=%2010", 400},
		{"GET", "/health/", 404},
		{"HEAD", "/nope", 404},
		{"POST", "/compute", 405},
		{"HEAD", "/compute?n=1", 400},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.target, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %q", tc.method, tc.target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if tc.method == "HEAD" && (len(body) != 0 || res.ContentLength <= 0) {
			t.Errorf("%s %s: body %d bytes, Content-Length %d", tc.method, tc.target, len(body), res.ContentLength)
		}
		if tc.method == "GET" && int64(len(body)) != res.ContentLength {
			t.Errorf("%s %s: body %d bytes, Content-Length %d", tc.method, tc.target, len(body), res.ContentLength)
		}
	}
}
