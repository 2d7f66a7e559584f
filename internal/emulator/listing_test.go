package emulator

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func queryError400(detail, property string) string {
	msg := "Query validation error: '" + detail + "'"
	if property != "" {
		msg += " on property " + property
	}
	return `{"statusCode":400,"error":"Bad Request","message":"` + msg + `.","errorCode":"invalid_query_string"}`
}

const badCursorBody = `{"statusCode":400,"error":"Bad Request","message":"Invalid pagination cursor"}`

type connPage struct {
	Connections []map[string]any `json:"connections"`
	Next        string           `json:"next"`
	Total       *int             `json:"total"`
	Start       int              `json:"start"`
	Limit       int              `json:"limit"`
}

// walkConnections follows next cursors and returns every id in page order.
func walkConnections(t *testing.T, f *fixture, query string) []string {
	t.Helper()
	var ids []string
	from := ""
	for pages := 0; ; pages++ {
		q := query
		if from != "" {
			q += "&from=" + url.QueryEscape(from)
		}
		got := f.api("GET", "/api/v2/connections?"+q, "")
		var p connPage
		if err := json.Unmarshal(got.body, &p); err != nil || got.status != 200 {
			t.Fatalf("page %d: %d %s", pages, got.status, got.body)
		}
		for _, c := range p.Connections {
			ids = append(ids, c["id"].(string))
		}
		if p.Next == "" {
			return ids
		}
		from = p.Next
	}
}

func TestConnectionsCheckpointPagination(t *testing.T) {
	conns := Generate(537, 7)
	f := newFixture(t, Options{}, conns...)
	want := make([]string, 0, len(conns))
	for _, c := range conns {
		want = append(want, c.ID)
	}
	slices.Sort(want)
	// as go-auth0 sends it: offset parameters leak into checkpoint calls
	got := walkConnections(t, f, "take=100&per_page=50&include_totals=true")
	if !slices.Equal(got, want) {
		t.Fatalf("checkpoint walk returned %d ids (sorted=%v), want %d", len(got), slices.IsSorted(got), len(want))
	}
	// a page size that divides the total exactly: the last page has no next
	f2 := newFixture(t, Options{}, conns[:200]...)
	if ids := walkConnections(t, f2, "take=100"); len(ids) != 200 {
		t.Errorf("exact multiple: %d ids", len(ids))
	}
	if ids := walkConnections(t, f, "take=1&strategy=adfs"); len(ids) == 0 {
		t.Error("no adfs connection generated")
	}
}

func TestConnectionsOffsetPagination(t *testing.T) {
	f := newFixture(t, Options{}, Generate(120, 3)...)
	seen := map[string]int{}
	for page := 0; page < 3; page++ {
		got := f.api("GET", "/api/v2/connections?include_totals=true&per_page=50&page="+strconv.Itoa(page), "")
		var p connPage
		if err := json.Unmarshal(got.body, &p); err != nil || p.Total == nil {
			t.Fatalf("page %d: %s", page, got.body)
		}
		if *p.Total != 120 || p.Start != page*50 || p.Limit != 50 {
			t.Errorf("page %d: total %d start %d limit %d", page, *p.Total, p.Start, p.Limit)
		}
		for _, c := range p.Connections {
			seen[c["id"].(string)]++
		}
	}
	if len(seen) != 120 {
		t.Errorf("offset pages covered %d ids", len(seen))
	}
	bare := f.api("GET", "/api/v2/connections?per_page=5", "")
	var arr []map[string]any
	if err := json.Unmarshal(bare.body, &arr); err != nil || len(arr) != 5 {
		t.Errorf("without include_totals: %s", bare.body)
	}
}

func TestConnectionsFilters(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	list := func(q string) []map[string]any {
		got := f.api("GET", "/api/v2/connections?"+q, "")
		var arr []map[string]any
		if err := json.Unmarshal(got.body, &arr); err != nil {
			t.Fatalf("%s: %d %s", q, got.status, got.body)
		}
		return arr
	}
	if got := list("strategy=samlp&strategy=okta"); len(got) != 2 {
		t.Errorf("strategy repeated: %v", got)
	}
	if got := list("name=acme-okta"); len(got) != 1 || got[0]["id"] != oktaConn.ID {
		t.Errorf("name: %v", got)
	}
	if got := list("name=acme"); len(got) != 0 {
		t.Errorf("name must match exactly: %v", got)
	}
	got := list("fields=id,name,strategy&include_fields=true")
	if len(got) != 4 || len(got[0]) != 3 || got[0]["strategy"] == nil {
		t.Errorf("projection: %v", got[0])
	}
	got = list("fields=options,realms,enabled_clients&include_fields=false")
	if _, ok := got[0]["options"]; ok || got[0]["name"] == nil {
		t.Errorf("exclusion: %v", got[0])
	}
	one := f.api("GET", "/api/v2/connections/"+oktaConn.ID+"?fields=id,name", "")
	expect(t, one, 200, `{"id":"con_okta000000000001","name":"acme-okta"}`)
}

func TestConnectionsQueryValidation(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	cases := []struct{ query, want string }{
		{"take=0", queryError400("Value 0 is less than minimum 1", "take")},
		{"take=101", queryError400("Value 101 is greater than maximum 100", "take")},
		{"take=ten", queryError400("Expected type integer but found type string", "take")},
		{"per_page=0", queryError400("Value 0 is less than minimum 1", "per_page")},
		{"per_page=101", queryError400("Value 101 is greater than maximum 100", "per_page")},
		{"page=-1", queryError400("Value -1 is less than minimum 0", "page")},
		{"page=1&page=2", queryError400("Expected type integer but found type array", "page")},
		{"include_totals=yes", queryError400("Expected type boolean but found type string", "include_totals")},
		{"strategy=nope", queryError400(`No enum match for: \"nope\"`, "strategy")},
		{"foo=1", queryError400("Additional properties not allowed: foo", "")},
		{"name=", queryError400("String is too short (0 chars), minimum 1", "name")},
		{"from=garbage", badCursorBody},
		{"from=" + encodeCursorFor("not-an-id"), badCursorBody},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			expect(t, f.api("GET", "/api/v2/connections?"+tc.query, ""), 400, tc.want)
		})
	}
}

func encodeCursorFor(id string) string { return url.QueryEscape(encodeCursor(id)) }

func TestSCIMListing(t *testing.T) {
	conns := Generate(433, 11)
	f := newFixture(t, Options{TenantName: "big"}, conns...)
	var want []string
	for _, c := range conns {
		if c.SCIM != nil {
			want = append(want, c.ID)
		}
	}
	slices.Sort(want)
	var got []string
	from := ""
	for {
		q := "?take=37"
		if from != "" {
			q += "&from=" + url.QueryEscape(from)
		}
		r := f.api("GET", "/api/v2/connections-scim-configurations"+q, "")
		var p struct {
			Configs []configBody `json:"scim_configurations"`
			Next    string       `json:"next"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		for _, c := range p.Configs {
			if c.TenantName != "big" || c.CreatedAt == "" || c.Mapping == nil {
				t.Fatalf("config body %+v", c)
			}
			got = append(got, c.ConnectionID)
		}
		if from = p.Next; from == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("listing returned %d configs, want %d", len(got), len(want))
	}
	for q, want := range map[string]string{
		"take=0":        queryError400("Value 0 is less than minimum 1", "take"),
		"take=101":      queryError400("Value 101 is greater than maximum 100", "take"),
		"from=%%%":      queryError400("Invalid query string", ""),
		"from=abc":      badCursorBody,
		"strategy=okta": queryError400("Additional properties not allowed: strategy", ""),
	} {
		expect(t, f.api("GET", "/api/v2/connections-scim-configurations?"+q, ""), 400, want)
	}
	first := f.api("GET", "/api/v2/connections-scim-configurations", "")
	if n := strings.Count(string(first.body), `"tenant_name"`); n != 50 {
		t.Errorf("default take: %d configs", n)
	}
}

func TestSCIMListingDisabled(t *testing.T) {
	f := newFixture(t, Options{DisableSCIMListing: true}, testConns...)
	expect(t, f.api("GET", "/api/v2/connections-scim-configurations?take=10", ""), 404, notFoundJS)
}

func TestUnknownRoutes(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	for _, rq := range []struct{ method, path string }{
		{"GET", "/api/v2/users"},
		{"PUT", "/api/v2/connections"},
		{"PATCH", "/api/v2/connections/" + oktaConn.ID},
		{"PUT", oktaPath},
		{"POST", oktaPath + "/default-mapping"},
		{"GET", "/api/v2/connections/"},
		{"GET", "/api/v2/connections//scim-configuration"},
		{"GET", oktaPath + "/"},
		{"GET", "/api/v2/connections-scim-configurations/x"},
	} {
		expect(t, f.api(rq.method, rq.path, ""), 404, notFoundJS)
	}
	expect(t, f.call("GET", "/", "", ""), 404, notFoundJS)
}
