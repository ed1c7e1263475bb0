package main

// RESP2, the Redis wire protocol, with no reply transformers: what Redis sends is what the endpoint sees. Client
// libraries reshape replies by command name (ioredis turns HGETALL into an object); Upstash does not, so neither may we.
//
// Decoded values: a bulk string is []byte (it may be binary), a status reply is a statusReply, an integer is an int64,
// nil is nil, an error reply is an errorReply (also inside arrays: a Lua script may return one there), an array is
// []any.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// statusReply is a simple string (`+OK`); kept apart from bulk strings because base64 encoding treats a top-level OK
// status differently.
type statusReply string

// errorReply is an error reply from Redis (`-ERR …`): a value, not a Go error, since it can sit inside an array.
type errorReply string

// errProtocol: the stream is not RESP2 (or is RESP3, which we never ask for); the connection cannot be trusted.
var errProtocol = errors.New("redis protocol error")

// appendCommand appends one command as a RESP array of bulk strings, the only form Redis accepts from clients.
func appendCommand(out []byte, args [][]byte) []byte {
	out = append(out, '*')
	out = strconv.AppendInt(out, int64(len(args)), 10)
	out = append(out, '\r', '\n')
	for _, arg := range args {
		out = append(out, '$')
		out = strconv.AppendInt(out, int64(len(arg)), 10)
		out = append(out, '\r', '\n')
		out = append(out, arg...)
		out = append(out, '\r', '\n')
	}
	return out
}

// readReply reads one complete reply (arrays to any depth) from r.
func readReply(r *bufio.Reader) (any, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, fmt.Errorf("%w: empty line", errProtocol)
	}
	rest := line[1:]
	switch line[0] {
	case '+':
		return statusReply(rest), nil
	case '-':
		return errorReply(rest), nil
	case ':':
		return parseInteger(rest)
	case '$':
		n, err := parseInteger(rest)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf[:n], nil
	case '*':
		n, err := parseInteger(rest)
		if err != nil || n < 0 {
			return nil, err
		}
		items := make([]any, n)
		for i := range items {
			if items[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return items, nil
	default:
		return nil, fmt.Errorf("%w: unexpected RESP type byte 0x%x", errProtocol, line[0])
	}
}

// readLine reads up to CRLF (not included); a line longer than the reader's buffer is joined.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		return "", err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", fmt.Errorf("%w: line without CRLF", errProtocol)
	}
	return string(line[:len(line)-2]), nil
}

func parseInteger(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: not a RESP integer: %q", errProtocol, s)
	}
	return n, nil
}
