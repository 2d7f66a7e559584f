package auth0api

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// listingBehaviours are the documented alternatives a tenant may choose
// where Auth0's reference is silent: every one the product must serve.
func listingBehaviours() []emulator.ListingBehaviour {
	var out []emulator.ListingBehaviour
	for _, own := range []bool{false, true} {
		for _, order := range []emulator.ListOrder{emulator.OrderByID, emulator.OrderByCreation, emulator.OrderShuffled} {
			for _, pageCap := range []int{50, 100} {
				out = append(out, emulator.ListingBehaviour{OwnCursorsOnly: own, Order: order, PageCap: pageCap})
			}
		}
	}
	return out
}

// bigTenant is a tenant of n configured connections served with the given
// listing behaviour, and a client of it.
func bigTenant(t *testing.T, n int, b emulator.ListingBehaviour) (*emulator.Tenant, *Client, []string) {
	t.Helper()
	tenant := emulator.New(emulator.Options{Listing: b, Faults: emulator.Faults{Seed: 9}})
	var conns []emulator.Connection
	var ids []string
	for _, c := range emulator.Generate(n*3, 41) {
		if c.SCIM != nil && len(conns) < n {
			conns = append(conns, c)
			ids = append(ids, c.ID)
		}
	}
	if err := tenant.LoadSeed(emulator.Seed{Connections: conns}); err != nil {
		t.Fatal(err)
	}
	tenant.AddClient(emulator.Client{ID: testClientID, Secret: testClientSecret, Scopes: allScopes})
	srv := httptest.NewServer(tenant.Handler())
	t.Cleanup(srv.Close)
	domain, err := ParseDomain(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Settings{Tenant: domain, Credentials: Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
		Transport: TransportOptions{MaxRetries: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return tenant, c, ids
}

// mergeTasks plans, from a live read, a merge of one pair into each of ids.
func mergeTasks(live *plan.Live, ids []string) []execute.Task {
	asked := &scim.Config{Mapping: []scim.Pair{{SCIM: "title", Auth0: "app_metadata.reread_title"}}}
	var tasks []execute.Task
	for _, id := range ids {
		lc := live.Connections[id]
		tasks = append(tasks, execute.Task{Conn: lc.Connection, Action: plan.ActionUpdate, Expect: lc.Config,
			After: plan.Merge(asked, lc.Config), Asked: asked, ConflictIfMoved: execute.MovedSincePlan})
	}
	return tasks
}

type nopRecorder struct{}

func (nopRecorder) Intent(runlog.Intent) error { return nil }
func (nopRecorder) Result(runlog.Result) error { return nil }

// TestReread_walksTheListingOnEveryBehaviour plans and applies 50 changes
// among 250 connections (one in five, five pages of 50) on every listing
// behaviour: the reads just before the writes walk the listing by the
// tenant's own cursors (never a GET), and plan and apply together cost at
// most 60 requests: the writes, and a fifth as many reads.
func TestReread_walksTheListingOnEveryBehaviour(t *testing.T) {
	t.Parallel()
	const conns, changes, budget = 250, 50, 60
	for _, b := range listingBehaviours() {
		t.Run(fmt.Sprintf("own=%v/%v/cap=%d", b.OwnCursorsOnly, b.Order, b.PageCap), func(t *testing.T) {
			tenant, c, ids := bigTenant(t, conns, b)
			changed := slices.Clone(ids[:changes])
			ctx := context.Background()
			live, err := c.ReadLive(ctx, manifest.Refs{IDs: changed}, 4)
			if err != nil {
				t.Fatal(err)
			}
			planReads := tenant.Stats().Total()
			// Enterprise's pace: the loopback tenant has no limit to learn.
			out := execute.Execute(ctx, c, mergeTasks(live, changed), execute.Options{
				RunOptions: execute.RunOptions{Concurrency: 4, Stop: make(chan struct{}), Recorder: nopRecorder{}}, Pace: func() float64 { return 16 }, Listed: c.Listed(),
			})
			st := tenant.Stats()
			if out.Counts.Applied != changes || st.Count(emulator.KindSCIMUpdate) != changes {
				t.Fatalf("counts %+v, %d updates", out.Counts, st.Count(emulator.KindSCIMUpdate))
			}
			if n := st.Count(emulator.KindSCIMGet); n != 0 {
				t.Errorf("%d GETs: the reads fell back to one per connection", n)
			}
			if st.Total() > budget {
				t.Errorf("%d requests (plan %d, apply %d), want at most %d", st.Total(), planReads, st.Total()-planReads, budget)
			}
			for _, id := range changed {
				cfg, _ := tenant.SCIMConfig(id)
				if !slices.ContainsFunc(cfg.Mapping, func(m emulator.Mapping) bool { return m.Auth0 == "app_metadata.reread_title" }) {
					t.Fatalf("%s not written", id)
				}
			}
		})
	}
}

// TestReread_refusedListing: a tenant whose listing answers 404 is read one
// connection at a time, just before each write.
func TestReread_refusedListing(t *testing.T) {
	t.Parallel()
	tenant, c, ids := bigTenant(t, 30, emulator.ListingBehaviour{})
	ctx := context.Background()
	live, err := c.ReadLive(ctx, manifest.Refs{IDs: ids[:10]}, 4)
	if err != nil {
		t.Fatal(err)
	}
	tenant.SetListingDisabled(true)
	out := execute.Execute(ctx, c, mergeTasks(live, ids[:10]), execute.Options{
		RunOptions: execute.RunOptions{Concurrency: 4, Stop: make(chan struct{}), Recorder: nopRecorder{}}, Pace: c.Pace, Listed: c.Listed(),
	})
	if out.Counts.Applied != 10 || tenant.Stats().Count(emulator.KindSCIMGet) != 10 {
		t.Fatalf("counts %+v, %d GETs", out.Counts, tenant.Stats().Count(emulator.KindSCIMGet))
	}
}

// TestReread_staleWriteLeavesNot: the transport keeps a write whose read is
// too old from leaving (execute.ErrStale), after its turn.
func TestReread_staleWriteLeavesNot(t *testing.T) {
	t.Parallel()
	tenant, c, ids := bigTenant(t, 3, emulator.ListingBehaviour{})
	ctx := execute.WithSendCheck(context.Background(), func() error { return execute.ErrStale })
	err := c.Write(ctx, execute.Write{ConnectionID: ids[0], Action: plan.ActionUpdate, After: &scim.Config{UserIDAttribute: "x", Mapping: []scim.Pair{}}})
	if !errors.Is(err, execute.ErrStale) {
		t.Fatalf("err %v", err)
	}
	if n := tenant.Stats().Count(emulator.KindSCIMUpdate); n != 0 {
		t.Errorf("%d updates sent", n)
	}
}
