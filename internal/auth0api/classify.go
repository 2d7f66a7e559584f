package auth0api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"golang.org/x/oauth2"
)

// meaning is what an answer or an error means for the run. It is decided in
// one place, classify and classifyAnswer, and every other part of the client
// (retrying, renewing the token, reading a configuration, writing, listing)
// acts on it.
type meaning int

const (
	meaningOK           meaning = iota
	meaningRetry                // 408, 429, 5xx, a network error: the same request may succeed later
	meaningFatal                // every other request would fail the same way: stop the run
	meaningUnauthorized         // 401: the token was refused; renewing it may cure it
	meaningNoConfig             // 404 "Not Found": the connection has no SCIM configuration
	meaningNoConnection         // 404: the connection does not exist
	meaningUnsupported          // 404: the connection's strategy does not support SCIM
	meaningUnavailable          // 403/404 on a listing: not granted, or not offered by this tenant
	meaningExists               // 400/409 "already exists": a create that an earlier attempt made
	meaningRejected             // any other 4xx: this request, for this connection only
	meaningCanceled             // the run was cancelled
	meaningRefused              // an answer that cannot be the Management API's (redirect, not JSON)
	meaningNotSent              // the request never left: the run was interrupted while it waited
)

// classifyAnswer gives the meaning of an HTTP status and the Management
// API's message.
func classifyAnswer(status int, message string) meaning {
	switch {
	case status < 400:
		return meaningOK
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout,
		status >= 500 && status != http.StatusNotImplemented:
		return meaningRetry
	case status == http.StatusUnauthorized:
		return meaningUnauthorized
	case status == http.StatusForbidden:
		return meaningFatal
	case status == http.StatusNotFound:
		return classify404(message)
	case strings.Contains(message, "already exists"):
		return meaningExists
	}
	return meaningRejected
}

// classify404 tells Auth0's three 404 answers for a SCIM configuration
// apart; they differ only by their message.
func classify404(message string) meaning {
	switch {
	case message == "Not Found":
		return meaningNoConfig
	case strings.Contains(message, "connection does not exist"):
		return meaningNoConnection
	case strings.Contains(message, "does not support SCIM"):
		return meaningUnsupported
	}
	return meaningRejected
}

// classify gives the meaning of an error from the SDK or the transport.
func classify(err error) meaning {
	var (
		me       management.Error
		refused  *RefusedAnswerError
		retrieve *oauth2.RetrieveError
	)
	switch {
	case err == nil:
		return meaningOK
	case errors.Is(err, execute.ErrNotSent):
		return meaningNotSent
	case execute.IsFatal(err):
		return meaningFatal
	case errors.As(err, &refused):
		return meaningRefused
	case errors.As(err, &me):
		return classifyAnswer(me.Status(), messageOf(me))
	case errors.As(err, &retrieve), untrustedTLS(err), plainHTTPPort(err), unknownHost(err):
		return meaningFatal
	case errors.Is(err, context.Canceled):
		return meaningCanceled
	}
	return meaningRetry
}

// Classify is the error a caller sees: fatal errors are marked with the
// hint that fixes them; every other error concerns one request only and is
// returned unchanged. Retryable errors were already retried by the
// transport.
func Classify(err error) error {
	switch {
	case err == nil || execute.IsFatal(err):
		return err
	case classify(err) == meaningUnauthorized:
		return &execute.FatalError{Err: fmt.Errorf("the tenant refused the access token: %w", err),
			Hint: "the token is invalid or expired; get a new one, or use client credentials, which are renewed"}
	case classify(err) != meaningFatal:
		return err
	}
	return fatal(err)
}

// fatal wraps an error every request would meet with what to do about it.
func fatal(err error) error {
	var retrieve *oauth2.RetrieveError
	switch {
	case errors.As(err, &retrieve):
		return &execute.FatalError{Err: fmt.Errorf("the tenant refused the client credentials: %s", tokenRefusal(retrieve)),
			Hint: "check AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and --audience"}
	case untrustedTLS(err):
		return &execute.FatalError{Err: fmt.Errorf("the tenant's TLS certificate is not trusted: %w", err),
			Hint: "check --domain; a private CA can be trusted with SSL_CERT_FILE"}
	case plainHTTPPort(err):
		return &execute.FatalError{Err: fmt.Errorf("the tenant does not speak TLS: %w", err),
			Hint: "a local emulator on plain HTTP is reached with --domain http://127.0.0.1:PORT"}
	case unknownHost(err):
		var dns *net.DNSError
		errors.As(err, &dns)
		return &execute.FatalError{Err: fmt.Errorf("the tenant's domain %s does not resolve: %w", dns.Name, err),
			Hint: "check --domain (AUTH0_DOMAIN), e.g. acme.eu.auth0.com, and this machine's DNS"}
	}
	return &execute.FatalError{Err: fmt.Errorf("the tenant refused the request: %w", err), Hint: scopeHint(err)}
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

// untrustedTLS reports a certificate the tool does not trust: verification
// is never turned off, so retrying would only delay the message.
func untrustedTLS(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// unknownHost reports a domain the resolver says does not exist: retrying
// cannot help (a temporary resolver failure is retried).
func unknownHost(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}

// plainHTTPPort reports a TLS handshake answered by a server that speaks
// plain HTTP: the domain lacks http:// for a local emulator.
func plainHTTPPort(err error) bool {
	var rh tls.RecordHeaderError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rh)
}

// statusOf is the HTTP status of a Management API error, 0 for other errors.
func statusOf(err error) int {
	var me management.Error
	if errors.As(err, &me) {
		return me.Status()
	}
	return 0
}

// messageOf is the message of a Management API error, which is what tells
// Auth0's three 404s apart.
func messageOf(me management.Error) string {
	s := me.Error()
	if _, rest, ok := strings.Cut(s, ": "); ok {
		return rest
	}
	return s
}

// classifyListing is the meaning of a listing's error: a 403 or a 404 there
// says the listing is not available to this client (not granted, or not
// offered by the tenant), so the tool reads connections one by one instead.
func classifyListing(err error) meaning {
	if s := statusOf(err); s == http.StatusForbidden || s == http.StatusNotFound {
		return meaningUnavailable
	}
	return classify(err)
}

// uncertain reports whether a failed write may still have changed the
// tenant: the tenant failed (5xx), the answer was lost or refused, a create
// was refused because an earlier attempt of it had already succeeded, or the
// answer held a SCIM token's secret (a 400 that echoes the token issued).
// A 429, retried like a 5xx, is not among them: the rate limit refuses a
// request before it does anything, so a write whose last attempt was
// answered 429 failed.
func uncertain(err error, action plan.Action) bool {
	if echoedSCIMToken(err) {
		// Whatever the status, an answer holding a token's secret says the
		// tenant may have issued that token.
		return true
	}
	if statusOf(err) == http.StatusTooManyRequests {
		return false
	}
	switch classify(err) {
	case meaningRetry, meaningRefused, meaningCanceled:
		return true
	case meaningExists:
		return action == plan.ActionCreate
	}
	return false
}
