package main

import (
	"net/url"
	"strings"
)

// callKind is the form of a request: one command, a pipeline, or a transaction.
type callKind int

const (
	oneCommand callKind = iota
	pipelineCall
	transactionCall
)

// restCall is what one HTTP request asks of Redis.
type restCall struct {
	kind     callKind
	command  [][]byte        // oneCommand
	commands []parsedCommand // pipelineCall, transactionCall
}

// allowedMethods: Upstash answers these methods; anything else is 405.
var allowedMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true}

func hasBody(method string) bool { return method == "POST" || method == "PUT" }

// presentedToken is the token a request presents: the `Authorization: Bearer …` header, or else the `_token` query
// parameter (Upstash accepts both); ok is false when neither is there.
func presentedToken(authorization []string, query []queryParam) (token string, ok bool) {
	if len(authorization) > 0 {
		if after, found := strings.CutPrefix(authorization[0], "Bearer "); found {
			return strings.TrimSpace(after), true
		}
		return "", true
	}
	for _, p := range query {
		if p.name == "_token" {
			return p.value, true
		}
	}
	return "", false
}

type queryParam struct{ name, value string }

// parseQuery reads query parameters in order, as a browser's URLSearchParams does: `+` is a space, each valid `%XX`
// is its byte, and a malformed percent sequence is kept as it is.
func parseQuery(raw string) []queryParam {
	var params []queryParam
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		params = append(params, queryParam{formDecode(name), formDecode(value)})
	}
	return params
}

func formDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			out = append(out, ' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// toRestCall maps an HTTP request onto Redis commands, in the forms Upstash serves:
//   - `POST /` with a JSON array body: one command;
//   - `POST /pipeline`, `POST /multi-exec` with a JSON array of commands;
//   - `GET|POST /<command>/<arg>/…`: each path segment (percent-decoded, byte for byte: `..` and `%2e%2e` are
//     arguments, not path steps) is one argument; a non-empty POST body is
//     appended as one more argument, raw bytes (so JSON or binary values need no escaping); then each query parameter
//     other than `_token` is appended as its name and, when it has one, its value (`/set/k?EX=100` → `SET k <body> EX
//     100`).
func toRestCall(method, rawPath string, query []queryParam, body []byte) (restCall, error) {
	if rawPath == "/pipeline" || rawPath == "/multi-exec" {
		if !hasBody(method) {
			return restCall{}, &requestError{405, "method " + method + " not allowed on " + rawPath + "; use POST"}
		}
		value, err := parseJSON(body)
		if err != nil {
			return restCall{}, err
		}
		commands, err := parseCommandList(value)
		if err != nil {
			return restCall{}, err
		}
		if rawPath == "/pipeline" {
			return restCall{kind: pipelineCall, commands: commands}, nil
		}
		for _, c := range commands {
			if c.err != nil { // a transaction cannot run in part
				return restCall{}, c.err
			}
		}
		return restCall{kind: transactionCall, commands: commands}, nil
	}
	if rawPath == "/" || rawPath == "" {
		if !hasBody(method) {
			return restCall{}, badRequest(`no command: POST a JSON array like ["GET","k"] to /, or use /get/k`)
		}
		value, err := parseJSON(body)
		if err != nil {
			return restCall{}, err
		}
		command, err := parseCommand(value, "body")
		if err != nil {
			return restCall{}, err
		}
		return restCall{kind: oneCommand, command: command}, nil
	}
	var command [][]byte
	for _, segment := range strings.Split(rawPath[1:], "/") {
		arg, err := url.PathUnescape(segment)
		if err != nil { // over HTTP, net/http answers such a target 400 itself before the handler runs
			return restCall{}, badRequest("path segment %q is not valid percent-encoding", segment)
		}
		command = append(command, []byte(arg))
	}
	if hasBody(method) && len(body) > 0 {
		command = append(command, body)
	}
	for _, p := range query {
		if p.name == "_token" {
			continue
		}
		command = append(command, []byte(p.name))
		if p.value != "" {
			command = append(command, []byte(p.value))
		}
	}
	return restCall{kind: oneCommand, command: command}, nil
}
