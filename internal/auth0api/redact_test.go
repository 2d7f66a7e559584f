package auth0api

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRedactAnswer: an error answer loses every secret the tenant echoes (a
// SCIM token, the request's access token, a token request's client
// secret); a success keeps its body.
func TestRedactAnswer(t *testing.T) {
	t.Parallel()
	const scimSecret = "tok_AbCdEfGh12345678.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	req, _ := http.NewRequest(http.MethodPost, "https://t.example/oauth/token", nil)
	req.Header.Set("Authorization", "Bearer access-TOKEN-123")
	form := []byte("grant_type=client_credentials&client_secret=s3cr%2Bet-value")
	answer := func(status int, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	}
	resp := answer(400, `{"message":"bad `+scimSecret+` by access-TOKEN-123 with s3cr+et-value","token":"anything"}`)
	redactAnswer(req, form, resp)
	b, _ := io.ReadAll(resp.Body)
	for _, s := range []string{scimSecret, scimSecret[21:], "access-TOKEN-123", "s3cr+et-value", "anything"} {
		if strings.Contains(string(b), s) {
			t.Errorf("%q left in %s", s, b)
		}
	}
	if !strings.Contains(string(b), RedactedSCIMToken) {
		t.Errorf("no marker of the token in %s", b)
	}
	ok := answer(201, `{"token":"`+scimSecret+`"}`)
	redactAnswer(req, form, ok)
	if b, _ := io.ReadAll(ok.Body); !strings.Contains(string(b), scimSecret) {
		t.Errorf("a success lost its body: %s", b)
	}
}
