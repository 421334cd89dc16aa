package main

// The router is written by hand instead of using http.ServeMux: ServeMux answers unknown paths
// and wrong methods with text/plain bodies, redirects /health/.. style paths and matches
// trailing-slash patterns as subtrees, while the contract wants exact paths and a JSON body on
// every response.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

const (
	computeDefault, computeMin, computeMax = 10_000, 2, 10_000_000
	payloadDefault, payloadMin, payloadMax = 100, 1, 100_000
)

// app holds what the handlers report; nothing in it changes after startup.
type app struct {
	name        string
	runtime     string // "go 1.26.8"
	version     string // APP_VERSION or "dev"
	concurrency int
	nameJSON    []byte // name as a JSON string, for the hand-written /payload envelope
}

func newApp(name, runtimeVersion, version string, concurrency int) *app {
	nameJSON, _ := json.Marshal(name)
	return &app{name: name, runtime: runtimeVersion, version: version, concurrency: concurrency, nameJSON: nameJSON}
}

type errorBody struct {
	Error  string `json:"error"`
	Detail string `json:"detail,omitempty"`
}

type healthBody struct {
	Status      string `json:"status"`
	App         string `json:"app"`
	Runtime     string `json:"runtime"`
	Version     string `json:"version"`
	Concurrency int    `json:"concurrency"`
}

type computeBody struct {
	App        string  `json:"app"`
	N          uint64  `json:"n"`
	PrimeCount uint64  `json:"prime_count"`
	DurationMs float64 `json:"duration_ms"`
}

// ServeHTTP routes on the exact path, then the method.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var handle func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case "/health":
		handle = a.health
	case "/compute":
		handle = a.compute
	case "/payload":
		handle = a.payload
	default:
		writeJSON(w, r, http.StatusNotFound, errorBody{Error: "not found"})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, r, http.StatusMethodNotAllowed, errorBody{Error: "method not allowed"})
		return
	}
	handle(w, r)
}

func (a *app) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, r, http.StatusOK, healthBody{
		Status: "ok", App: a.name, Runtime: a.runtime, Version: a.version, Concurrency: a.concurrency,
	})
}

func (a *app) compute(w http.ResponseWriter, r *http.Request) {
	n, err := queryParam(r.URL.RawQuery, "n", computeDefault, computeMin, computeMax)
	if err != nil {
		badParam(w, r, "n", err, computeMin, computeMax)
		return
	}
	start := time.Now()
	count := countPrimes(n)
	elapsed := time.Since(start)
	writeJSON(w, r, http.StatusOK, computeBody{App: a.name, N: n, PrimeCount: count, DurationMs: millis(elapsed)})
}

func (a *app) payload(w http.ResponseWriter, r *http.Request) {
	size, err := queryParam(r.URL.RawQuery, "size", payloadDefault, payloadMin, payloadMax)
	if err != nil {
		badParam(w, r, "size", err, payloadMin, payloadMax)
		return
	}
	start := time.Now()
	items, err := buildItems(int(size))
	elapsed := time.Since(start)
	if err != nil { // cannot happen for this struct; never answer 5xx
		writeJSON(w, r, http.StatusBadRequest, errorBody{Error: "invalid parameter size", Detail: err.Error()})
		return
	}
	writeBytes(w, r, http.StatusOK, payloadBody(a.nameJSON, int(size), millis(elapsed), items))
}

func badParam(w http.ResponseWriter, r *http.Request, name string, err error, lo, hi uint64) {
	detail := "must match ^[0-9]+$"
	if err == errOutOfRange {
		detail = "must be between " + strconv.FormatUint(lo, 10) + " and " + strconv.FormatUint(hi, 10)
	}
	writeJSON(w, r, http.StatusBadRequest, errorBody{Error: "invalid parameter " + name, Detail: detail})
}

func millis(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1e6
}

// writeJSON serialises v with encoding/json and writes it.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only plain structs of strings and numbers reach here
		body = []byte(`{"error":"internal"}`)
	}
	writeBytes(w, r, status, body)
}

// writeBytes writes a complete JSON body with an explicit Content-Length, so HEAD carries the
// same headers as GET; HEAD gets no body.
func writeBytes(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a failed write means the client went away
	}
}

// newServer returns the http.Server with the project's timeouts. Keep-alive stays on (the
// default). No WriteTimeout below a generous bound: a slow /compute under load must be answered,
// not cut off into a connection reset that would read as an error rather than as latency.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second, // slow-loris guard
		ReadTimeout:       30 * time.Second, // requests carry no body worth reading
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second, // keep-alive connections idle longer are closed
		MaxHeaderBytes:    64 << 10,
	}
}
