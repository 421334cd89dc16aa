// Command server is the Go (net/http, standard library only) benchmark target of k8s-bench.
// The contract it implements is apps/README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// processStart is taken during package initialisation, before main runs: the earliest point
// the program controls, where startup_ms begins.
var processStart = time.Now()

const (
	appName         = "go"
	shutdownTimeout = 10 * time.Second
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", appName, err)
		os.Exit(1)
	}
}

type listeningLine struct {
	Event       string  `json:"event"`
	App         string  `json:"app"`
	Port        int     `json:"port"`
	StartupMs   float64 `json:"startup_ms"`
	Concurrency int     `json:"concurrency"`
}

func run() error {
	port, err := portFromEnv(os.Getenv("PORT"))
	if err != nil {
		return err
	}
	env, envSet := os.LookupEnv("CONCURRENCY")
	concurrency, _, err := deriveConcurrency(env, envSet, readCgroupCPU(), runtime.NumCPU())
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(concurrency)
	applyMemoryLimit()

	version := os.Getenv("APP_VERSION")
	if version == "" {
		version = "dev"
	}
	a := newApp(appName, "go "+strings.TrimPrefix(runtime.Version(), "go"), version, concurrency)
	srv := newServer(a)

	// Signals are caught before listening so a SIGTERM right after the startup line is graceful.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	ln, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		return err
	}
	line, _ := json.Marshal(listeningLine{
		Event: "listening", App: appName, Port: ln.Addr().(*net.TCPAddr).Port,
		StartupMs: millis(time.Since(processStart)), Concurrency: concurrency,
	})
	os.Stdout.Write(append(line, '\n'))

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	stop() // a second signal now terminates at once

	// Stop accepting, close idle keep-alive connections, wait for in-flight requests.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(os.Stderr, "%s: requests still running after %s, closing them: %v\n", appName, shutdownTimeout, err)
		_ = srv.Close()
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// portFromEnv reads PORT (default 8080): digits only, 0..65535 (0 picks a free port, which the
// startup line then reports).
func portFromEnv(s string) (int, error) {
	if s == "" {
		return 8080, nil
	}
	v, err := parseBounded(s, 0, 65535)
	if err != nil {
		return 0, fmt.Errorf("invalid PORT value %q: must be a whole number from 0 to 65535", s)
	}
	return int(v), nil
}
