package app

import (
	"encoding/pem"
	"os"
	"os/exec"
	"strings"
	"testing"

	"net/http/httptest"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// TestTLS_verifiedEndToEnd serves the emulator over TLS with its own
// certificate authority: the binary reaches it over https when the CA is
// trusted through SSL_CERT_FILE, and refuses it otherwise (verification is
// never turned off).
func TestTLS_verifiedEndToEnd(t *testing.T) {
	t.Parallel()
	tenant := emulator.New(emulator.Options{})
	seed, err := emulator.LoadSeedFile("../../testdata/tenant.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := tenant.LoadSeed(seed); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(tenant.Handler())
	defer srv.Close()
	dir := t.TempDir()
	ca := dir + "/ca.pem"
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(extraEnv ...string) (string, int) {
		cmd := exec.Command(binary(t), "plan", "--domain", srv.URL, "--rps", "100", "-f", "../../examples/manifest.json")
		cmd.Env = append(os.Environ(), "AUTH0_CLIENT_ID=demo-client", "AUTH0_CLIENT_SECRET=demo-secret", "SSL_CERT_DIR="+dir+"/none")
		cmd.Env = append(cmd.Env, extraEnv...)
		out, err := cmd.CombinedOutput()
		return string(out), exitCodeOf(err)
	}
	out, code := run("SSL_CERT_FILE=" + ca)
	if code != 0 || !strings.Contains(out, "Plan: 1 to create, 2 to update") {
		t.Fatalf("over https with the CA trusted: exit %d\n%s", code, out)
	}
	out, code = run("SSL_CERT_FILE=" + dir + "/missing.pem")
	if code != 1 || !strings.Contains(out, "certificate") {
		t.Fatalf("an untrusted certificate must be refused: exit %d\n%s", code, out)
	}
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatal("not a TLS server")
	}
}
