package tenantconfig

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func write(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

const twoTenants = `tenants:
  old:
    domain: old.eu.auth0.com
    client_id: abc
    client_secret_env: OLD_SECRET
  new:
    domain: new.eu.auth0.com
    client_id: def
    client_secret_command: ["sh", "-c", "printf '%s\n' \"$NEW_SECRET\""]
`

func TestLoadAndSecrets(t *testing.T) {
	f, err := Load(write(t, twoTenants, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.Lookup("old")
	if err != nil || old.Domain != "old.eu.auth0.com" || old.ClientID != "abc" {
		t.Fatalf("old = %+v, %v", old, err)
	}
	env := map[string]string{"OLD_SECRET": "s1"}
	if s, err := old.Secret(context.Background(), func(k string) string { return env[k] }); err != nil || s != "s1" {
		t.Errorf("env secret %q %v", s, err)
	}
	if _, err := old.Secret(context.Background(), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "OLD_SECRET") {
		t.Errorf("empty variable: %v", err)
	}
	if runtime.GOOS != "windows" {
		t.Setenv("NEW_SECRET", "s2")
		nw, _ := f.Lookup("new")
		if s, err := nw.Secret(context.Background(), os.Getenv); err != nil || s != "s2" {
			t.Errorf("command secret %q %v", s, err)
		}
	}
	if _, err := f.Lookup("nope"); err == nil || !strings.Contains(err.Error(), "new, old") {
		t.Errorf("unknown tenant: %v", err)
	}
}

func TestLoadRefuses(t *testing.T) {
	cases := map[string]struct {
		body string
		mode os.FileMode
		want string
	}{
		"a secret":        {"tenants:\n  a:\n    domain: a.auth0.com\n    client_secret: hunter2\n", 0o600, "tenants.yaml:4: tenant \"a\": client_secret would hold a secret"},
		"unknown key":     {"tenants:\n  a:\n    domain: a.auth0.com\n    clientid: x\n", 0o600, "clientid"},
		"no domain":       {"tenants:\n  a:\n    client_id: x\n", 0o600, "has no domain"},
		"readable":        {twoTenants, 0o644, "chmod 600"},
		"group writable":  {twoTenants, 0o620, "chmod 600"},
		"both secrets":    {"tenants:\n  a:\n    domain: a\n    client_secret_env: X\n    client_secret_command: [x]\n", 0o600, "not both"},
		"unknown top key": {"tenant:\n  a: {}\n", 0o600, "tenant"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if runtime.GOOS == "windows" && tc.mode != 0o600 {
				t.Skip("no mode bits on Windows")
			}
			_, err := Load(write(t, tc.body, tc.mode))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("the secret is in the error")
			}
		})
	}
	// A file that names only domains and variable names may be readable.
	if _, err := Load(write(t, "tenants:\n  a:\n    domain: a.auth0.com\n    client_secret_env: A\n", 0o644)); err != nil {
		t.Errorf("a non-sensitive readable file: %v", err)
	}
}
