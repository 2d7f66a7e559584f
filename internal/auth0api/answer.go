package auth0api

import (
	"fmt"
	"io"
	"mime"
	"net/http"
)

// RefusedAnswerError is an answer the tool will not treat as a Management API
// answer: a redirect, or a success that is not JSON. Retrying does not help.
type RefusedAnswerError struct {
	Status int
	Reason string
}

func (e *RefusedAnswerError) Error() string {
	return fmt.Sprintf("refused answer (HTTP %d): %s", e.Status, e.Reason)
}

// refuseUnexpected rejects answers the Management API never gives: a redirect
// (which could send the token to another host) and a success whose body is
// not JSON (a captive portal or proxy page).
func refuseUnexpected(resp *http.Response) error {
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return &RefusedAnswerError{Status: resp.StatusCode,
			Reason: fmt.Sprintf("redirect to %q; the Management API never redirects, check --domain", resp.Header.Get("Location"))}
	case resp.StatusCode < 300 && resp.StatusCode != http.StatusNoContent && resp.ContentLength != 0 && !isJSON(resp.Header):
		return &RefusedAnswerError{Status: resp.StatusCode,
			Reason: fmt.Sprintf("answer is %q, not JSON; check --domain", resp.Header.Get("Content-Type"))}
	}
	return nil
}

func isJSON(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/json" || mt == "application/problem+json")
}

// limitBody makes reading more than MaxAnswerBytes of an answer an error
// instead of an unbounded allocation.
func limitBody(rc io.ReadCloser) io.ReadCloser {
	return &limitedBody{ReadCloser: rc, left: MaxAnswerBytes}
}

type limitedBody struct {
	io.ReadCloser
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte past the limit tells a body of exactly the limit from a larger one.
		var one [1]byte
		if n, _ := l.ReadCloser.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("answer larger than the %d MiB limit", MaxAnswerBytes>>20)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.ReadCloser.Read(p)
	l.left -= int64(n)
	return n, err
}
