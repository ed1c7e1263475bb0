package main

// Wire format of the Upstash REST API as the unmodified `@upstash/redis` client expects it: JSON commands in, one
// `{result}` or `{error}` per command out.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// encoding of replies: base64 (header `Upstash-Encoding: base64`, the client's default) sends every bulk and status
// string at any depth as base64 of its raw bytes, so binary and unicode survive JSON, except a top-level `OK` status,
// which Upstash documents as sent as is; utf8 sends strings as UTF-8 text.
type encoding int

const (
	utf8Encoding encoding = iota
	base64Encoding
)

// errorItem is the JSON form of an error reply: `{"error": "<message>"}`.
type errorItem struct {
	Error string `json:"error"`
}

type resultItem struct {
	Result any `json:"result"`
}

// encodeReply converts a RESP2 reply into its JSON form. A nested error reply (a Lua script may put
// `redis.error_reply(…)` or a failed `pcall` inside the array it returns) becomes `{"error": "<message>"}` in its
// place: Upstash documents no form for it, and this is the one `@upstash/redis` surfaces. Its message is not
// base64-encoded, like a top-level error.
func encodeReply(value any, enc encoding, topLevel bool) any {
	switch v := value.(type) {
	case nil:
		return nil
	case int64:
		return v
	case []byte:
		if enc == base64Encoding {
			return base64.StdEncoding.EncodeToString(v)
		}
		return string(v)
	case statusReply:
		if enc == utf8Encoding || (topLevel && v == "OK") {
			return string(v)
		}
		return base64.StdEncoding.EncodeToString([]byte(v))
	case errorReply:
		return errorItem{string(v)}
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = encodeReply(item, enc, false)
		}
		return out
	default:
		panic(fmt.Sprintf("unexpected reply type %T", value))
	}
}

// itemReply is one command's reply as a pipeline or transaction item: a top-level error reply is the item's error.
func itemReply(value any, enc encoding) any {
	if e, ok := value.(errorReply); ok {
		return errorItem{string(e)}
	}
	return resultItem{encodeReply(value, enc, true)}
}

// parseJSON reads a request body as JSON, numbers kept as their text.
func parseJSON(body []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var value any
	if err := d.Decode(&value); err != nil {
		return nil, badRequest("body is not valid JSON")
	}
	if _, err := d.Token(); err != io.EOF { // nothing may follow the one value
		return nil, badRequest("body is not valid JSON")
	}
	return value, nil
}

// toArg is one JSON argument as Redis sees it. Upstash takes JSON numbers, booleans and null as their JSON text (`1.5`,
// `true`, `null`; a number as JavaScript writes it); `@upstash/redis` sends `undefined` as `null`, so
// `set(k, undefined)` stores "null" there too. Objects and arrays have no single string form, so they are refused
// with the argument's position.
func toArg(value any, where string) ([]byte, error) {
	switch v := value.(type) {
	case string:
		return []byte(v), nil
	case nil:
		return []byte("null"), nil
	case bool:
		return []byte(strconv.FormatBool(v)), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, badRequest("%s: %s is not a number", where, v)
		}
		return []byte(jsNumber(f)), nil
	case []any:
		return nil, badRequest("%s: a command argument must be a string, number, boolean or null, got array", where)
	default:
		return nil, badRequest("%s: a command argument must be a string, number, boolean or null, got object", where)
	}
}

// jsNumber writes a number as JavaScript's `String(n)` does (what `JSON.stringify` of a parsed body gives): decimal
// from 1e-6 up to 1e21, shortest round-trip digits, `1e-7` and `1e+21` outside that range; JSON's overflow is `null`.
func jsNumber(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "null"
	}
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mantissa, exponent, _ := strings.Cut(s, "e")
	sign, digits := exponent[:1], strings.TrimLeft(exponent[1:], "0")
	return mantissa + "e" + sign + digits
}

// parseCommand validates one command: a non-empty array whose first item is the command name.
func parseCommand(value any, where string) ([][]byte, error) {
	items, ok := value.([]any)
	if !ok || len(items) == 0 {
		return nil, badRequest(`%s: expected a non-empty JSON array like ["SET","key","value"]`, where)
	}
	command := make([][]byte, len(items))
	for i, item := range items {
		arg, err := toArg(item, fmt.Sprintf("%s[%d]", where, i))
		if err != nil {
			return nil, err
		}
		command[i] = arg
	}
	return command, nil
}

// parsedCommand is one item of a pipeline or transaction body: the command, or why it is malformed.
type parsedCommand struct {
	args [][]byte
	err  *requestError
}

// parseCommandList validates a pipeline or transaction body: a non-empty array of commands. A malformed command does
// not spoil the list: it keeps its error in its place, so a pipeline can answer it alone.
func parseCommandList(value any) ([]parsedCommand, error) {
	items, ok := value.([]any)
	if !ok || len(items) == 0 {
		return nil, badRequest(`body: expected a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]`)
	}
	list := make([]parsedCommand, len(items))
	for i, item := range items {
		args, err := parseCommand(item, fmt.Sprintf("body[%d]", i))
		if err != nil {
			list[i] = parsedCommand{err: err.(*requestError)}
		} else {
			list[i] = parsedCommand{args: args}
		}
	}
	return list, nil
}

// Commands that would break the shared connection: they change its state (SELECT, HELLO → RESP3, CLIENT REPLY),
// answer more than once (SUBSCRIBE, UNSUBSCRIBE a b), hand it over (MONITOR, SYNC), or open a transaction that other
// requests' commands would fall into (MULTI; /multi-exec wraps MULTI … EXEC itself). Upstash refuses these too.
// Blocking commands would stall every request behind them on the shared connection.
var refused = setOf("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR",
	"SYNC", "PSYNC", "REPLCONF", "SELECT", "SWAPDB", "QUIT", "RESET", "AUTH", "HELLO", "CLIENT", "DEBUG", "SHUTDOWN",
	"MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
	"BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF")

func setOf(names ...string) map[string]bool {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set
}

// assertAllowed refuses commands that are unsafe on a shared connection (connection state, pub/sub, blocking).
func assertAllowed(command [][]byte) *requestError {
	name := strings.ToUpper(string(command[0]))
	blocks := false
	if name == "XREAD" || name == "XREADGROUP" {
		for _, arg := range command {
			blocks = blocks || strings.EqualFold(string(arg), "BLOCK")
		}
	}
	if refused[name] || blocks {
		return badRequest("ERR command '%s' is not supported by this REST endpoint", name)
	}
	return nil
}
