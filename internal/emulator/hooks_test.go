package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSCIMListing_fromAConnectionID(t *testing.T) {
	conns := Generate(60, 3)
	f := newFixture(t, Options{}, conns...)
	var all []string
	for _, c := range f.tenant.Connections() {
		if _, ok := f.tenant.SCIMConfig(c.ID); ok {
			all = append(all, c.ID)
		}
	}
	page := func(from string) []string {
		r := f.api("GET", "/api/v2/connections-scim-configurations?take=3&from="+url.QueryEscape(from), "")
		var p struct {
			Configs []configBody `json:"scim_configurations"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil || r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var ids []string
		for _, c := range p.Configs {
			ids = append(ids, c.ConnectionID)
		}
		return ids
	}
	if got := page(all[5]); strings.Join(got, ",") != strings.Join(all[5:8], ",") {
		t.Errorf("from %s: %v, want %v (the page starts at that connection)", all[5], got, all[5:8])
	}
	between := all[5] + "0" // sorts after all[5], before all[6] unless all[6] starts with it
	if got := page(between); len(got) == 0 || got[0] <= all[5] {
		t.Errorf("from an id without a configuration: %v", got)
	}
	expect(t, f.api("GET", "/api/v2/connections-scim-configurations?from=nonsense", ""), 400, "")
}

func TestHooks_secondWriterAndLateAnswers(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	var seen []string
	f.tenant.SetWriteHook(func(id string) {
		seen = append(seen, id)
		f.tenant.SetSCIMConfig(id, &SCIMConfig{UserIDAttribute: "bySomeoneElse", Mapping: []Mapping{{SCIM: "a", Auth0: "b"}}})
	})
	r := f.api("PATCH", oktaPath, `{"user_id_attribute":"mine","mapping":[{"scim":"x","auth0":"y"}]}`)
	if r.status != 200 || len(seen) != 1 || seen[0] != oktaConn.ID {
		t.Fatalf("%d %s, hook saw %v", r.status, r.body, seen)
	}
	f.tenant.SetWriteHook(nil)
	f.tenant.SetWriteAnswerDelay(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "PATCH", f.srv.URL+oktaPath, strings.NewReader(`{"user_id_attribute":"late","mapping":[{"scim":"x","auth0":"y"}]}`))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the answer came before the delay")
	}
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "late" {
		t.Errorf("the write whose answer was lost did not take effect: %+v", cfg)
	}
}
