package runlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReportsOf_exactTenant lists only names whose tenant part is the whole
// tenant: acme.eu.auth0.com's never include dev-acme.eu.auth0.com's.
func TestReportsOf_exactTenant(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 5, 1, 2, 3, 4, 5e6, time.UTC)
	names := map[string]bool{
		DefaultPath("apply", "acme.eu.auth0.com", at):                true,
		DefaultPath("tokens issue", "acme.eu.auth0.com", at):         true,
		DefaultPath("apply", "dev-acme.eu.auth0.com", at):            false,
		DefaultPath("apply", "acme.eu.auth0.com.evil", at):           false,
		DefaultPath("apply-x", "acme.eu.auth0.com", at):              false,
		"scim-migrate-apply-acme.eu.auth0.com-2026.jsonl":            false,
		"scim-migrate--acme.eu.auth0.com-20260501T020304.005Z.jsonl": false,
	}
	for n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	for _, r := range ReportsOf(dir, "acme.eu.auth0.com") {
		got[filepath.Base(r.Path)] = true
		if !r.Started.Equal(at) {
			t.Errorf("%s: started %v", r.Path, r.Started)
		}
	}
	for n, want := range names {
		if got[n] != want {
			t.Errorf("%s: listed %v, want %v", n, got[n], want)
		}
	}
}

// TestProveReport reads the header of each file named like a report, and
// accepts only a regular file whose header is the run its name says.
func TestProveReport(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 5, 1, 2, 3, 4, 5e6, time.UTC)
	tenant := "acme.eu.auth0.com"
	write := func(command string, h Header) string {
		p := filepath.Join(dir, DefaultPath(command, tenant, at))
		w, err := Create(p, h)
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		return p
	}
	good := write("tokens issue", Header{Tenant: tenant, Command: "tokens issue", StartedAt: at})
	write("apply", Header{Tenant: tenant, Command: "rollback", StartedAt: at})
	write("rollback", Header{Tenant: tenant, Command: "rollback", StartedAt: at.Add(time.Second)})
	notes := filepath.Join(dir, DefaultPath("export", tenant, at))
	if err := os.WriteFile(notes, []byte("my notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(good, filepath.Join(dir, DefaultPath("plan", tenant, at))); err != nil {
		t.Fatal(err)
	}
	proved := 0
	for _, r := range ReportsOf(dir, tenant) {
		h, err := ProveReport(r)
		if (err == nil) != (r.Path == good) {
			t.Errorf("%s: %v", filepath.Base(r.Path), err)
		}
		if err == nil {
			proved++
			if h.Tenant != tenant {
				t.Errorf("header %+v", h)
			}
		} else if strings.Contains(r.Path, "-plan-") && !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("symlink: %v", err)
		}
	}
	if proved != 1 {
		t.Errorf("%d proved, want 1", proved)
	}
}
