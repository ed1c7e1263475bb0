package main

// Upstash accepts a Lua shebang flag that open-source Redis does not know (`#!lua flags=allow-key-locking`, used by
// @upstash/ratelimit). To behave like Upstash we drop unknown flags before Redis sees the script, and remember which
// client-side sha maps to the sha Redis stored, so EVALSHA with the client's sha keeps working.

import (
	"crypto/sha1"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
)

var upstashOnlyFlags = map[string]bool{"allow-key-locking": true}

var (
	shebang   = regexp.MustCompile(`^#!lua([^\n]*)`)
	flagsList = regexp.MustCompile(`flags=(\S*)`)
)

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// stripUpstashFlags is the script with Upstash-only shebang flags removed (unchanged when it has none).
func stripUpstashFlags(script string) string {
	match := shebang.FindStringSubmatchIndex(script)
	if match == nil {
		return script
	}
	line := script[match[2]:match[3]]
	replaced := false
	rest := flagsList.ReplaceAllStringFunc(line, func(flags string) string {
		if replaced { // only the first flags= list, as Redis reads it
			return flags
		}
		replaced = true
		var kept []string
		for _, f := range strings.Split(strings.TrimPrefix(flags, "flags="), ",") {
			if f != "" && !upstashOnlyFlags[f] {
				kept = append(kept, f)
			}
		}
		if len(kept) == 0 {
			return ""
		}
		return "flags=" + strings.Join(kept, ",")
	})
	return "#!lua" + strings.TrimRight(rest, " \t\r\v\f") + script[match[1]:]
}

// scriptTranslator rewrites EVAL / EVALSHA / SCRIPT LOAD so scripts with Upstash-only flags run on plain Redis.
type scriptTranslator struct {
	mu     sync.RWMutex
	shaMap map[string]string
}

// prepared is a command as sent to Redis; reply, when set, replaces a successful reply (error replies pass through).
type prepared struct {
	args  [][]byte
	reply func(any) any
}

func (p prepared) finish(reply any) any {
	if _, isError := reply.(errorReply); p.reply != nil && !isError {
		return p.reply(reply)
	}
	return reply
}

func (t *scriptTranslator) remember(original, stripped string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shaMap == nil {
		t.shaMap = map[string]string{}
	}
	t.shaMap[sha1Hex(original)] = sha1Hex(stripped)
}

func (t *scriptTranslator) rewrite(command [][]byte) prepared {
	if len(command) < 2 {
		return prepared{args: command}
	}
	name := strings.ToUpper(string(command[0]))
	first := string(command[1])
	switch {
	case name == "EVAL" || name == "EVAL_RO":
		stripped := stripUpstashFlags(first)
		if stripped == first {
			return prepared{args: command}
		}
		t.remember(first, stripped)
		return prepared{args: replaced(command, 1, stripped)}
	case name == "EVALSHA" || name == "EVALSHA_RO":
		t.mu.RLock()
		mapped, ok := t.shaMap[strings.ToLower(first)]
		t.mu.RUnlock()
		if !ok {
			return prepared{args: command}
		}
		return prepared{args: replaced(command, 1, mapped)}
	case name == "SCRIPT" && strings.EqualFold(first, "LOAD") && len(command) > 2:
		original := string(command[2])
		stripped := stripUpstashFlags(original)
		if stripped == original {
			return prepared{args: command}
		}
		t.remember(original, stripped)
		// The client expects the sha of what it sent (a bulk string, like Redis's own reply).
		sha := []byte(sha1Hex(original))
		return prepared{args: replaced(command, 2, stripped), reply: func(any) any { return sha }}
	}
	return prepared{args: command}
}

func replaced(command [][]byte, at int, value string) [][]byte {
	out := append([][]byte(nil), command...)
	out[at] = []byte(value)
	return out
}
