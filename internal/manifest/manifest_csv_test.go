package manifest

import (
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/manifest/manifesttest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func TestParseCSVManifest_headerAfterBlankLines(t *testing.T) {
	src := "\n\nconnection_id,user_id_attribute,scim,auth0\ncon_a,externalId,userName,email\n"
	m, err := ParseCSVManifest("m.csv", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Entries[0].Pos.Line; got != 4 {
		t.Errorf("entry line = %d, want 4", got)
	}
	_, err = ParseCSVManifest("m.csv", []byte("\n\nconnection_id,scim,oops\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "m.csv:3: ") {
		t.Errorf("got %v, want the header problems on line 3", err)
	}
}

func TestParseCSVManifest_linesAfterMultilineField(t *testing.T) {
	src := "connection_name,user_id_attribute,scim,auth0\n" +
		"acme,externalId,userName,\"a\nb\nc\"\n" +
		"acme,externalId,title,app_metadata.title\n" +
		"acme,externalId,title,app_metadata.other\n"
	_, err := ParseCSVManifest("m.csv", []byte(src))
	want := "m.csv:2: auth0 \"a\\nb\\nc\" contains a control character\n" +
		"m.csv:6: scim \"title\" is mapped twice in this connection; first at line 5"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestParseCSVManifest_emptyRowsIgnored(t *testing.T) {
	src := "connection_id,user_id_attribute,scim,auth0\n,,,\ncon_a,externalId,userName,email\n,,,\n"
	m, err := ParseCSVManifest("m.csv", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || m.Entries[0].Pos.Line != 3 {
		t.Errorf("got %+v", m.Entries)
	}
}

// TestParseCSVManifest_mappingsDoNotShareCapacity: entries' mappings are
// windows of one array, so an append to one must not write into the next.
func TestParseCSVManifest_mappingsDoNotShareCapacity(t *testing.T) {
	m, err := ParseCSVManifest("m.csv", manifesttest.GenerateCSVManifest(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	first, second := m.Entries[0], m.Entries[1]
	before := second.Mapping[0]
	_ = append(first.Mapping, scim.Pair{SCIM: "x", Auth0: "y"})
	_ = append(first.MappingPos, Pos{})
	if second.Mapping[0] != before || second.MappingPos[0].Line == 0 {
		t.Error("appending to one entry's mapping changed the next entry")
	}
}

func TestParseCSVManifest_sameEntriesAsJSON(t *testing.T) {
	csv := "auth0,scim,mode,connection_name,create_if_missing,user_id_attribute\n" +
		"email,userName,merge,acme,TRUE,\n" +
		"name,displayName,,acme,,externalId\n"
	json := `{"connections": [{"connection_name": "acme", "mode": "merge", "create_if_missing": true,
		"user_id_attribute": "externalId",
		"mapping": [{"scim": "userName", "auth0": "email"}, {"scim": "displayName", "auth0": "name"}]}]}`
	mc, err := ParseCSVManifest("m.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	mj, err := ParseJSONManifest("m.json", []byte(json))
	if err != nil {
		t.Fatal(err)
	}
	c, j := mc.Entries[0], mj.Entries[0]
	if c.Key() != j.Key() || c.Mode != j.Mode || c.CreateIfMissing != j.CreateIfMissing ||
		c.UserIDAttribute != j.UserIDAttribute || !(&scim.Config{Mapping: c.Mapping}).Equal(&scim.Config{Mapping: j.Mapping}) {
		t.Errorf("csv %+v\njson %+v", c, j)
	}
}

func TestParseCSVManifest_selectorRowsGroupWhateverTheStrategyOrder(t *testing.T) {
	src := "select_strategy,select_name_pattern,mode,scim,auth0\n" +
		"okta|waad,acme-*,merge,title,app_metadata.title\n" +
		"waad|okta,acme-*,merge,department,app_metadata.department\n"
	m, err := ParseCSVManifest("m.csv", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || len(m.Entries[0].Mapping) != 2 {
		t.Errorf("got %+v", m.Entries)
	}
}
