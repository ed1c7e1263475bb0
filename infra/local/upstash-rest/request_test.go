package main

import (
	"reflect"
	"strings"
	"testing"
)

func call(t *testing.T, method, uri, body string) (restCall, error) {
	t.Helper()
	path, query, _ := strings.Cut(uri, "?")
	return toRestCall(method, path, parseQuery(query), []byte(body))
}

func TestRequestForms(t *testing.T) {
	cases := []struct {
		name, method, uri, body string
		want                    []string
	}{
		{"one command from a JSON array posted to /", "POST", "/", `["SET","k",1]`, []string{"SET", "k", "1"}},
		{"a path command, one URL-decoded argument per segment", "GET", "/hget/employee%3A23381/a%2Fb%20c", "", []string{"hget", "employee:23381", "a/b c"}},
		{"a POST body as the last argument, raw bytes, then query parameters", "POST", "/set/foo?EX=100&NX&_token=secret", "{\"\xff}", []string{"set", "foo", "{\"\xff}", "EX", "100", "NX"}},
		{"query parameters decoded like a browser's", "GET", "/set/k/v?a+b=c%20d&x=%20b%zz", "", []string{"set", "k", "v", "a b", "c d", "x", " b%zz"}},
		{"dot segments as arguments", "GET", "/get/../%2e%2e", "", []string{"get", "..", ".."}},
	}
	for _, c := range cases {
		got, err := call(t, c.method, c.uri, c.body)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.kind != oneCommand || !reflect.DeepEqual(texts(got.command), c.want) {
			t.Errorf("%s: got %d %q, want %q", c.name, got.kind, texts(got.command), c.want)
		}
	}
}

func TestPipelinesAndTransactions(t *testing.T) {
	body := `[["SET","a",1],["GET","a"]]`
	if got, err := call(t, "POST", "/pipeline", body); err != nil || got.kind != pipelineCall {
		t.Errorf("pipeline: %v %v", got.kind, err)
	}
	if got, err := call(t, "POST", "/multi-exec", body); err != nil || got.kind != transactionCall {
		t.Errorf("multi-exec: %v %v", got.kind, err)
	}
	// A transaction with a malformed command is refused whole, since it cannot run in part; a pipeline is not.
	bad := `[["SET","a",1],["SET","b",{"no":1}]]`
	if _, err := call(t, "POST", "/multi-exec", bad); err == nil || err.Error()[:10] != "body[1][2]" {
		t.Errorf("multi-exec with a malformed command: %v", err)
	}
	if got, err := call(t, "POST", "/pipeline", bad); err != nil || got.kind != pipelineCall {
		t.Errorf("pipeline with a malformed command: %v", err)
	}
}

func TestMalformedRequestsAre400Or405(t *testing.T) {
	cases := []struct {
		method, uri, body string
		status            int
	}{
		{"POST", "/", "{nope", 400},
		{"POST", "/", `["SET","k","v"]]`, 400},
		{"GET", "/", "", 400},
		{"GET", "/get/%E0%A4%A", "", 400},
		{"GET", "/pipeline", "", 405},
	}
	for _, c := range cases {
		_, err := call(t, c.method, c.uri, c.body)
		refusal, ok := err.(*requestError)
		if !ok || refusal.status != c.status {
			t.Errorf("%s %s: got %v, want %d", c.method, c.uri, err, c.status)
		}
	}
}

func TestPresentedToken(t *testing.T) {
	cases := []struct {
		header []string
		query  string
		want   string
		ok     bool
	}{
		{[]string{"Bearer abc"}, "_token=xyz", "abc", true},
		{nil, "_token=xyz", "xyz", true},
		{nil, "", "", false},
		{[]string{"Basic abc"}, "", "", true},
	}
	for _, c := range cases {
		got, ok := presentedToken(c.header, parseQuery(c.query))
		if got != c.want || ok != c.ok {
			t.Errorf("%v %q: got %q %v, want %q %v", c.header, c.query, got, ok, c.want, c.ok)
		}
	}
}
