package emulator

import "sync"

// inFlight counts the requests the tenant is answering, so that a test can
// wait for the last of them to take effect.
type inFlight struct {
	mu   sync.Mutex
	idle *sync.Cond
	n    int
}

func (f *inFlight) begin() {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
}

func (f *inFlight) end() {
	f.mu.Lock()
	f.n--
	if f.n == 0 && f.idle != nil {
		f.idle.Broadcast()
	}
	f.mu.Unlock()
}

// Settle waits until no request is being answered. A client killed in the
// middle of a write does not stop the tenant carrying it out (the write hook
// runs before the effect): a test that kills one calls Settle before it
// counts what the tenant holds.
func (t *Tenant) Settle() {
	f := &t.busy
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.idle == nil {
		f.idle = sync.NewCond(&f.mu)
	}
	for f.n > 0 {
		f.idle.Wait()
	}
}
