package main

import (
	"bufio"
	"net"
	"sync"
	"time"
)

// unavailableError: Redis cannot be reached, the connection dropped while a request waited, or the reply did not come
// in time. Answered 503, which the edge's cache client treats as a miss.
type unavailableError struct{ reason string }

func (e unavailableError) Error() string { return "redis unavailable: " + e.reason }

// batch is one request's commands in flight: their replies arrive in order, one after the other, on the shared socket.
type batch struct {
	expected int
	replies  []any
	// done receives the replies or an error, once; buffered, so a reply for a request that timed out never blocks.
	done chan result
}

type result struct {
	replies []any
	err     error
}

// respConnection is one multiplexed RESP2 connection to Redis, shared by every HTTP request.
//
// A request's commands are encoded into one buffer, so they are contiguous on the wire (a MULTI … EXEC block cannot be
// split by another request), and many requests are pipelined on one socket. Redis answers in order, so a FIFO of
// batches matches replies to requests. Requests that queue while another one writes go out together in the next write
// (writePending): under load a socket write to Redis is the largest part of the endpoint's cost per request.
//
// A request that times out is answered 503 and the connection is dropped (an overdue reply holds every later request
// behind it): whatever waits fails fast with 503, and the connection reconnects with backoff (50 ms doubling to 2 s).
// Requests made meanwhile wait for it, bounded by the request timeout.
type respConnection struct {
	addr    string
	timeout time.Duration

	mu        sync.Mutex
	conn      net.Conn      // nil while disconnected
	inFlight  []*batch      // FIFO, oldest first
	pending   []byte        // encoded commands not sent yet
	spare     []byte        // the buffer of the last write, reused for the next pending bytes
	writing   bool          // a request is writing pending bytes (see writePending)
	connected chan struct{} // closed once conn is set; replaced when it drops
	closed    bool
}

func newRespConnection(addr string, timeout time.Duration) *respConnection {
	c := &respConnection{addr: addr, timeout: timeout, connected: make(chan struct{})}
	go c.connectLoop()
	return c
}

// send writes the commands in one piece and returns one reply per command, in order; error replies are values.
func (c *respConnection) send(commands [][][]byte) ([]any, error) {
	if len(commands) == 0 {
		return nil, nil
	}
	deadline := time.NewTimer(c.timeout)
	defer deadline.Stop()
	var payload []byte
	for _, command := range commands {
		payload = appendCommand(payload, command)
	}
	b := &batch{expected: len(commands), replies: make([]any, 0, len(commands)), done: make(chan result, 1)}
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, unavailableError{"endpoint shutting down"}
		}
		if c.conn != nil {
			c.inFlight = append(c.inFlight, b)
			c.pending = append(c.pending, payload...)
			c.writePending() // unlocks
			break
		}
		connected := c.connected
		c.mu.Unlock()
		select {
		case <-connected:
		case <-deadline.C:
			return nil, unavailableError{"not connected within " + c.timeout.String()}
		}
	}
	select {
	case r := <-b.done:
		return r.replies, r.err
	case <-deadline.C:
		c.dropIfCurrent(nil)
		return nil, unavailableError{"no reply within " + c.timeout.String()}
	}
}

// close stops reconnecting and fails whatever is still waiting.
func (c *respConnection) close() {
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	c.failAll(unavailableError{"endpoint shutting down"})
}

func (c *respConnection) connectLoop() {
	delay := 50 * time.Millisecond
	for {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return
		}
		conn, err := net.DialTimeout("tcp", c.addr, 2*time.Second)
		if err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				tcp.SetNoDelay(true)
				tcp.SetKeepAlive(true)
			}
			c.mu.Lock()
			c.conn = conn
			go c.readLoop(conn)
			close(c.connected)
			c.mu.Unlock()
			return
		}
		time.Sleep(delay)
		delay = min(delay*2, 2*time.Second)
	}
}

// writePending, called with mu held, sends the queued bytes unless another request is already doing so; it unlocks
// mu. The request that finds no write in progress becomes the writer and keeps writing until nothing is queued, so
// the requests that arrive while it writes go out together in its next write (one loopback send, which wakes Redis,
// for all of them), and a lone request is written at once, without handing it to another goroutine.
func (c *respConnection) writePending() {
	if c.writing {
		c.mu.Unlock()
		return
	}
	c.writing = true
	for len(c.pending) > 0 && c.conn != nil {
		conn, out := c.conn, c.pending
		c.pending = c.spare[:0]
		c.mu.Unlock()
		_, err := conn.Write(out)
		if err != nil {
			c.dropIfCurrent(conn)
		}
		c.mu.Lock()
		c.spare = out
	}
	c.writing = false
	c.mu.Unlock()
}

// readLoop matches replies to the FIFO of batches until the socket fails.
func (c *respConnection) readLoop(conn net.Conn) {
	r := bufio.NewReaderSize(conn, 64*1024)
	for {
		reply, err := readReply(r)
		if err != nil {
			c.dropIfCurrent(conn)
			return
		}
		c.mu.Lock()
		if c.conn != conn {
			c.mu.Unlock()
			return
		}
		if len(c.inFlight) == 0 {
			// Redis never speaks unasked on a RESP2 connection without subscriptions; if it does, we are out of step.
			c.mu.Unlock()
			c.dropIfCurrent(conn)
			return
		}
		b := c.inFlight[0]
		b.replies = append(b.replies, reply)
		if len(b.replies) == b.expected {
			c.inFlight[0] = nil
			c.inFlight = c.inFlight[1:]
			b.done <- result{replies: b.replies}
		}
		c.mu.Unlock()
	}
}

// dropIfCurrent closes the connection (the current one when conn is nil), fails every waiting request and reconnects.
func (c *respConnection) dropIfCurrent(conn net.Conn) {
	c.mu.Lock()
	current := c.conn
	if current == nil || (conn != nil && conn != current) {
		c.mu.Unlock()
		return
	}
	c.conn = nil
	c.pending = c.pending[:0]
	c.connected = make(chan struct{})
	waiting := c.inFlight
	c.inFlight = nil
	closed := c.closed
	c.mu.Unlock()
	current.Close()
	for _, b := range waiting {
		b.done <- result{err: unavailableError{"connection to redis lost"}}
	}
	if !closed {
		go func() {
			time.Sleep(50 * time.Millisecond)
			c.connectLoop()
		}()
	}
}

func (c *respConnection) failAll(err error) {
	c.mu.Lock()
	waiting := c.inFlight
	c.inFlight = nil
	c.mu.Unlock()
	for _, b := range waiting {
		b.done <- result{err: err}
	}
}
