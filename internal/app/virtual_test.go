package app

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
)

// Tests that would wait on the tenant's rate limits, pauses, backoffs and
// latencies for seconds run on virtual time instead: inside a bubble of
// testing/synctest, where every clock (the app's Deps.Clock and Deps.Now,
// the pacer's, the transport's backoffs, the emulator's rate limiting,
// token expiry and latency) reads a fake time that advances only when
// every goroutine of the run waits, straight to the next moment one of them
// waits for. A run through a minute of 429s takes milliseconds, and the
// order of events is what real time would give, only without its jitter.
//
// A bubble cannot wait on a real socket (a goroutine reading one is not
// waiting durably), so the harness of a virtual test serves its emulator
// over in-memory connections (net.Pipe) on httptest's server, and gives the
// app an HTTP transport that dials them (Deps.Base). Everything above the
// connection is unchanged: the real go-auth0 SDK, the tool's transport, the
// emulator's HTTP handler.

// virtualTests holds the *testing.T of every test running in a bubble.
var virtualTests sync.Map

// virtual runs f in a bubble of its own (see above). f must not call t.Run
// or t.Parallel; a test that wants either calls them before virtual.
func virtual(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		virtualTests.Store(t, true)
		defer virtualTests.Delete(t)
		f(t)
	})
}

// isVirtual reports whether t runs in a bubble.
func isVirtual(t *testing.T) bool {
	_, ok := virtualTests.Load(t)
	return ok
}

// pipeServer serves handler on httptest's server over in-memory
// connections, and returns it with the transport that reaches it.
func pipeServer(t *testing.T, handler http.Handler) (*httptest.Server, *http.Transport) {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	_ = srv.Listener.Close() // the real socket httptest opened: unused
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv.Listener = l
	srv.Start()
	tr := &http.Transport{DialContext: l.dial, ForceAttemptHTTP2: false, MaxIdleConnsPerHost: 64}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return srv, tr
}

// pipeListener is a net.Listener of in-memory connections: dial makes a
// net.Pipe and hands its server end to Accept.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr is a loopback address, so that the tenant's URL is one the tool
// accepts over plain HTTP; nothing listens there.
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
