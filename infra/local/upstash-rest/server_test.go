package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// serve runs one request through the endpoint's handler, in front of the fake Redis of connection_test.go.
func serve(t *testing.T, s *server, method, target, body string, header map[string]string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	out, _ := io.ReadAll(w.Result().Body)
	if got := w.Result().Header.Get("content-type"); got != "application/json" {
		t.Errorf("%s %s: content-type %q", method, target, got)
	}
	return w.Code, string(out)
}

func TestServesTheRequestFormsWithUpstashStatuses(t *testing.T) {
	f := startFakeRedis(t)
	s := &server{tokens: [][]byte{[]byte("tok")}, maxBody: 64, redis: newRespConnection(f.addr(), time.Second)}
	defer s.redis.close()
	auth := map[string]string{"Authorization": "Bearer tok"}
	cases := []struct {
		method, target, body string
		header               map[string]string
		status               int
		want                 string
	}{
		{"POST", "/", `["ECHO","hi"]`, auth, 200, `{"result":"hi"}`},
		{"GET", "/echo/a%2Fb?_token=tok", "", nil, 200, `{"result":"a/b"}`},
		{"GET", "http://upstash.local/echo/abs", "", auth, 200, `{"result":"abs"}`},
		{"POST", "/pipeline", `[["ECHO","x"],["SUBSCRIBE","c"],["ECHO",{}]]`, auth, 200,
			`[{"result":"x"},{"error":"ERR command 'SUBSCRIBE' is not supported by this REST endpoint"},{"error":"body[2][1]: a command argument must be a string, number, boolean or null, got object"}]`},
		{"POST", "/", `["ECHO","hi"]`, nil, 401, `{"error":"Unauthorized: missing bearer token"}`},
		{"POST", "/", `["ECHO","hi"]`, map[string]string{"Authorization": "Bearer to"}, 401, `{"error":"Unauthorized: invalid token"}`},
		{"DELETE", "/", "", auth, 405, `{"error":"method DELETE not allowed"}`},
		{"POST", "/", `["ECHO","` + strings.Repeat("x", 100) + `"]`, auth, 413, `{"error":"request body is larger than 64 bytes"}`},
		{"POST", "/", `["ECHO","hi"]]`, auth, 400, `{"error":"body is not valid JSON"}`},
	}
	for _, c := range cases {
		status, body := serve(t, s, c.method, c.target, c.body, c.header)
		if status != c.status || body != c.want {
			t.Errorf("%s %s: got %d %s, want %d %s", c.method, c.target, status, body, c.status, c.want)
		}
	}
}

func TestAnswers503WhenRedisDoesNotAnswerInTime(t *testing.T) {
	f := startFakeRedis(t)
	s := &server{tokens: [][]byte{[]byte("tok")}, maxBody: 1024, redis: newRespConnection(f.addr(), 100*time.Millisecond)}
	defer s.redis.close()
	status, body := serve(t, s, "POST", "/", `["SLOW","300","late"]`, map[string]string{"Authorization": "Bearer tok"})
	if status != http.StatusServiceUnavailable || body != `{"error":"redis unavailable: no reply within 100 ms"}` {
		t.Fatalf("got %d %s", status, body)
	}
}
