package main

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func command(t *testing.T, body string) ([][]byte, error) {
	t.Helper()
	value, err := parseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return parseCommand(value, "body")
}

func texts(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

func TestTakesNumbersBooleansAndNullAsTheirJavaScriptText(t *testing.T) {
	args, err := command(t, `["SET","k",1.5,true,false,null,10,1.50,1e21,1e-7,0.000001,-0,123456789012345678901]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SET", "k", "1.5", "true", "false", "null", "10", "1.5", "1e+21", "1e-7", "0.000001", "0", "123456789012345680000"}
	if got := texts(args); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRefusesAnObjectOrArrayArgumentNamingItsPosition(t *testing.T) {
	_, err := command(t, `["SET","k",{"a":1}]`)
	if err == nil || err.Error() != "body[2]: a command argument must be a string, number, boolean or null, got object" {
		t.Fatalf("got %v", err)
	}
	_, err = command(t, `["SET","k","v",["x"]]`)
	if err == nil || !strings.HasPrefix(err.Error(), "body[3]") || !strings.HasSuffix(err.Error(), "got array") {
		t.Fatalf("got %v", err)
	}
	if _, err := command(t, `[]`); err == nil || !strings.Contains(err.Error(), "non-empty JSON array") {
		t.Fatalf("got %v", err)
	}
	if _, err := parseJSON([]byte(`{nope`)); err == nil || err.(*requestError).status != 400 {
		t.Fatalf("got %v", err)
	}
}

func TestKeepsAMalformedPipelineCommandInItsPlace(t *testing.T) {
	value, _ := parseJSON([]byte(`[["SET","a",1],["SET","b",{}],"GET",["GET","a"]]`))
	list, err := parseCommandList(value)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(texts(list[0].args), []string{"SET", "a", "1"}) || list[0].err != nil {
		t.Errorf("item 0: %+v", list[0])
	}
	if list[1].err == nil || !strings.HasPrefix(list[1].err.message, "body[1][2]") {
		t.Errorf("item 1: %+v", list[1])
	}
	if list[2].err == nil || !strings.HasPrefix(list[2].err.message, "body[2]") {
		t.Errorf("item 2: %+v", list[2])
	}
	if !reflect.DeepEqual(texts(list[3].args), []string{"GET", "a"}) {
		t.Errorf("item 3: %+v", list[3])
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestEncodesReplies(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	reply := []any{[]byte("héllo"), statusReply("OK"), int64(3), nil, errorReply("ERR boom"), []any{[]byte("x"), statusReply("QUEUED")}}
	cases := []struct {
		name  string
		value any
		enc   encoding
		want  string
	}{
		{"strings as text without base64", reply, utf8Encoding, `["héllo","OK",3,null,{"error":"ERR boom"},["x","QUEUED"]]`},
		{"base64 at any depth, numbers, nil and errors as they are", reply, base64Encoding,
			`["` + b64("héllo") + `","` + b64("OK") + `",3,null,{"error":"ERR boom"},["` + b64("x") + `","` + b64("QUEUED") + `"]]`},
		{"a top-level OK status as is under base64", statusReply("OK"), base64Encoding, `"OK"`},
		{"but not another status", statusReply("PONG"), base64Encoding, `"` + b64("PONG") + `"`},
		{"nor a bulk OK", []byte("OK"), base64Encoding, `"` + b64("OK") + `"`},
		{"binary bytes exact under base64", []byte{0, 0xff, 0x80}, base64Encoding, `"AP+A"`},
	}
	for _, c := range cases {
		if got := asJSON(t, encodeReply(c.value, c.enc, true)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if got := asJSON(t, itemReply(errorReply("WRONGTYPE x"), base64Encoding)); got != `{"error":"WRONGTYPE x"}` {
		t.Errorf("item error: %s", got)
	}
	if got := asJSON(t, itemReply([]byte("v"), utf8Encoding)); got != `{"result":"v"}` {
		t.Errorf("item result: %s", got)
	}
}

func TestRefusesCommandsUnsafeOnTheSharedConnection(t *testing.T) {
	refusedCommands := [][]string{{"BLPOP", "q", "0"}, {"blpop", "q", "0"}, {"SUBSCRIBE", "c"}, {"unsubscribe", "a", "b"},
		{"CLIENT", "REPLY", "OFF"}, {"HELLO", "3"}, {"select", "1"}, {"MULTI"}, {"XREAD", "block", "0", "STREAMS", "s", "$"}}
	for _, c := range refusedCommands {
		if err := assertAllowed(bytesOf(c)); err == nil || !strings.Contains(err.message, "not supported by this REST endpoint") {
			t.Errorf("%v: got %v", c, err)
		}
	}
	for _, c := range [][]string{{"hgetall", "h"}, {"XREAD", "COUNT", "1", "STREAMS", "s", "0"}} {
		if err := assertAllowed(bytesOf(c)); err != nil {
			t.Errorf("%v: refused: %v", c, err)
		}
	}
}

func bytesOf(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}
