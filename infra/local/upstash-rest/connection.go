package main

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"time"
)

// batch is one request's commands in flight: their replies arrive in order, one after the other, on the shared socket.
type batch struct {
	expected int
	replies  []any
	// conn is the connection the batch was queued on: a request that times out drops that one, never a newer one.
	conn net.Conn
	// done receives the replies or an error, once; buffered, so a reply for a request that timed out never blocks.
	done chan result
}

type result struct {
	replies []any
	err     error
}

const (
	firstReconnectDelay = 50 * time.Millisecond
	maxReconnectDelay   = 2 * time.Second
)

// respConnection is one multiplexed RESP2 connection to Redis, shared by every HTTP request.
//
// A request's commands are encoded into one buffer, so they are contiguous on the wire (a MULTI … EXEC block cannot be
// split by another request), and many requests are pipelined on one socket. Redis answers in order, so a FIFO of
// batches matches replies to requests. Requests that queue while another one writes go out together in the next write
// (writePending): under load a socket write to Redis is the largest part of the endpoint's cost per request.
//
// A request that times out is answered 503 and its connection is dropped (an overdue reply holds every later request
// behind it, and a Redis that stops reading fails the write at its deadline): whatever waits fails fast with 503, and
// the connection reconnects with backoff (50 ms doubling to 2 s, back to 50 ms once a reply arrives). Requests made
// meanwhile wait for it, bounded by the request timeout.
type respConnection struct {
	addr    string
	timeout time.Duration

	mu             sync.Mutex
	conn           net.Conn      // nil while disconnected
	inFlight       []*batch      // FIFO, oldest first
	pending        []byte        // encoded commands not sent yet
	spare          []byte        // the buffer of the last write, reused for the next pending bytes
	writing        bool          // a request is writing pending bytes (see writePending)
	connected      chan struct{} // closed once conn is set; replaced when it drops
	reconnectDelay time.Duration // the wait before the next reconnect
	closed         bool
}

func newRespConnection(addr string, timeout time.Duration) *respConnection {
	c := &respConnection{addr: addr, timeout: timeout, connected: make(chan struct{}), reconnectDelay: firstReconnectDelay}
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
			b.conn = c.conn
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
			return nil, unavailableError{fmt.Sprintf("not connected within %d ms", c.timeout.Milliseconds())}
		}
	}
	select {
	case r := <-b.done:
		return r.replies, r.err
	case <-deadline.C:
		select {
		case r := <-b.done: // both were ready: the answer wins
			return r.replies, r.err
		default:
		}
		c.dropIfCurrent(b.conn)
		return nil, unavailableError{fmt.Sprintf("no reply within %d ms", c.timeout.Milliseconds())}
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
	for {
		c.mu.Lock()
		closed, delay := c.closed, c.reconnectDelay
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
		c.backOff(delay)
	}
}

// backOff waits `delay` and doubles the next wait, up to maxReconnectDelay; a reply resets it (readLoop).
func (c *respConnection) backOff(delay time.Duration) {
	time.Sleep(delay)
	c.mu.Lock()
	c.reconnectDelay = min(delay*2, maxReconnectDelay)
	c.mu.Unlock()
}

// writePending, called with mu held, sends the queued bytes unless another request is already doing so; it unlocks
// mu. The request that finds no write in progress becomes the writer and keeps writing until nothing is queued, so
// the requests that arrive while it writes go out together in its next write (one loopback send, which wakes Redis,
// for all of them), and a lone request is written at once, without handing it to another goroutine. Each write has a
// deadline of one request timeout: a Redis that stops reading fails it, and the connection is dropped.
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
		conn.SetWriteDeadline(time.Now().Add(c.timeout))
		if _, err := conn.Write(out); err != nil {
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
		c.reconnectDelay = firstReconnectDelay
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

// dropIfCurrent closes conn if it is still the current connection, fails every waiting request and reconnects.
func (c *respConnection) dropIfCurrent(conn net.Conn) {
	c.mu.Lock()
	if c.conn == nil || c.conn != conn {
		c.mu.Unlock()
		return
	}
	c.conn = nil
	c.pending = c.pending[:0]
	c.connected = make(chan struct{})
	waiting := c.inFlight
	c.inFlight = nil
	closed, delay := c.closed, c.reconnectDelay
	c.mu.Unlock()
	conn.Close()
	for _, b := range waiting {
		b.done <- result{err: unavailableError{"connection to redis lost"}}
	}
	if !closed {
		go func() {
			c.backOff(delay)
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
