package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentLoad hammers one tenant from many goroutines (run with -race):
// every request is logged and counted once, and writes stay consistent.
func TestConcurrentLoad(t *testing.T) {
	conns := Generate(200, 4)
	f := newFixture(t, Options{Rate: 5000, Burst: 100, Latency: time.Millisecond,
		Faults: Faults{Seed: 3, ServerErrorRate: 0.05, AfterWriteShare: 0.5, RateLimitedRate: 0.05}}, conns...)
	const workers, perWorker = 16, 30
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				c := conns[(w*perWorker+i)%len(conns)]
				method, path, body := concurrentRequest(c, i)
				req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+testToken)
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
				if i == perWorker/2 && w == 0 {
					_ = f.tenant.Snapshot()
					f.tenant.SetSCIMConfig(c.ID, &SCIMConfig{UserIDAttribute: "drift", Mapping: []Mapping{{SCIM: "a", Auth0: "b"}}})
				}
			}
		}()
	}
	wg.Wait()
	st := f.tenant.Stats()
	if st.Total() != workers*perWorker || len(f.tenant.Requests()) != workers*perWorker {
		t.Errorf("counted %d, logged %d, sent %d", st.Total(), len(f.tenant.Requests()), workers*perWorker)
	}
	if st.MaxConcurrent < 2 || st.MaxConcurrent > workers {
		t.Errorf("MaxConcurrent = %d", st.MaxConcurrent)
	}
	if statuses[200] == 0 || statuses[429] == 0 {
		t.Errorf("statuses %v", statuses)
	}
}

func concurrentRequest(c Connection, i int) (method, path, body string) {
	scim := "/api/v2/connections/" + c.ID + "/scim-configuration"
	switch i % 5 {
	case 0:
		return "PATCH", scim, fmt.Sprintf(`{"user_id_attribute":"u%d","mapping":[{"scim":"userName","auth0":"email"}]}`, i)
	case 1:
		return "GET", "/api/v2/connections?take=20", ""
	case 2:
		return "GET", "/api/v2/connections-scim-configurations?take=30", ""
	case 3:
		return "POST", scim, "{}"
	}
	return "GET", scim, ""
}

func TestConnectionLifecycle(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	cases := []struct{ body, want string }{
		{`{"strategy":"okta"}`, badBody("Payload validation error: 'Missing required property: name'.")},
		{`{"name":"x"}`, badBody("Payload validation error: 'Missing required property: strategy'.")},
		{`{"name":"x","strategy":"okta","foo":1}`, badBody("Payload validation error: 'Additional properties not allowed: foo'.")},
		{`{"name":"bad_name","strategy":"okta"}`, badBody("Payload validation error: 'String does not match pattern ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$: bad_name' on property name.")},
		{`{"name":"x","strategy":"nope"}`, badBody(`Payload validation error: 'No enum match for: \"nope\"' on property strategy.`)},
		{`{"name":"x","strategy":"okta","options":[]}`, badBody("Payload validation error: 'Expected type object but found type array' on property options.")},
		{`{"name":"acme-okta","strategy":"okta"}`, `{"statusCode":409,"error":"Conflict","message":"A connection with the same name already exists","errorCode":"connection_conflict"}`},
	}
	for _, tc := range cases {
		got := f.api("POST", "/api/v2/connections", tc.body)
		if got.status != 400 && got.status != 409 || string(got.body) != tc.want {
			t.Errorf("%s: %d %s", tc.body, got.status, got.body)
		}
	}
	created := f.api("POST", "/api/v2/connections", `{"name":"new-one","strategy":"samlp","options":{"signInEndpoint":"https://idp.example/sso"},"show_as_button":true}`)
	m := created.json(t)
	id, _ := m["id"].(string)
	if created.status != 201 || !connIDPattern.MatchString(id) || m["display_name"] != "new-one" || m["show_as_button"] != true {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	if !strings.Contains(string(created.body), `"options":{"signInEndpoint":"https://idp.example/sso"}`) {
		t.Errorf("options not echoed: %s", created.body)
	}
	expect(t, f.api("GET", "/api/v2/connections/"+id, ""), 200, string(created.body))
	expect(t, f.api("DELETE", "/api/v2/connections/"+id, ""), 202, "")
	expect(t, f.api("DELETE", "/api/v2/connections/"+id, ""), 204, "")
	expect(t, f.api("GET", "/api/v2/connections/"+id, ""), 404, inexistentBody)
	expect(t, f.api("GET", "/api/v2/connections/"+id+"/scim-configuration", ""), 404, inexistentBody)
	if n := len(f.tenant.Connections()); n != len(testConns) {
		t.Errorf("%d connections after delete", n)
	}
}
