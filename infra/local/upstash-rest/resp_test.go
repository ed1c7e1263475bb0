package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// decodeAll reads every reply of wire, handed to the decoder `step` bytes at a time.
func decodeAll(t *testing.T, wire string, step int) []any {
	t.Helper()
	var src io.Reader = strings.NewReader(wire)
	if step > 0 {
		src = &chunked{data: []byte(wire), step: step}
	}
	r := bufio.NewReaderSize(src, 16)
	var replies []any
	for {
		reply, err := readReply(r)
		if errors.Is(err, io.EOF) {
			return replies
		}
		if err != nil {
			t.Fatalf("decode %q: %v", wire, err)
		}
		replies = append(replies, reply)
	}
}

// chunked hands out at most step bytes per Read, as a socket may.
type chunked struct {
	data []byte
	step int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.step)], c.data)
	c.data = c.data[n:]
	return n, nil
}

const nested = "*4\r\n:1\r\n-ERR boom\r\n$1\r\nx\r\n*2\r\n$-1\r\n+OK\r\n"

var nestedValue = []any{int64(1), errorReply("ERR boom"), []byte("x"), []any{nil, statusReply("OK")}}

func TestEncodesArgumentsAsLengthPrefixedBulkStringsCountingBytes(t *testing.T) {
	wire := appendCommand(nil, [][]byte{[]byte("SET"), []byte("k"), []byte("héllo"), {0, 0xff, '\r', '\n'}})
	want := "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n$4\r\n\x00\xff\r\n\r\n"
	if string(wire) != want {
		t.Fatalf("got %q, want %q", wire, want)
	}
}

func TestKeepsEachReplyTypeApart(t *testing.T) {
	got := decodeAll(t, "$3\r\nabc\r\n+PONG\r\n:-42\r\n$-1\r\n*-1\r\n-WRONGTYPE no\r\n*0\r\n", 0)
	want := []any{[]byte("abc"), statusReply("PONG"), int64(-42), nil, nil, errorReply("WRONGTYPE no"), []any{}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func TestGivesTheSameRepliesHoweverTheStreamIsCut(t *testing.T) {
	wire := nested + "$0\r\n\r\n$4\r\na\r\nb\r\n*2\r\n*1\r\n:7\r\n*0\r\n" + "$40\r\n" + strings.Repeat("y", 40) + "\r\n"
	want := []any{nestedValue, []byte{}, []byte("a\r\nb"), []any{[]any{int64(7)}, []any{}}, bytes.Repeat([]byte("y"), 40)}
	for step := 1; step <= len(wire); step++ {
		if got := decodeAll(t, wire, step); !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: got %#v, want %#v", step, got, want)
		}
	}
}

func TestDecodesALargeArray(t *testing.T) {
	wire := "*20000\r\n" + strings.Repeat(":1\r\n", 20000)
	got := decodeAll(t, wire, 1024)
	if len(got) != 1 || len(got[0].([]any)) != 20000 {
		t.Fatalf("got %d replies", len(got))
	}
}

func TestRefusesAStreamThatIsNotResp2(t *testing.T) {
	for _, wire := range []string{"%1\r\n", ":12x\r\n", "+OK\n"} {
		_, err := readReply(bufio.NewReader(iotest.OneByteReader(strings.NewReader(wire))))
		if !errors.Is(err, errProtocol) {
			t.Errorf("%q: got %v, want a protocol error", wire, err)
		}
	}
}
