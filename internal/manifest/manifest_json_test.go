package manifest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseJSONManifest_positions(t *testing.T) {
	src := strings.ReplaceAll(`{"connections": [
  {
    "connection_id":
      "con_abc",
    "user_id_attribute": "externalId",
    "mapping": [
      {"scim": "userName", "auth0": "email"},

      {
        "scim": "title",
        "auth0": "app_metadata.title"
      }
    ]
  }
]}
`, "\n", "\r\n")
	m, err := ParseJSONManifest("m.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e := m.Entries[0]
	if e.Pos.Line != 2 || e.Mode != ModeReplace || e.CreateIfMissing {
		t.Errorf("entry = %+v", e)
	}
	if len(e.MappingPos) != 2 || e.MappingPos[0].Line != 7 || e.MappingPos[1].Line != 9 {
		t.Errorf("mapping positions = %v, want lines 7 and 9", e.MappingPos)
	}
}

func TestParseJSONManifest_problemAtValueLine(t *testing.T) {
	src := "{\"connections\": [{\n\"connection_id\":\n\n\"bad\",\n\"user_id_attribute\": \"x\", \"mapping\": [{\"scim\": \"a\", \"auth0\": \"b\"}]}]}"
	_, err := ParseJSONManifest("m.json", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), "m.json:4: connection_id \"bad\"") {
		t.Errorf("got %v, want the problem on line 4, where the value is", err)
	}
}

func TestParseJSONManifest_strategiesGivenEmptyDiffersFromAbsent(t *testing.T) {
	src := `{"connections": [{"select": {"strategy": []}, "mode": "merge", "user_id_attribute": "x"}]}`
	_, err := ParseJSONManifest("m.json", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "select.strategy must not be empty") {
		t.Errorf("got %v", err)
	}
}

func TestParseJSONManifest_deepNestingInUnknownKey(t *testing.T) {
	deep := strings.Repeat(`{"a":[`, 5000) + strings.Repeat(`]}`, 5000)
	src := `{"connections": [{"x": ` + deep + `, "connection_id": "con_a", "mode": "merge", "user_id_attribute": "u"}]}`
	_, err := ParseJSONManifest("m.json", []byte(src))
	if err == nil || !strings.Contains(err.Error(), `unknown key "x"`) || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("got %v, want only the unknown key", err)
	}
}

// TestParseJSONManifest_acceptsOnlyValidJSON guards the walk: whatever it
// accepts, encoding/json must accept too.
func TestParseJSONManifest_acceptsOnlyValidJSON(t *testing.T) {
	for _, path := range manifestFixtures(t, "valid") {
		if !strings.HasSuffix(path, ".json") {
			continue
		}
		data := readFixture(t, path)
		var v any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(string(data), "\ufeff")), &v); err != nil {
			t.Errorf("%s: accepted but encoding/json says %v", path, err)
		}
	}
}

func TestJSONPath(t *testing.T) {
	for p, want := range map[jsonPath]string{
		pathOf("mode"):             "mode",
		{"mapping", 2, "scim"}:     "mapping[2].scim",
		{"select.strategy", 0, ""}: "select.strategy[0]",
		inMappingAt(3):             "in mapping[3]",
	} {
		if got := p.String(); got != want {
			t.Errorf("%#v = %q, want %q", p, got, want)
		}
	}
}
