package main

import "fmt"

// Errors of the endpoint. Each maps to one HTTP status; server.go turns them into `{"error": …}` bodies in one place.
// Redis error *replies* are data (resp.go errorReply), not these.

// requestError is a refusal of the request itself, with the HTTP status it is answered with.
type requestError struct {
	status  int
	message string
}

func (e *requestError) Error() string { return e.message }

func badRequest(format string, args ...any) *requestError {
	return &requestError{status: 400, message: fmt.Sprintf(format, args...)}
}

// unavailableError: Redis cannot be reached, the connection dropped while a request waited, or the reply did not come
// in time. Answered 503, which the edge's cache client treats as a miss.
type unavailableError struct{ reason string }

func (e unavailableError) Error() string { return "redis unavailable: " + e.reason }
