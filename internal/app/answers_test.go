package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// badAnswer replaces the tenant's answer to matching requests.
type badAnswer struct {
	method, pathPart string
	answer           func(w http.ResponseWriter)
}

// withBadAnswers serves the harness's tenant behind a handler that answers
// the matching requests itself.
func (h *harness) withBadAnswers(rules ...badAnswer) {
	h.t.Helper()
	inner := h.tenant.Handler()
	h.srv.Close()
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range rules {
			if r.Method == rule.method && strings.Contains(r.URL.Path, rule.pathPart) {
				rule.answer(w)
				return
			}
		}
		inner.ServeHTTP(w, r)
	}))
	h.t.Cleanup(h.srv.Close)
}

func answer(status int, contentType, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestAnswers_malformedAnswersAreClearErrors(t *testing.T) {
	t.Parallel()
	const listing = "connections-scim-configurations"
	const jsonType = "application/json; charset=utf-8"
	cloudflare := "<!DOCTYPE html><html><head><title>auth0.com | 524: A timeout occurred</title></head><body>cloudflare</body></html>"
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	cases := []struct {
		name string
		rule badAnswer
		want string
	}{
		{"truncated JSON", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [{"connection_id": "con_`)}, "unexpected end of JSON"},
		{"wrong types", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [{"connection_id": 12, "mapping": "x"}]}`)}, "cannot unmarshal"},
		{"huge number", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [], "next": 1e99999}`)}, "cannot unmarshal"},
		{"HTML page with 200", badAnswer{"GET", listing, answer(200, "text/html", cloudflare)}, "not JSON"},
		{"HTML error page", badAnswer{"GET", listing, answer(524, "text/html", cloudflare)}, "524"},
		{"empty 200", badAnswer{"GET", listing, answer(200, jsonType, ``)}, "malformed"},
		{"config without fields", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [{"connection_id": "con_Ac8mEoKta1x2Y3z4"}]}`)}, "user_id_attribute or mapping missing"},
		{"redirect to another host", badAnswer{"GET", listing, func(w http.ResponseWriter) {
			w.Header().Set("Location", other.URL+"/steal")
			w.WriteHeader(http.StatusFound)
		}}, "redirect"},
		{"endless cursor", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [], "next": "same"}`)}, "same cursor"},
		{"oversized answer", badAnswer{"GET", listing, answer(200, jsonType, `{"scim_configurations": [], "x": "`+strings.Repeat("a", 17<<20)+`"}`)}, "limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			h.withBadAnswers(c.rule)
			r := h.expect(h.run("apply", "--max-retries", "1", "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json"), 1)
			if !strings.Contains(r.stderr, c.want) {
				t.Fatalf("stderr does not say %q:\n%s", c.want, r)
			}
			if st := h.tenant.Stats(); len(st.Writes) != 0 {
				t.Fatalf("writes after a malformed answer: %v", st.Writes)
			}
		})
	}
	if elsewhere.Load() != 0 {
		t.Fatal("a request followed the redirect to another host")
	}
}

func TestAnswers_malformedWriteAnswerFailsThatConnection(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	h.withBadAnswers(badAnswer{"PATCH", "con_GLbx5SamL7q8R9s0", answer(200, "application/json", ``)})
	r := h.expect(h.run("apply", "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json"), 3)
	run := h.readReport(h.path("r.jsonl"))
	for _, res := range run.Results {
		if res.ConnectionID == "con_GLbx5SamL7q8R9s0" && (res.Status != "failed" || !strings.Contains(res.Error, "not the SCIM configuration")) {
			t.Fatalf("%+v\n%s", res, r)
		}
	}
}
