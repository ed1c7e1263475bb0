package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeRedis answers `ECHO x` with `$x`, `SLOW ms x` after ms milliseconds (keeping order, like Redis), and `DROP` by
// closing the connection. It counts the connections it accepted.
type fakeRedis struct {
	listener    net.Listener
	connections atomic.Int32
}

func startFakeRedis(t *testing.T) *fakeRedis {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRedis{listener: listener}
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			f.connections.Add(1)
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeRedis) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		request, err := readReply(r)
		if err != nil {
			return
		}
		args := request.([]any)
		name, text := string(args[0].([]byte)), ""
		switch name {
		case "DROP":
			return
		case "SLOW":
			ms, _ := strconv.Atoi(string(args[1].([]byte)))
			time.Sleep(time.Duration(ms) * time.Millisecond)
			text = string(args[2].([]byte))
		default:
			text = string(args[1].([]byte))
		}
		fmt.Fprintf(conn, "$%d\r\n%s\r\n", len(text), text)
	}
}

func (f *fakeRedis) addr() string { return f.listener.Addr().String() }

func echo(c *respConnection, args ...string) ([]string, error) {
	replies, err := c.send([][][]byte{bytesOf(args)})
	out := make([]string, len(replies))
	for i, r := range replies {
		out[i] = string(r.([]byte))
	}
	return out, err
}

func TestPipelinesConcurrentRequestsOnOneSocketEachGettingItsOwnReplies(t *testing.T) {
	f := startFakeRedis(t)
	c := newRespConnection(f.addr(), 2*time.Second)
	defer c.close()
	var wg sync.WaitGroup
	got := make([][]any, 50)
	errs := make([]error, 50)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = c.send([][][]byte{
				bytesOf([]string{"ECHO", fmt.Sprint("a", i)}),
				bytesOf([]string{"SLOW", fmt.Sprint(i % 3), fmt.Sprint("b", i)}),
			})
		}()
	}
	wg.Wait()
	for i := range got {
		want := []any{[]byte(fmt.Sprint("a", i)), []byte(fmt.Sprint("b", i))}
		if errs[i] != nil || !reflect.DeepEqual(got[i], want) {
			t.Fatalf("request %d: got %q %v", i, got[i], errs[i])
		}
	}
	if n := f.connections.Load(); n != 1 {
		t.Fatalf("%d connections, want 1", n)
	}
}

func TestALateReplyIs503AndTheStuckConnectionIsReplaced(t *testing.T) {
	f := startFakeRedis(t)
	c := newRespConnection(f.addr(), 100*time.Millisecond)
	defer c.close()
	if _, err := echo(c, "ECHO", "warm"); err != nil {
		t.Fatal(err)
	}
	late := make(chan error, 1)
	go func() { _, err := echo(c, "SLOW", "300", "late"); late <- err }()
	time.Sleep(20 * time.Millisecond)
	// Queued behind the overdue reply on the same socket: it fails too, and the socket is dropped.
	_, nextErr := echo(c, "ECHO", "mine")
	var unavailable unavailableError
	if err := <-late; !errors.As(err, &unavailable) || err.Error() != "redis unavailable: no reply within 100 ms" {
		t.Fatalf("late: %v", err)
	}
	if !errors.As(nextErr, &unavailable) {
		t.Fatalf("queued behind it: %v", nextErr)
	}
	// A fresh request is answered at once on a new connection instead of queuing behind the slow reply.
	if got, err := echo(c, "ECHO", "fresh"); err != nil || got[0] != "fresh" {
		t.Fatalf("fresh: %q %v", got, err)
	}
	if n := f.connections.Load(); n != 2 {
		t.Fatalf("%d connections, want 2", n)
	}
}

func TestFailsInFlightRequestsWhenTheConnectionDropsThenReconnects(t *testing.T) {
	f := startFakeRedis(t)
	c := newRespConnection(f.addr(), 2*time.Second)
	defer c.close()
	if _, err := echo(c, "DROP"); err == nil || err.Error() != "redis unavailable: connection to redis lost" {
		t.Fatalf("dropped: %v", err)
	}
	if got, err := echo(c, "ECHO", "again"); err != nil || got[0] != "again" {
		t.Fatalf("again: %q %v", got, err)
	}
	if n := f.connections.Load(); n != 2 {
		t.Fatalf("%d connections, want 2", n)
	}
}

func TestBoundsARequestMadeWhileRedisIsUnreachable(t *testing.T) {
	f := startFakeRedis(t)
	addr := f.addr()
	f.listener.Close()
	c := newRespConnection(addr, 150*time.Millisecond)
	defer c.close()
	started := time.Now()
	_, err := echo(c, "ECHO", "x")
	var unavailable unavailableError
	if !errors.As(err, &unavailable) || time.Since(started) > 2*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(started))
	}
}

func TestAWriteToARedisThatStopsReadingEndsAt503(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() { // accepts and never reads
		conn, err := listener.Accept()
		if err == nil {
			t.Cleanup(func() { conn.Close() })
		}
	}()
	c := newRespConnection(listener.Addr().String(), 300*time.Millisecond)
	defer c.close()
	started := time.Now()
	big := make([]byte, 16<<20) // more than the loopback socket buffers hold
	_, err = c.send([][][]byte{{[]byte("SET"), []byte("k"), big}})
	var unavailable unavailableError
	// Bounded, not timed: without the write deadline this send never returns (the race detector makes the encoding
	// and copying of 16 MB take seconds, so the bound is loose).
	if !errors.As(err, &unavailable) || time.Since(started) > 15*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(started))
	}
}
