package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// listingBehaviours are every combination the product must work with.
func listingBehaviours() []ListingBehaviour {
	var out []ListingBehaviour
	for _, own := range []bool{false, true} {
		for _, order := range []ListOrder{OrderByID, OrderByCreation, OrderShuffled} {
			for _, pageCap := range []int{0, 50} {
				out = append(out, ListingBehaviour{OwnCursorsOnly: own, Order: order, PageCap: pageCap})
			}
		}
	}
	return out
}

func behaviourName(b ListingBehaviour) string {
	return fmt.Sprintf("own=%v/%v/cap=%d", b.OwnCursorsOnly, b.Order, b.PageCap)
}

type scimPage struct {
	Configs []struct {
		ConnectionID string `json:"connection_id"`
	} `json:"scim_configurations"`
	Next string `json:"next"`
}

// walkSCIM walks the SCIM listing from its start with take, calling between
// each page, and returns the ids in page order and the largest page.
func walkSCIM(t *testing.T, f *fixture, take int, between func(page int)) ([]string, int) {
	t.Helper()
	var ids []string
	from, largest := "", 0
	for page := 0; ; page++ {
		q := "take=" + fmt.Sprint(take)
		if from != "" {
			q += "&from=" + url.QueryEscape(from)
		}
		got := f.api("GET", "/api/v2/connections-scim-configurations?"+q, "")
		var p scimPage
		if err := json.Unmarshal(got.body, &p); err != nil || got.status != 200 {
			t.Fatalf("page %d: %d %s", page, got.status, got.body)
		}
		largest = max(largest, len(p.Configs))
		for _, c := range p.Configs {
			ids = append(ids, c.ConnectionID)
		}
		if p.Next == "" {
			return ids, largest
		}
		from = p.Next
		if between != nil {
			between(page)
		}
	}
}

// TestListingBehaviour_walkWhileTheTenantChanges walks both listings under
// every behaviour while connections and configurations come and go between
// pages: every connection that exists (with its configuration) throughout
// the walk is listed exactly once, nothing twice, pages hold at most the
// cap, and the order is the one asked for.
func TestListingBehaviour_walkWhileTheTenantChanges(t *testing.T) {
	// 300 connections: three pages at the largest size, six at the cap of
	// 50, so changes come between pages on every behaviour.
	conns := Generate(300, 11)
	for _, b := range listingBehaviours() {
		t.Run(behaviourName(b), func(t *testing.T) {
			f := newFixture(t, Options{Listing: b, Faults: Faults{Seed: 5}}, conns...)
			var stable []string // configured throughout the walk
			var creation []string
			touched := map[string]bool{}
			for i, c := range conns {
				creation = append(creation, c.ID)
				if c.SCIM == nil {
					continue
				}
				if i%7 == 3 { // deleted, or its configuration removed, during the walk
					touched[c.ID] = true
					continue
				}
				stable = append(stable, c.ID)
			}
			var victims []string
			for id := range touched {
				victims = append(victims, id)
			}
			slices.Sort(victims)
			between := func(page int) {
				for k := 0; k < 8 && len(victims) > 0; k++ {
					id := victims[0]
					victims = victims[1:]
					if k%2 == 0 {
						f.api("DELETE", "/api/v2/connections/"+id, "")
					} else {
						f.tenant.SetSCIMConfig(id, nil)
					}
				}
				_, err := f.tenant.AddConnection(Connection{Name: fmt.Sprintf("added-%d", page), Strategy: "okta", SCIM: &SCIMConfig{}})
				if err != nil {
					t.Fatal(err)
				}
			}
			got, largest := walkSCIM(t, f, 100, between)
			seen := map[string]int{}
			for _, id := range got {
				seen[id]++
				if seen[id] > 1 {
					t.Fatalf("%s listed twice", id)
				}
			}
			for _, id := range stable {
				if seen[id] != 1 {
					t.Fatalf("%s, configured throughout the walk, listed %d times", id, seen[id])
				}
			}
			if wantCap := map[int]int{0: 100, 50: 50}[b.PageCap]; largest != wantCap {
				t.Errorf("largest page %d, want %d", largest, wantCap)
			}
			checkOrder(t, b.Order, got, creation)
			again, _ := walkSCIM(t, f, 100, nil)
			checkOrder(t, b.Order, again, nil)
			conWalk := walkConnections(t, f, "take=100")
			checkOrder(t, b.Order, conWalk, nil)
		})
	}
}

// checkOrder checks a walk's order: ids sorted, or the relative creation
// order of the seeded connections, or neither (shuffled).
func checkOrder(t *testing.T, o ListOrder, got, creation []string) {
	t.Helper()
	switch o {
	case OrderByID:
		if !slices.IsSorted(got) {
			t.Error("not in id order")
		}
	case OrderByCreation:
		if creation == nil {
			return
		}
		pos := map[string]int{}
		for i, id := range creation {
			pos[id] = i
		}
		last := -1
		for _, id := range got {
			p, seeded := pos[id]
			if !seeded {
				continue
			}
			if p < last {
				t.Fatalf("%s listed after a connection created later", id)
			}
			last = p
		}
	case OrderShuffled:
		if slices.IsSorted(got) {
			t.Error("shuffled, yet in id order")
		}
	}
}

// TestListingBehaviour_cursors: the own-only tenant refuses a connection id
// and a forged cursor as from, with the documented 400; the zero value
// still starts a page at a connection id; every other behaviour's cursors
// are opaque (no id in them).
func TestListingBehaviour_cursors(t *testing.T) {
	conns := Generate(150, 3)
	var configured []string
	for _, c := range conns {
		if c.SCIM != nil {
			configured = append(configured, c.ID)
		}
	}
	slices.Sort(configured)
	id := configured[10]
	forged := base64.RawURLEncoding.EncodeToString([]byte(sealedPrefix + id + ".0000000000000000"))
	for _, b := range listingBehaviours() {
		t.Run(behaviourName(b), func(t *testing.T) {
			f := newFixture(t, Options{Listing: b}, conns...)
			byID := f.api("GET", "/api/v2/connections-scim-configurations?take=5&from="+id, "")
			if b.OwnCursorsOnly {
				if byID.status != 400 || string(byID.body) != badCursorBody {
					t.Errorf("from a connection id: %d %s", byID.status, byID.body)
				}
			} else if byID.status != 200 {
				t.Errorf("from a connection id: %d %s", byID.status, byID.body)
			}
			for _, path := range []string{"/api/v2/connections-scim-configurations?take=5&from=", "/api/v2/connections?take=5&from="} {
				if got := f.api("GET", path+forged, ""); got.status != 400 || string(got.body) != badCursorBody {
					t.Errorf("%s a forged cursor: %d %s", path, got.status, got.body)
				}
			}
			var p scimPage
			first := f.api("GET", "/api/v2/connections-scim-configurations?take=5", "")
			if err := json.Unmarshal(first.body, &p); err != nil || p.Next == "" {
				t.Fatalf("first page: %s", first.body)
			}
			if strings.HasPrefix(p.Next, "con_") {
				t.Errorf("cursor %q is a raw id", p.Next)
			}
		})
	}
	zero := newFixture(t, Options{}, conns...)
	got, _ := walkSCIMFrom(t, zero, id)
	if len(got) == 0 || got[0] != id {
		t.Errorf("the zero value starts a page at a connection id: %v", got[:min(len(got), 3)])
	}
}

func walkSCIMFrom(t *testing.T, f *fixture, from string) ([]string, string) {
	t.Helper()
	got := f.api("GET", "/api/v2/connections-scim-configurations?take=3&from="+from, "")
	var p scimPage
	if err := json.Unmarshal(got.body, &p); err != nil || got.status != 200 {
		t.Fatalf("%d %s", got.status, got.body)
	}
	var ids []string
	for _, c := range p.Configs {
		ids = append(ids, c.ConnectionID)
	}
	return ids, p.Next
}
