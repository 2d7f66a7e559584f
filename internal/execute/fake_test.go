package execute

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// fakeTenant is a tenant in memory that can fail at every step. A
// connection absent from state does not exist; a nil configuration means
// it has none.
type fakeTenant struct {
	mu    sync.Mutex
	state map[string]*scim.Config
	// writeErr is returned by Write for a connection; landed says whether
	// the write took effect anyway (a lost answer, a 5xx after the effect).
	writeErr map[string]error
	landed   map[string]bool
	// readErr fails the read with that number (1 for the first read, a
	// page or a single read).
	readErr map[int]error
	// listErr, when set, is every listing page's answer.
	listErr error
	// order, when set, puts the listed ids in the listing's order (the
	// default is id order).
	order func(ids []string)
	// beforeRead, when set, runs as a read arrives, under the lock: a
	// second writer changing the tenant just before the read. ids are the
	// connection read, or nil for a listing page.
	beforeRead func(ids []string)
	// beforeWrite, when set, runs as a write arrives, before its turn's
	// check (to check the intent is durable first, to interrupt the run, or
	// to let time pass).
	beforeWrite func(Write)
	// afterWrite, when set, runs once a write took effect.
	afterWrite func(Write)
	writes     []Write
	reads      [][]string // each read: a page's ids, or the one id read
	pages      int        // listing pages read
	gets       []string   // connections read on their own
	takes      []int      // the take of each page
}

func newFake(state map[string]*scim.Config) *fakeTenant {
	return &fakeTenant{state: state, writeErr: map[string]error{}, landed: map[string]bool{}, readErr: map[int]error{}}
}

// ListConfigPage lists the configured connections in the fake's order; its
// cursor is the position of the next page, as text (opaque to the run).
func (f *fakeTenant) ListConfigPage(_ context.Context, cursor string, take int) (ConfigPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages++
	f.takes = append(f.takes, take)
	if f.beforeRead != nil {
		f.beforeRead(nil)
	}
	if f.listErr != nil {
		return ConfigPage{}, f.listErr
	}
	var ids []string
	for id, cfg := range f.state {
		if cfg != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if f.order != nil {
		f.order(ids)
	}
	start := 0
	if cursor != "" {
		var err error
		if start, err = strconv.Atoi(strings.TrimPrefix(cursor, "p")); err != nil || !strings.HasPrefix(cursor, "p") {
			return ConfigPage{}, fmt.Errorf("400 Bad Request: Invalid pagination cursor")
		}
	}
	end := min(start+take, len(ids))
	var page ConfigPage
	for _, id := range ids[min(start, end):end] {
		page.Configs = append(page.Configs, Listed{ID: id, Config: f.state[id].Clone()})
	}
	f.reads = append(f.reads, ids[min(start, end):end])
	if err := f.readErr[len(f.reads)]; err != nil {
		return ConfigPage{}, err
	}
	if end < len(ids) {
		page.Next = "p" + strconv.Itoa(end)
	}
	return page, nil
}

func (f *fakeTenant) ReadConnection(_ context.Context, id string) (ReadState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, []string{id})
	f.gets = append(f.gets, id)
	if f.beforeRead != nil {
		f.beforeRead([]string{id})
	}
	if err := f.readErr[len(f.reads)]; err != nil {
		return ReadState{}, err
	}
	cfg, found := f.state[id]
	return ReadState{Found: found, Config: cfg.Clone()}, nil
}

func (f *fakeTenant) Write(ctx context.Context, w Write) error {
	if f.beforeWrite != nil {
		f.beforeWrite(w)
	}
	if f.afterWrite != nil {
		defer f.afterWrite(w)
	}
	if err := CheckSend(ctx); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, w)
	if _, found := f.state[w.ConnectionID]; !found {
		return fmt.Errorf("404 Not Found: The connection does not exist")
	}
	err := f.writeErr[w.ConnectionID]
	if errors.Is(err, ErrNotSent) {
		f.writes = f.writes[:len(f.writes)-1]
		return err
	}
	if err == nil || f.landed[w.ConnectionID] {
		f.state[w.ConnectionID] = w.After.Clone()
	}
	return err
}

func (f *fakeTenant) written() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, len(f.writes))
	for i, w := range f.writes {
		ids[i] = w.ConnectionID
	}
	return ids
}

// memRecorder keeps a run's lines in memory and can fail on demand.
type memRecorder struct {
	mu        sync.Mutex
	intents   []runlog.Intent
	results   []runlog.Result
	intentErr error // returned by Intent after failAfter intents
	failAfter int
	resultErr error
}

func (m *memRecorder) Intent(i runlog.Intent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.intentErr != nil && len(m.intents) >= m.failAfter {
		return m.intentErr
	}
	m.intents = append(m.intents, i)
	return nil
}

func (m *memRecorder) Result(r runlog.Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.resultErr != nil {
		return m.resultErr
	}
	m.results = append(m.results, r)
	return nil
}

func (m *memRecorder) hasIntent(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, i := range m.intents {
		if i.ConnectionID == id {
			return true
		}
	}
	return false
}

// resultOf returns the one result of a connection, or fails.
func (m *memRecorder) resultOf(id string) (runlog.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var found []runlog.Result
	for _, r := range m.results {
		if r.ConnectionID == id {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		return runlog.Result{}, fmt.Errorf("%s has %d results", id, len(found))
	}
	return found[0], nil
}

// observer counts what it is told.
type observer struct{ n atomic.Int32 }

func (o *observer) Finished(runlog.Result) { o.n.Add(1) }

var errRejected = errors.New("400 Bad Request: Invalid mapping provided")
