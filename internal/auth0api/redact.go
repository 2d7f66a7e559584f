package auth0api

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// RedactedSCIMToken replaces a SCIM token's secret found in an error
// answer. Its presence in an error also says that the tenant may have issued
// that token (uncertain): its secret is then lost, and the token is revoked
// like one whose answer never came.
const RedactedSCIMToken = "[REDACTED SCIM token]"

// redactedSecret replaces another secret (the access token, the client
// secret) found in an error answer.
const redactedSecret = "[REDACTED]"

// scimSecretPattern matches a SCIM token's secret (Auth0's form: its id, a
// dot, 64 hex digits), its hex part alone, and the value of a "token" field.
var scimSecretPattern = regexp.MustCompile(`(tok_[A-Za-z0-9]+\.)?[0-9A-Fa-f]{64}|"token"\s*:\s*"[^"]*"`)

// maxErrorBytes bounds how much of an error answer is read to be redacted;
// Auth0's error bodies are a few hundred bytes.
const maxErrorBytes = 1 << 20

// redactAnswer removes from an error answer's body every secret the tenant
// should never send back, before go-auth0 turns the body into an error
// message that reaches logs, the terminal and the report: a SCIM token's
// secret, and the secrets the request itself carried (its access token, a
// token request's client secret). A success is left as it is (a token POST's
// answer is where the new secret is given).
func redactAnswer(req *http.Request, reqBody []byte, resp *http.Response) {
	if resp.StatusCode < 400 || resp.Body == nil {
		return
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	_ = resp.Body.Close()
	if err != nil {
		b = nil
	}
	b = redactSecrets(b, requestSecrets(req, reqBody))
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	resp.Header.Del("Content-Length")
}

// redactSecrets replaces the SCIM token secrets and the given secrets in b.
func redactSecrets(b []byte, secrets []string) []byte {
	b = scimSecretPattern.ReplaceAllFunc(b, func(m []byte) []byte {
		if bytes.HasPrefix(m, []byte(`"token"`)) {
			return []byte(`"token":"` + RedactedSCIMToken + `"`)
		}
		return []byte(RedactedSCIMToken)
	})
	for _, s := range secrets {
		// Very short values would redact ordinary words; real secrets are long.
		if len(s) >= 6 {
			b = bytes.ReplaceAll(b, []byte(s), []byte(redactedSecret))
		}
	}
	return b
}

// requestSecrets are the secrets a request carries: its bearer token, and
// a token request's client secret (form body or basic authentication).
func requestSecrets(req *http.Request, body []byte) []string {
	var out []string
	if bearer, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		out = append(out, bearer)
	}
	if _, pass, ok := req.BasicAuth(); ok {
		out = append(out, pass, url.QueryEscape(pass))
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_secret") != "" {
		s := form.Get("client_secret")
		out = append(out, s, url.QueryEscape(s))
	}
	return out
}

// echoedSCIMToken reports whether an error's answer held a SCIM token's
// secret: the tenant may have issued that token.
func echoedSCIMToken(err error) bool {
	return err != nil && strings.Contains(err.Error(), RedactedSCIMToken)
}
