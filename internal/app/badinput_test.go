package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// nothingWritten fails unless the tenant took no write at all.
func (h *harness) nothingWritten(what string) {
	h.t.Helper()
	st := h.tenant.Stats()
	for _, kind := range []string{emulator.KindSCIMCreate, emulator.KindSCIMUpdate, emulator.KindSCIMDelete} {
		if n := st.Count(kind); n != 0 {
			h.t.Fatalf("%s: %d %s requests reached the tenant", what, n, kind)
		}
	}
}

// TestBadInput_files runs every malformed fixture through the command that
// reads it: manifests through plan and apply, saved plans through apply
// --plan, reports through rollback. Each must exit 1 with its expected
// message, having written nothing.
func TestBadInput_files(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	tenant := strings.TrimPrefix(h.srv.URL, "http://")
	dirs := map[string]func(path string) []string{
		"manifests/invalid": func(p string) []string { return []string{"apply", "--report", h.path("r.jsonl"), "-f", p} },
		"malformed/plans":   func(p string) []string { return []string{"apply", "--report", h.path("r.jsonl"), "--plan", p} },
		"malformed/reports": func(p string) []string { return []string{"rollback", "--report", h.path("r.jsonl"), "--from", p} },
	}
	cases := 0
	for dir, args := range dirs {
		wants, _ := filepath.Glob(filepath.Join("../../testdata", dir, "*.want"))
		for _, want := range wants {
			input := fixtureInput(t, want)
			cases++
			t.Run(dir+"/"+filepath.Base(input), func(t *testing.T) {
				path := withTenant(t, input, tenant)
				r := h.run(args(path)[0], args(path)[1:]...)
				if r.code != ExitError {
					t.Fatalf("want exit 1, got %s", r)
				}
				if w := expectedMessage(t, want); !strings.Contains(r.stderr, w) {
					t.Fatalf("stderr does not say %q:\n%s", w, r.stderr)
				}
				h.nothingWritten(input)
			})
		}
	}
	if cases < 90 {
		t.Fatalf("only %d malformed fixtures", cases)
	}
}

// fixtureInput is the input a .want file goes with: NAME.want beside
// NAME.json or NAME.csv, or NAME.EXT.want beside NAME.EXT.
func fixtureInput(t *testing.T, want string) string {
	base := strings.TrimSuffix(want, ".want")
	if _, err := os.Stat(base); err == nil {
		return base
	}
	for _, ext := range []string{".json", ".csv"} {
		if _, err := os.Stat(base + ext); err == nil {
			return base + ext
		}
	}
	t.Fatalf("no input beside %s", want)
	return ""
}

// withTenant copies a fixture, putting the harness's tenant where it says
// TENANT, so the fixture's own fault is the only one.
func withTenant(t *testing.T, path, tenant string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, []byte(strings.ReplaceAll(string(data), "TENANT", tenant)), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedMessage is the part of the error a fixture's .want names: for
// manifests, the first FILE:LINE problem without the file name.
func expectedMessage(t *testing.T, want string) string {
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(strings.TrimSpace(string(data)), "\n", 2)[0]
	if i := strings.Index(first, ": "); i >= 0 && strings.Contains(first[:i], ":") {
		return first[i+2:]
	}
	return first
}

// TestBadInput_oversizedFiles: a 1 GB sparse file is refused with a message
// naming the limit, before being read into memory, and so is a 1 MB line
// (a thousand times the limit of a value, sixteen times the longest line a
// default bufio.Scanner takes), without being echoed.
func TestBadInput_oversizedFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	sparse := func(name string) string {
		p := h.path(name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(1 << 30); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return p
	}
	longLine := h.file("long.json", `{"connections": [{"connection_id": "con_Ac8mEoKta1x2Y3z4", "mode": "merge", "mapping": [{"scim": "title", "auth0": "`+strings.Repeat("x", 1<<20)+`"}]}]}`)
	for name, args := range map[string][]string{
		"1 GB manifest": {"plan", "-f", sparse("huge.json")},
		"1 GB plan":     {"apply", "--plan", sparse("huge-plan.json")},
		"1 GB report":   {"rollback", "--from", sparse("huge.jsonl")},
		"1 MB line":     {"plan", "-f", longLine},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.expect(h.run(args[0], args[1:]...), 1)
			if !strings.Contains(r.stderr, "limit") {
				t.Fatalf("the message does not name the limit:\n%s", r.stderr)
			}
			if len(r.stderr) > 4096 {
				t.Fatalf("a %d-byte error message", len(r.stderr))
			}
		})
	}
	if st := h.tenant.Stats(); st.Total() != 0 {
		t.Fatalf("%d requests sent for oversized input", st.Total())
	}
}

// TestBadInput_flagsAndEnvironment: wrong flag and environment values are
// refused before anything is sent.
func TestBadInput_flagsAndEnvironment(t *testing.T) {
	m := "../../examples/manifest.json"
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"rps zero", []string{"plan", "--rps", "0", "-f", m}, nil, "--rps"},
		{"rps negative", []string{"plan", "--rps", "-3", "-f", m}, nil, "--rps"},
		{"rps not a number", []string{"plan", "--rps", "fast", "-f", m}, nil, "give auto, or a number"},
		{"rps NaN", []string{"plan", "--rps", "NaN", "-f", m}, nil, "--rps"},
		{"concurrency zero", []string{"plan", "--concurrency", "0", "-f", m}, nil, "--concurrency"},
		{"concurrency huge", []string{"plan", "--concurrency", "100000", "-f", m}, nil, "--concurrency"},
		{"max-retries negative", []string{"plan", "--max-retries", "-1", "-f", m}, nil, "--max-retries"},
		{"timeout zero", []string{"plan", "--timeout", "0s", "-f", m}, nil, "--timeout"},
		{"timeout words", []string{"plan", "--timeout", "soon", "-f", m}, nil, `--timeout "soon": give a duration with its unit, such as 30s`},
		{"log format", []string{"plan", "--log-format", "xml", "-f", m}, nil, "--log-format"},
		{"log level", []string{"plan", "--log-level", "loud", "-f", m}, nil, "--log-level"},
		{"plan format", []string{"plan", "--format", "yaml", "-f", m}, nil, "yaml"},
		{"secret as a flag", []string{"plan", "--client-secret", "x", "-f", m}, nil, "unknown flag --client-secret"},
		{"flag after the file", []string{"plan", m, "--rps", "5"}, nil, "would be ignored"},
		{"two files", []string{"plan", "-f", m, "../../examples/manifest.csv"}, nil, "two files"},
		{"no manifest", []string{"plan"}, nil, "no file"},
		{"missing manifest", []string{"plan", "-f", "no-such.json"}, nil, "no such file"},
		{"manifest and plan", []string{"apply", "--plan", "p.json", "-f", m}, nil, "not both"},
		{"export key", []string{"export", "--key", "email"}, nil, "--key"},
		{"export strategy", []string{"export", "--strategy", "auth0"}, nil, "auth0"},
		{"env rps", []string{"plan", "-f", m}, map[string]string{"SCIM_MIGRATE_RPS": "lots"}, "SCIM_MIGRATE_RPS"},
		{"env concurrency", []string{"plan", "-f", m}, map[string]string{"SCIM_MIGRATE_CONCURRENCY": "-2"}, "--concurrency"},
		{"env log level", []string{"plan", "-f", m}, map[string]string{"SCIM_MIGRATE_LOG_LEVEL": "verbose"}, "--log-level"},
		{"env domain plain http", []string{"plan", "-f", m}, map[string]string{"AUTH0_DOMAIN": "http://acme.eu.auth0.com"}, "loopback"},
		{"env domain with path", []string{"plan", "-f", m}, map[string]string{"AUTH0_DOMAIN": "https://acme.eu.auth0.com/api/v2"}, "without a path"},
		{"env domain empty", []string{"plan", "-f", m}, map[string]string{"AUTH0_DOMAIN": ""}, "no tenant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			args := append([]string{"scim-migrate"}, c.args[0])
			if _, ok := c.env["AUTH0_DOMAIN"]; !ok && c.args[0] != "validate" {
				args = append(args, "--domain", h.srv.URL)
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			r := h.expect(h.runRaw(append(args, c.args[1:]...)...), 1)
			if !strings.Contains(r.stderr, c.want) {
				t.Fatalf("stderr does not say %q:\n%s", c.want, r.stderr)
			}
			if st := h.tenant.Stats(); st.Total() != 0 || st.TokensIssued != 0 {
				t.Fatalf("requests were sent: %+v", st)
			}
		})
	}
}

// TestBadInput_credentials: missing, partial and malformed credentials are
// refused before anything is sent.
func TestBadInput_credentials(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"none":                  {map[string]string{}, nil, "no credentials"},
		"client id only":        {map[string]string{"AUTH0_CLIENT_ID": "x"}, nil, "incomplete client credentials"},
		"secret only":           {map[string]string{"AUTH0_CLIENT_SECRET": "x"}, nil, "incomplete client credentials"},
		"token with whitespace": {map[string]string{"AUTH0_API_TOKEN": "abc def"}, nil, "whitespace"},
		"empty token file":      {map[string]string{}, []string{"--token-file", "EMPTY"}, "is empty"},
		"missing token file":    {map[string]string{}, []string{"--token-file", "/no/such/token"}, "no such file"},
		"huge token file":       {map[string]string{}, []string{"--token-file", "HUGE"}, "limit"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			h.env = map[string]string{"SCIM_MIGRATE_LOCK_DIR": h.env["SCIM_MIGRATE_LOCK_DIR"]}
			for k, v := range c.env {
				h.env[k] = v
			}
			args := []string{}
			for _, a := range c.args {
				switch a {
				case "EMPTY":
					a = h.file("empty-token", "\n")
				case "HUGE":
					a = h.file("huge-token", strings.Repeat("t", 1<<20))
				}
				args = append(args, a)
			}
			r := h.expect(h.run("plan", append(args, "-f", "../../examples/manifest.json")...), 1)
			if !strings.Contains(r.stderr, c.want) {
				t.Fatalf("stderr does not say %q:\n%s", c.want, r.stderr)
			}
			if st := h.tenant.Stats(); st.Total() != 0 || st.TokensIssued != 0 {
				t.Fatalf("requests were sent: %+v", st)
			}
		})
	}
}
