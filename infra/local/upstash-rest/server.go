package main

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
)

// server is an Upstash-REST-compatible endpoint in front of a real Redis, for the unmodified `@upstash/redis` client
// with any of its options. Request forms: request.go; replies and argument rules: protocol.go; the Redis connection
// (one pipelined RESP2 socket, no reply transformers): connection.go.
//
// A bearer token (or `?_token=`) is required, 401 JSON otherwise; Redis error replies are 400 `{error}`; Redis
// unreachable or too slow is 503 `{error}`, which the edge's cache client treats as a miss.
type server struct {
	// tokens are every bearer token accepted. Several model a staged rotation: Upstash gives each ACL user its own REST
	// token, so an old and a new token are both valid until the old user is deleted.
	tokens  [][]byte
	maxBody int64
	redis   *respConnection
	scripts scriptTranslator
}

type answer struct {
	status int
	body   any
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, err := s.handle(w, r)
	if err != nil {
		var refusal *requestError
		var unavailable unavailableError
		switch {
		case errors.As(err, &refusal):
			if refusal.status == 413 {
				w.Header().Set("connection", "close")
			}
			a = answer{refusal.status, errorItem{refusal.message}}
		case errors.As(err, &unavailable):
			a = answer{503, errorItem{unavailable.Error()}}
		default:
			log.Printf("upstash-rest: unexpected error: %v", err)
			a = answer{500, errorItem{"internal error of the local upstash-rest endpoint (see its log)"}}
		}
	}
	writeJSON(w, a.status, a.body)
}

func (s *server) handle(w http.ResponseWriter, r *http.Request) (answer, error) {
	// The path as sent (still percent-encoded, so `%2F` stays inside its segment); an absolute-form target
	// (`GET http://host/path`) has its path taken from the parsed URL.
	rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	if !strings.HasPrefix(rawPath, "/") {
		rawPath, rawQuery = r.URL.EscapedPath(), r.URL.RawQuery
	}
	query := parseQuery(rawQuery)
	given, presented := presentedToken(r.Header["Authorization"], query)
	if !presented {
		return answer{}, &requestError{401, "Unauthorized: missing bearer token"}
	}
	if !s.tokenMatches(given) {
		return answer{}, &requestError{401, "Unauthorized: invalid token"}
	}
	if !allowedMethods[r.Method] {
		return answer{}, &requestError{405, fmt.Sprintf("method %s not allowed", r.Method)}
	}
	enc := utf8Encoding
	if strings.EqualFold(r.Header.Get("Upstash-Encoding"), "base64") {
		enc = base64Encoding
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return answer{}, &requestError{413, fmt.Sprintf("request body is larger than %d bytes", s.maxBody)}
		}
		return answer{}, badRequest("request body could not be read: %v", err)
	}
	call, err := toRestCall(r.Method, rawPath, query, body)
	if err != nil {
		return answer{}, err
	}
	return s.execute(call, enc)
}

// tokenMatches compares with every token (no early exit), so the time taken does not tell which one nearly matched.
func (s *server) tokenMatches(given string) bool {
	ok := 0
	for _, token := range s.tokens {
		ok |= subtle.ConstantTimeCompare([]byte(given), token)
	}
	return ok == 1
}

// execute runs a call on the shared connection with Upstash semantics:
//   - one command: `200 {result}`, or `400 {error}` for an error reply;
//   - `/pipeline`: `200` and one `{result}|{error}` per command; a malformed, refused or failing command answers for
//     itself and never spoils the others;
//   - `/multi-exec`: MULTI … EXEC in one write; an error while queuing aborts the whole transaction with `400 {error}`
//     (nothing ran), a runtime error is that item's `{error}`.
func (s *server) execute(call restCall, enc encoding) (answer, error) {
	switch call.kind {
	case oneCommand:
		if refusal := assertAllowed(call.command); refusal != nil {
			return answer{}, refusal
		}
		p := s.scripts.rewrite(call.command)
		replies, err := s.redis.send([][][]byte{p.args})
		if err != nil {
			return answer{}, err
		}
		value := p.finish(replies[0])
		if e, ok := value.(errorReply); ok {
			return answer{400, errorItem{string(e)}}, nil
		}
		return answer{200, resultItem{encodeReply(value, enc, true)}}, nil
	case pipelineCall:
		return s.pipeline(call.commands, enc)
	case transactionCall:
		return s.transaction(call.commands, enc)
	}
	panic(fmt.Sprintf("unknown call kind %d", call.kind))
}

func (s *server) pipeline(commands []parsedCommand, enc encoding) (answer, error) {
	answers := make([]any, len(commands))
	var sent []int
	var rewritten []prepared
	var args [][][]byte
	for i, c := range commands {
		refusal := c.err
		if refusal == nil {
			refusal = assertAllowed(c.args)
		}
		if refusal != nil {
			answers[i] = errorItem{refusal.message}
			continue
		}
		p := s.scripts.rewrite(c.args)
		sent, rewritten, args = append(sent, i), append(rewritten, p), append(args, p.args)
	}
	replies, err := s.redis.send(args)
	if err != nil {
		return answer{}, err
	}
	for k, i := range sent {
		answers[i] = itemReply(rewritten[k].finish(replies[k]), enc)
	}
	return answer{200, answers}, nil
}

func (s *server) transaction(commands []parsedCommand, enc encoding) (answer, error) {
	args := [][][]byte{{[]byte("MULTI")}}
	rewritten := make([]prepared, len(commands))
	for i, c := range commands {
		if refusal := assertAllowed(c.args); refusal != nil {
			return answer{}, refusal
		}
		rewritten[i] = s.scripts.rewrite(c.args)
		args = append(args, rewritten[i].args)
	}
	replies, err := s.redis.send(append(args, [][]byte{[]byte("EXEC")}))
	if err != nil {
		return answer{}, err
	}
	exec := replies[len(replies)-1]
	if e, ok := exec.(errorReply); ok {
		// EXECABORT says only "previous errors"; name the first one, it is what the caller has to fix.
		cause := ""
		for i, queued := range replies[1 : len(replies)-1] {
			if q, failed := queued.(errorReply); failed {
				cause = fmt.Sprintf(" (command %d: %s)", i, q)
				break
			}
		}
		return answer{400, errorItem{string(e) + cause}}, nil
	}
	results, ok := exec.([]any)
	if !ok {
		return answer{400, errorItem{"ERR transaction was not executed"}}, nil
	}
	items := make([]any, len(results))
	for i, r := range results {
		items[i] = itemReply(rewritten[i].finish(r), enc)
	}
	return answer{200, items}, nil
}

// writeJSON writes a JSON answer (HTML characters unescaped, as JSON.stringify writes them).
func writeJSON(w http.ResponseWriter, status int, body any) {
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(body); err != nil {
		panic(err)
	}
	text := bytes.TrimSuffix(out.Bytes(), []byte("\n"))
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(text))}
	w.WriteHeader(status)
	w.Write(text)
}
