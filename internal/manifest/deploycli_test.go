package manifest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

const deployYAML = `# a Deploy CLI tenant.yaml
tenant:
  friendly_name: Acme
connections:
  - name: Username-Password-Authentication
    strategy: auth0
    enabled_clients: [app]
  - name: acme-okta
    strategy: okta
    options:
      domain: acme.okta.com
    scim_configuration:
      mapping:
        - scim: userName
          auth0: preferred_username
        - {scim: "emails[primary eq true].value", auth0: email}
      user_id_attribute: externalId
  - id: con_ABC123
    name: old-name
    strategy: samlp
    scim_configuration:
      user_id_attribute: userName
      mapping:
        - scim: title
          auth0: app_metadata.title
`

func TestParseDeployCLIYAML(t *testing.T) {
	m, err := Parse("tenant.yaml", []byte(deployYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 2 {
		t.Fatalf("entries = %d, want 2 (the connection without scim_configuration is not one)", len(m.Entries))
	}
	okta, saml := m.Entries[0], m.Entries[1]
	if okta.ConnectionName != "acme-okta" || okta.ConnectionID != "" || okta.Mode != ModeReplace || okta.UserIDAttribute != "externalId" {
		t.Errorf("okta entry = %+v", okta)
	}
	want := []scim.Pair{{SCIM: "userName", Auth0: "preferred_username"}, {SCIM: "emails[primary eq true].value", Auth0: "email"}}
	if !reflect.DeepEqual(okta.Mapping, want) {
		t.Errorf("okta mapping = %v", okta.Mapping)
	}
	if okta.Pos.Line != 8 {
		t.Errorf("okta at line %d, want 8", okta.Pos.Line)
	}
	if saml.ConnectionID != "con_ABC123" || saml.ConnectionName != "" {
		t.Errorf("an id, when present, is the key: %+v", saml)
	}
	// Standard input: told from CSV by its connections: line.
	if _, err := ParseDetect("<stdin>", []byte(deployYAML)); err != nil {
		t.Errorf("detect: %v", err)
	}
}

func TestParseDeployCLIYAMLProblems(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"string placeholder", "connections:\n  - name: a\n    scim_configuration:\n      user_id_attribute: \"##UID##\"\n      mapping: [{scim: a, auth0: b}]\n",
			[]string{"f.yaml:4: scim_configuration.user_id_attribute holds the Deploy CLI placeholder ##UID##"}},
		{"array placeholder quoted", "connections:\n  - name: a\n    scim_configuration:\n      user_id_attribute: x\n      mapping: \"@@MAP@@\"\n",
			[]string{"f.yaml:5: scim_configuration.mapping holds the Deploy CLI placeholder @@MAP@@"}},
		{"array placeholder bare", "connections:\n  - name: a\n    scim_configuration:\n      user_id_attribute: x\n      mapping: @@MAP@@\n",
			[]string{"f.yaml:5: Deploy CLI placeholder @@MAP@@"}},
		{"name placeholder", "connections:\n  - name: ##NAME##-okta\n    scim_configuration: {user_id_attribute: x, mapping: [{scim: a, auth0: b}]}\n",
			[]string{"f.yaml:2: name holds the Deploy CLI placeholder ##NAME##"}},
		{"wrong type", "connections:\n  - name: a\n    scim_configuration:\n      user_id_attribute: 3\n      mapping: [{scim: a, auth0: b}]\n",
			[]string{"f.yaml:4: scim_configuration.user_id_attribute must be a string"}},
		{"empty mapping value", "connections:\n  - name: a\n    scim_configuration:\n      user_id_attribute: x\n      mapping:\n        - scim: a\n          auth0: \"\"\n",
			[]string{"f.yaml:7: scim_configuration.mapping[0].auth0"}},
		{"twice", "connections:\n  - name: a\n    scim_configuration: {user_id_attribute: x, mapping: [{scim: a, auth0: b}]}\n  - name: a\n    scim_configuration: {user_id_attribute: x, mapping: [{scim: a, auth0: b}]}\n",
			[]string{"f.yaml:4: connection_name \"a\" is listed twice; first at line 2"}},
		{"no scim entry", "connections:\n  - name: a\n    strategy: auth0\n", []string{"f.yaml:1: no connection"}},
		{"bad yaml", "connections:\n  - name: a\n   bad: [\n", []string{"invalid YAML"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestReadDeployCLIDir(t *testing.T) {
	dir := t.TempDir()
	conns := filepath.Join(dir, "connections")
	if err := os.MkdirAll(conns, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(conns, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("acme-okta.json", `{
  "name": "acme-okta",
  "strategy": "okta",
  "options": {"domain": "x"},
  "scim_configuration": {
    "mapping": [{"scim": "userName", "auth0": "preferred_username"}],
    "user_id_attribute": "externalId"
  }
}`)
	write("db.json", `{"name": "db", "strategy": "auth0"}`)
	write("email.html", `<p>not a connection</p>`)
	m, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || m.Entries[0].ConnectionName != "acme-okta" || m.Entries[0].Pos.File != filepath.Join(conns, "acme-okta.json") {
		t.Fatalf("entries = %+v", m.Entries)
	}
	write("copy.json", `{"name": "acme-okta", "scim_configuration": {"user_id_attribute": "@@UID@@", "mapping": []}}`)
	write("zz.json", `{"name": "acme-okta", "scim_configuration": {"user_id_attribute": "u", "mapping": [{"scim": "a", "auth0": "b"}]}}`)
	_, err = Read(dir)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v", err)
	}
	got := err.Error()
	for _, w := range []string{
		filepath.Join(conns, "copy.json") + ":1: scim_configuration.user_id_attribute holds the Deploy CLI placeholder @@UID@@",
		filepath.Join(conns, "zz.json") + ":1: connection \"acme-okta\" is listed twice; first at " + filepath.Join(conns, "acme-okta.json") + ":1",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("error\n%s\nlacks %q", got, w)
		}
	}
}

func TestDeployCLIFileName(t *testing.T) {
	for in, want := range map[string]string{
		"acme-okta": "acme-okta", "a/b\\c": "a-b-c", "a:b*c?d": "a-b-c-d", `x"<>|y`: "x----y",
		"con": "-", "COM1.txt": "-", "...": "-", "name. ": "name-", "": "undefined", "tab\there": "tab-here",
		strings.Repeat("é", 200): strings.Repeat("é", 127),
	} {
		if got := DeployCLIFileName(in); got != want {
			t.Errorf("DeployCLIFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func liveFixture() []*scim.LiveConnection {
	return []*scim.LiveConnection{
		{Connection: scim.Connection{ID: "con_1", Name: "acme-okta", Strategy: "okta"},
			Config: &scim.Config{UserIDAttribute: "externalId", Mapping: []scim.Pair{{SCIM: "userName", Auth0: "preferred_username"}, {SCIM: "title", Auth0: `app_metadata."${x}"`}}}},
		{Connection: scim.Connection{ID: "con_2", Name: "Acme/SAML: yes", Strategy: "samlp"},
			Config: &scim.Config{UserIDAttribute: "no", Mapping: []scim.Pair{{SCIM: "on", Auth0: "true"}}}},
		{Connection: scim.Connection{ID: "con_3", Name: "db", Strategy: "auth0"}},
	}
}

func TestDeployCLIRoundTrip(t *testing.T) {
	conns, omitted := ExportConnections(liveFixture(), KeyByName)
	if len(conns) != 2 || len(omitted) != 0 {
		t.Fatalf("conns %v omitted %v", conns, omitted)
	}
	var b bytes.Buffer
	if err := WriteDeployCLIYAML(&b, conns); err != nil {
		t.Fatal(err)
	}
	m, err := Parse("out.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	checkRoundTrip(t, m, conns)

	dir := t.TempDir()
	files, omitted := DeployCLIFiles(conns)
	if len(omitted) != 0 {
		t.Fatal(omitted)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		if !IsOwnDeployFile(f.Data) {
			t.Errorf("%s is not recognised as an export's own file", f.Path)
		}
	}
	if files[0].Path != "connections/Acme-SAML- yes.json" {
		t.Errorf("file name %q", files[0].Path)
	}
	m, err = Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, m, conns)
	if IsOwnDeployFile([]byte(`{"name":"a","options":{}}`)) {
		t.Error("a file with options is the user's")
	}
}

func checkRoundTrip(t *testing.T, m *Manifest, conns []ExportedConnection) {
	t.Helper()
	if len(m.Entries) != len(conns) {
		t.Fatalf("%d entries, want %d", len(m.Entries), len(conns))
	}
	for i, e := range m.Entries {
		c := conns[i]
		if e.ConnectionName != c.Name || e.UserIDAttribute != c.Config.UserIDAttribute || !reflect.DeepEqual(e.Mapping, c.Config.Mapping) {
			t.Errorf("entry %d = %+v, want %+v", i, e, c)
		}
	}
}

func TestDeployCLIFilesCollide(t *testing.T) {
	conns := []ExportedConnection{
		{Connection: scim.Connection{ID: "con_1", Name: "a/b"}, Config: scim.Config{UserIDAttribute: "u", Mapping: []scim.Pair{{SCIM: "a", Auth0: "b"}}}},
		{Connection: scim.Connection{ID: "con_2", Name: "a:b"}, Config: scim.Config{UserIDAttribute: "u", Mapping: []scim.Pair{{SCIM: "a", Auth0: "b"}}}},
	}
	files, omitted := DeployCLIFiles(conns)
	if len(files) != 1 || len(omitted) != 1 || omitted[0].Connection.ID != "con_2" {
		t.Fatalf("files %v omitted %v", files, omitted)
	}
}
