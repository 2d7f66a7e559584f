package manifest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

// exportLive is a tenant whose configurations exercise the writers: quotes,
// commas, unicode, HTML characters, names with spaces, and connections a
// manifest cannot state.
func exportLive() []*scim.LiveConnection {
	return []*scim.LiveConnection{
		scimtest.Conn("con_b2", "zeta okta", "okta", &scim.Config{UserIDAttribute: "externalId", Mapping: scimtest.Pairs(
			"userName", "preferred_username", "emails[primary eq true].value", "email", `name "nick"`, "app_metadata.a,b")}),
		scimtest.Conn("con_a1", "Ωmega-SAML", "samlp", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("title", "app_metadata.<title>&")}),
		scimtest.Conn("con_c3", "alpha", "oidc", &scim.Config{UserIDAttribute: "sub", Mapping: scimtest.Pairs("a", "1")}),
		scimtest.Conn("con_d4", "no-config", "waad", nil),
		scimtest.Conn("con_e5", "empty", "okta", &scim.Config{UserIDAttribute: "u", Mapping: []scim.Pair{}}),
		scimtest.Conn("con_f6", "twice", "okta", &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1", "x", "2")}),
		scimtest.Conn("con_g7", " padded", "okta", &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}),
	}
}

func TestExportEntries_sortedByKeyAndOmitsWhatAManifestCannotState(t *testing.T) {
	byID, omitted := ExportEntries(exportLive(), KeyByID)
	if got := keysOf(byID); got != "con_a1,con_b2,con_c3,con_g7" {
		t.Errorf("by id: %s", got)
	}
	if len(omitted) != 2 || omitted[0].Connection.ID != "con_e5" || omitted[1].Connection.ID != "con_f6" {
		t.Fatalf("omitted by id = %+v", omitted)
	}
	if !strings.Contains(omitted[0].Reason, "mapping is empty") || !strings.Contains(omitted[1].Reason, `"x" twice`) {
		t.Errorf("reasons: %+v", omitted)
	}
	byName, omitted := ExportEntries(exportLive(), KeyByName)
	if got := keysOf(byName); got != "alpha,zeta okta,Ωmega-SAML" {
		t.Errorf("by name: %s", got)
	}
	if len(omitted) != 3 || !strings.Contains(omitted[2].Reason, "white space") {
		t.Errorf("omitted by name = %+v", omitted)
	}
	if byName[1].Mode != ModeReplace || byName[1].Mapping[2].SCIM != `name "nick"` {
		t.Errorf("entry = %+v: want replace mode and the live order", byName[1])
	}
}

func TestExportEntries_duplicateNamesNameNoConnection(t *testing.T) {
	cfg := &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	entries, omitted := ExportEntries([]*scim.LiveConnection{scimtest.Conn("con_a", "same", "okta", cfg), scimtest.Conn("con_b", "same", "okta", cfg)}, KeyByName)
	if len(entries) != 0 || len(omitted) != 2 {
		t.Fatalf("entries %+v, omitted %+v", entries, omitted)
	}
	if entries, _ := ExportEntries([]*scim.LiveConnection{scimtest.Conn("con_a", "same", "okta", cfg), scimtest.Conn("con_b", "same", "okta", cfg)}, KeyByID); len(entries) != 2 {
		t.Fatalf("by id, a shared name does not matter: %+v", entries)
	}
}

func keysOf(entries []Entry) string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.ConnectionID + e.ConnectionName
	}
	return strings.Join(keys, ",")
}

// writtenEntries are entries of every kind a manifest holds, to check that
// the writers are not limited to what an export produces.
func writtenEntries() []Entry {
	exported, _ := ExportEntries(exportLive(), KeyByName)
	return append(exported,
		Entry{ConnectionID: "con_m1", Mode: ModeMerge, Mapping: scimtest.Pairs("title", "x")},
		Entry{ConnectionID: "con_m2", Mode: ModeMerge, UserIDAttribute: "externalId"},
		Entry{Select: &Selector{Strategies: []string{"okta", "samlp"}, NamePattern: `acme \* ?-*`}, Mode: ModeMerge, Mapping: scimtest.Pairs("a", "b")},
		Entry{Select: &Selector{NamePattern: "日本*"}, Mode: ModeReplace, UserIDAttribute: "u", Mapping: scimtest.Pairs("a", "b"), CreateIfMissing: true},
	)
}

func TestWriteManifest_readsBackToTheSameEntries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []Entry) error
	}{
		{"m.json", func(b *bytes.Buffer, e []Entry) error { return WriteJSONManifest(b, e) }},
		{"m.csv", func(b *bytes.Buffer, e []Entry) error { return WriteCSVManifest(b, e) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := writtenEntries()
			var b bytes.Buffer
			if err := tc.write(&b, want); err != nil {
				t.Fatal(err)
			}
			m, err := Parse(tc.name, b.Bytes())
			if err != nil {
				t.Fatalf("the written manifest does not parse: %v\n%s", err, b.String())
			}
			if len(m.Entries) != len(want) {
				t.Fatalf("%d entries read back, want %d:\n%s", len(m.Entries), len(want), b.String())
			}
			for i := range want {
				if got := withoutPositions(m.Entries[i]); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got, want[i])
				}
			}
			var again bytes.Buffer
			if err := tc.write(&again, writtenEntries()); err != nil || !bytes.Equal(again.Bytes(), b.Bytes()) {
				t.Errorf("a second write differs (err %v)", err)
			}
		})
	}
}

// withoutPositions drops what a parser adds and a writer cannot give.
func withoutPositions(e Entry) Entry {
	e.Pos, e.MappingPos = Pos{}, nil
	return e
}

func TestWriteJSONManifest_layout(t *testing.T) {
	entries, _ := ExportEntries([]*scim.LiveConnection{
		scimtest.Conn("con_b2", "b", "okta", &scim.Config{UserIDAttribute: "externalId", Mapping: scimtest.Pairs("userName", "email", "title", "app_metadata.<t>")}),
		scimtest.Conn("con_a1", "a", "okta", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "y")}),
	}, KeyByID)
	var b bytes.Buffer
	if err := WriteJSONManifest(&b, entries); err != nil {
		t.Fatal(err)
	}
	want := `{
  "connections": [
    {
      "connection_id": "con_a1",
      "user_id_attribute": "userName",
      "mapping": [
        {"scim": "x", "auth0": "y"}
      ]
    },
    {
      "connection_id": "con_b2",
      "user_id_attribute": "externalId",
      "mapping": [
        {"scim": "userName", "auth0": "email"},
        {"scim": "title", "auth0": "app_metadata.<t>"}
      ]
    }
  ]
}
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteCSVManifest_onlyUsedColumns(t *testing.T) {
	entries, _ := ExportEntries([]*scim.LiveConnection{
		scimtest.Conn("con_a1", "acme, inc", "okta", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", `say "hi"`, "z", "w")}),
	}, KeyByName)
	var b bytes.Buffer
	if err := WriteCSVManifest(&b, entries); err != nil {
		t.Fatal(err)
	}
	want := "connection_name,user_id_attribute,scim,auth0\n" +
		`"acme, inc",userName,x,"say ""hi"""` + "\n" +
		`"acme, inc",userName,z,w` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
