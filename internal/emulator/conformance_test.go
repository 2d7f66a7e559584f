package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// cassette is the part of a go-vcr v2 cassette the replay needs.
type cassette struct {
	Interactions []struct {
		ID      int `yaml:"id"`
		Request struct {
			Body    string              `yaml:"body"`
			Headers map[string][]string `yaml:"headers"`
			URL     string              `yaml:"url"`
			Method  string              `yaml:"method"`
		} `yaml:"request"`
		Response struct {
			Body    string              `yaml:"body"`
			Code    int                 `yaml:"code"`
			Headers map[string][]string `yaml:"headers"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

// TestConformance replays every recorded interaction of real Auth0 traffic, in
// order, against a fresh emulator per cassette and compares the answers.
func TestConformance(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.yaml", "terraform-provider/*.yaml"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "auth0-recordings", pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 12 {
		t.Fatalf("found %d cassettes, want the 12 of testdata/auth0-recordings", len(files))
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			t.Parallel()
			replayCassette(t, path)
		})
	}
}

func loadCassette(t *testing.T, path string) cassette {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	if len(c.Interactions) == 0 {
		t.Fatalf("%s has no interactions", path)
	}
	return c
}

// cassetteTenant is the tenant_name the recorded bodies carry.
func cassetteTenant(c cassette) string {
	for _, it := range c.Interactions {
		var body struct {
			TenantName string `json:"tenant_name"`
		}
		if json.Unmarshal([]byte(it.Response.Body), &body) == nil && body.TenantName != "" {
			return body.TenantName
		}
	}
	return ""
}

// replay holds the state of one cassette's replay.
type replay struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	ids   map[string]string // recorded id -> emulator id (connections and SCIM tokens)
	lines []string
	// matched counts, by kind, the interactions whose status and body matched.
	matched map[string]int

	lastContentType string
}

func replayCassette(t *testing.T, path string) *replay {
	c := loadCassette(t, path)
	tn := New(Options{TenantName: cassetteTenant(c)})
	tn.AddClient(Client{ID: "conformance", Secret: "secret", Scopes: allScopes})
	srv := httptest.NewServer(tn.Handler())
	defer srv.Close()
	rp := &replay{t: t, srv: srv, token: fetchToken(t, srv), ids: map[string]string{}, matched: map[string]int{}}
	for _, it := range c.Interactions {
		rq := it.Request
		verdict := rp.interaction(rq.Method, rq.URL, rq.Body, rq.Headers["Content-Type"], it.Response.Code, it.Response.Body)
		if want := it.Response.Headers["Content-Type"]; len(want) == 1 && rp.lastContentType != want[0] {
			t.Errorf("#%d: Content-Type %q, recorded %q", it.ID, rp.lastContentType, want[0])
			verdict += " FAILED: Content-Type"
		}
		rp.lines = append(rp.lines, fmt.Sprintf("#%-2d %-6s %s -> %d: %s", it.ID, rq.Method, shortURL(rq.URL), it.Response.Code, verdict))
	}
	if len(rp.lines) != len(c.Interactions) {
		t.Errorf("checked %d of %d interactions", len(rp.lines), len(c.Interactions))
	}
	report := strings.Join(rp.lines, "\n")
	if t.Failed() {
		t.Logf("interactions of %s:\n%s", filepath.Base(path), report)
	} else if testing.Verbose() {
		t.Logf("checked %d interactions:\n%s", len(rp.lines), report)
	}
	return rp
}

func shortURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.RequestURI()
	}
	return raw
}

func fetchToken(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"conformance"},
		"client_secret": {"secret"}, "audience": {srv.URL + "/api/v2/"}}
	resp, err := srv.Client().PostForm(srv.URL+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok tokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token endpoint: status %d, err %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// mapIDs rewrites the recorded ids known so far into the emulator's.
func (rp *replay) mapIDs(s string) string {
	for rec, emu := range rp.ids {
		s = strings.ReplaceAll(s, rec, emu)
	}
	return s
}

// interaction replays one request and returns what was checked; mismatches fail the test.
func (rp *replay) interaction(method, rawURL, body string, contentType []string, wantStatus int, wantBody string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		rp.t.Errorf("%s: bad URL: %v", rawURL, err)
		return "FAILED: bad URL"
	}
	rt := matchRoute(method, u.EscapedPath())
	if rt.kind == KindUnknown {
		rp.t.Errorf("%s %s: recorded request is not something the emulator implements", method, u.Path)
		return "FAILED: not emulated"
	}
	got := rp.send(method, rp.mapIDs(u.RequestURI()), rp.mapIDs(strings.TrimSpace(body)), contentType)
	rp.lastContentType = got.header.Get("Content-Type")
	if got.status != wantStatus {
		rp.t.Errorf("%s %s: status %d, recorded %d (body %s)", method, u.Path, got.status, wantStatus, got.body)
		return fmt.Sprintf("FAILED: status %d", got.status)
	}
	rp.learnIDs(rt.kind, wantBody, got.body)
	var verdict string
	if strings.Contains(u.Path, "scim") || wantStatus >= 400 {
		verdict = rp.compareFull(method+" "+u.Path, wantBody, got.body)
	} else {
		verdict = rp.compareConnection(method+" "+u.Path, wantBody, got.body)
	}
	if !strings.HasPrefix(verdict, "FAILED") {
		rp.matched[rt.kind]++
	}
	return verdict
}

func (rp *replay) send(method, requestURI, body string, contentType []string) response {
	req, err := http.NewRequest(method, rp.srv.URL+requestURI, strings.NewReader(body))
	if err != nil {
		rp.t.Fatal(err)
	}
	if len(contentType) > 0 {
		req.Header.Set("Content-Type", contentType[0])
	}
	req.Header.Set("Authorization", "Bearer "+rp.token)
	f := &fixture{t: rp.t, srv: rp.srv}
	return f.send(req)
}

// learnIDs maps the ids Auth0 returned to the ones the emulator made.
func (rp *replay) learnIDs(kind, want string, got []byte) {
	key := map[string]string{KindConnectionsCreate: "id", KindSCIMTokensCreate: "token_id"}[kind]
	if key == "" {
		return
	}
	var w, g map[string]any
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal(got, &g) != nil {
		return
	}
	if rec, ok := w[key].(string); ok {
		if emu, ok := g[key].(string); ok {
			rp.ids[rec] = emu
		}
	}
}

// TestConformanceSCIMTokenCassettes makes sure that every SCIM token
// interaction of the four token cassettes is replayed and matches: the
// interactions are counted by kind, and only those that matched count.
func TestConformanceSCIMTokenCassettes(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "auth0-recordings")
	for _, tc := range []struct {
		file                 string
		create, list, delete int
	}{
		{"TestConnectionManager_CreateSCIMToken.yaml", 1, 0, 0},
		{"TestConnectionManager_ListSCIMTokens.yaml", 1, 1, 0},
		{"TestConnectionManager_DeleteSCIMToken.yaml", 1, 2, 1},
		{filepath.Join("terraform-provider", "TestAccSCIMToken.yaml"), 1, 2, 1},
	} {
		t.Run(strings.TrimSuffix(filepath.Base(tc.file), ".yaml"), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tc.file)
			recorded := map[string]int{}
			for _, it := range loadCassette(t, path).Interactions {
				if u, err := url.Parse(it.Request.URL); err == nil {
					recorded[matchRoute(it.Request.Method, u.EscapedPath()).kind]++
				}
			}
			rp := replayCassette(t, path)
			for kind, want := range map[string]int{KindSCIMTokensCreate: tc.create, KindSCIMTokensList: tc.list, KindSCIMTokensDelete: tc.delete} {
				if recorded[kind] != want {
					t.Errorf("%s: %d recorded, the test expects %d", kind, recorded[kind], want)
				}
				if rp.matched[kind] != want {
					t.Errorf("%s: %d of %d matched", kind, rp.matched[kind], want)
				}
			}
		})
	}
}
