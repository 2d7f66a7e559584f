package execute

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/auth0/go-auth0/management"
	"golang.org/x/oauth2"
)

// FatalError is a failure every other connection of the run would meet too
// (a refused token, a missing scope): it stops the whole run instead of
// failing each connection in turn.
type FatalError struct {
	Err  error
	Hint string
}

func (e *FatalError) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "; " + e.Hint
}

func (e *FatalError) Unwrap() error { return e.Err }

// IsFatal reports whether err stops the whole run.
func IsFatal(err error) bool {
	var f *FatalError
	return errors.As(err, &f)
}

// Classify is the one place that decides what an error means for the run.
// It marks fatal errors (401 after renewal, 403, token refused); every other
// error concerns one connection only and is returned unchanged. Retryable
// errors were already retried by the transport.
func Classify(err error) error {
	if err == nil || IsFatal(err) {
		return err
	}
	var refused *RefusedAnswerError
	if permanent(err) && !errors.As(err, &refused) {
		return &FatalError{Err: fmt.Errorf("the tenant's TLS certificate is not trusted: %w", err),
			Hint: "check --domain; a private CA can be trusted with SSL_CERT_FILE"}
	}
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) {
		return &FatalError{Err: fmt.Errorf("the tenant refused the client credentials: %s", tokenRefusal(retrieve)),
			Hint: "check AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and --audience"}
	}
	switch statusOf(err) {
	case http.StatusUnauthorized:
		return &FatalError{Err: fmt.Errorf("the tenant refused the access token: %w", err),
			Hint: "the token is invalid or expired; get a new one, or use client credentials, which are renewed"}
	case http.StatusForbidden:
		return &FatalError{Err: fmt.Errorf("the tenant refused the request: %w", err), Hint: scopeHint(err)}
	}
	return err
}

// tokenRefusal describes a refused token request without the request
// itself, which carries the client secret.
func tokenRefusal(e *oauth2.RetrieveError) string {
	parts := []string{}
	if e.Response != nil {
		parts = append(parts, e.Response.Status)
	}
	if e.ErrorCode != "" {
		parts = append(parts, e.ErrorCode)
	}
	if e.ErrorDescription != "" {
		parts = append(parts, e.ErrorDescription)
	}
	return strings.Join(parts, ": ")
}

// scopeHint names the scope a 403 asks for, so the user knows what to grant.
func scopeHint(err error) string {
	msg := err.Error()
	const marker = "expected any of:"
	i := strings.Index(msg, marker)
	if i < 0 {
		return "the application may lack a scope on the Auth0 Management API"
	}
	scope := strings.TrimRight(strings.TrimSpace(msg[i+len(marker):]), ".")
	return fmt.Sprintf("grant the application the %s scope on the Auth0 Management API (Applications > APIs > Auth0 Management API > Machine to Machine Applications)", scope)
}

// statusOf is the HTTP status of a Management API error, 0 for other errors.
func statusOf(err error) int {
	var me management.Error
	if errors.As(err, &me) {
		return me.Status()
	}
	return 0
}

// messageOf is the message of a Management API error ("" for other errors),
// which is what tells Auth0's three 404s apart.
func messageOf(err error) string {
	var me management.Error
	if !errors.As(err, &me) {
		return ""
	}
	s := me.Error()
	if _, rest, ok := strings.Cut(s, ": "); ok {
		return rest
	}
	return s
}
