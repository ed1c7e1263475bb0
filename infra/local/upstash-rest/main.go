// Process entry of the local Upstash-REST endpoint, started by infra/local/upstash.ts (built with `go build` from
// this directory).
//
// Usage: upstash-rest --port 8079 --redis redis://127.0.0.1:16379 (the token from UPSTASH_TOKEN; several,
// comma-separated, are all accepted: a staged rotation's "both tokens valid" stage). It exits when its stdin closes
// (the launcher died) or on SIGTERM/SIGINT.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

func main() {
	port := flag.Int("port", 0, "port to listen on (127.0.0.1)")
	redisURL := flag.String("redis", "", "redis://host:port")
	maxBody := flag.Int64("max-body-bytes", 10*1024*1024, "largest accepted request body (Upstash's own limit is in the same range)")
	timeout := flag.Duration("request-timeout", 5*time.Second, "longest a request waits for Redis before it is answered 503")
	cpuProfile := flag.String("cpu-profile", "", "write a CPU profile (pprof) here until the endpoint stops")
	flag.Parse()
	if os.Getenv("GOMAXPROCS") == "" {
		// One thread runs Go code: the endpoint's work per request is a few microseconds between socket waits, and
		// handing requests between threads cost more than it saved (CPU per request 0.19-0.21 ms against 0.24-0.28 ms
		// with two, at 600 requests/s on 2 cores).
		runtime.GOMAXPROCS(1)
	}
	tokens := splitTokens(os.Getenv("UPSTASH_TOKEN"))
	addr, err := redisAddr(*redisURL)
	if *port == 0 || err != nil || len(tokens) == 0 {
		fmt.Fprintln(os.Stderr, "usage: upstash-rest --port N --redis redis://host:port  (UPSTASH_TOKEN must be set, no empty token)")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(2)
	}
	// Registered before the port opens: a launcher that stops the endpoint right after READY still gets a clean exit.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	s := &server{tokens: tokens, maxBody: *maxBody, redis: newRespConnection(addr, *timeout)}
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *cpuProfile != "" {
		file, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(file)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Printf("GRAPHGATE_UPSTASH_READY http://127.0.0.1:%d\n", *port)
	go exitWhenLauncherGoes(s, signals)
	httpServer := &http.Server{Handler: s, IdleTimeout: 65 * time.Second, ReadHeaderTimeout: 10 * time.Second}
	err = httpServer.Serve(listener)
	pprof.StopCPUProfile()
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// splitTokens reads the comma-separated tokens; an empty one is refused (nil), as an endpoint open to "" would be.
func splitTokens(list string) [][]byte {
	var tokens [][]byte
	for _, t := range strings.Split(list, ",") {
		if t == "" {
			return nil
		}
		tokens = append(tokens, []byte(t))
	}
	return tokens
}

// redisAddr parses `redis://host:port`; credentials and database numbers are refused (the local Redis has neither).
func redisAddr(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "redis" || u.User != nil || (u.Path != "" && u.Path != "/") || u.Hostname() == "" {
		return "", fmt.Errorf("unsupported redis url %q: expected redis://host:port", raw)
	}
	port := u.Port()
	if port == "" {
		port = "6379"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// exitWhenLauncherGoes exits on SIGTERM/SIGINT or when stdin closes (the launcher holds it open and died).
func exitWhenLauncherGoes(s *server, signals <-chan os.Signal) {
	stdinClosed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-signals:
	case <-stdinClosed:
		fmt.Fprintln(os.Stderr, "upstash-rest: stdin closed (the launcher is gone), exiting")
	}
	s.redis.close()
	pprof.StopCPUProfile() // a no-op when no profile runs
	os.Exit(0)
}
