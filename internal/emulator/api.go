package emulator

import (
	"context"
	"net/http"
	"time"
)

// statusClientGone is logged when the client gave up during the latency wait.
const statusClientGone = 499

// admission is the outcome of the checks made when a request arrives.
type admission struct {
	early     *reply      // an answer given without any effect (429, 401, 404, 403, 400)
	faultable bool        // past authentication and rate limiting: 5xx and drops may hit it
	headers   http.Header // x-ratelimit-* headers for the answer
	group     string      // whose bucket the request drew on ("" when it drew on none)
	plan      faultPlan
}

// serveAPI runs the pipeline described in the package documentation. The request
// is counted as finished and no longer in flight before its answer is written, so
// that a client reading Stats right after an answer sees it, and MaxConcurrent
// never exceeds the client's own concurrency.
func (t *Tenant) serveAPI(w http.ResponseWriter, r *http.Request) {
	now := t.now()
	if n := t.apiRequests.Add(1); t.revokeEvery > 0 && n%int64(t.revokeEvery) == 0 {
		t.RevokeAccessTokens()
	}
	rt := matchRoute(r.Method, r.URL.EscapedPath())
	slot := t.rec.arrive(r, rt.kind, rt.rawConn, now, true)
	t.rec.enter()
	body := readPayload(r)
	adm := t.admit(r, rt, now)
	t.rec.identify(slot, t.owner(r), adm.group)
	if !sleep(r.Context(), adm.plan.delay) {
		t.rec.leave()
		t.rec.finish(slot, statusClientGone, false, false)
		return
	}
	rep, drop := t.answer(r, rt, adm, body)
	if isSCIMWrite(rt.kind) && !sleep(r.Context(), t.hooks.delay()) {
		t.rec.leave()
		t.rec.finish(slot, statusClientGone, false, false)
		return
	}
	t.rec.leave()
	if drop {
		t.rec.finish(slot, 0, true, false)
		dropConnection(w)
		return
	}
	t.rec.finish(slot, rep.status, false, rep.status == http.StatusTooManyRequests)
	if rep.contentType == "" { // the CDN's HTML pages carry no origin headers
		for k, vs := range t.ctl.shape(adm.headers, rep.status, now) {
			w.Header()[k] = vs
		}
	}
	rep.write(w)
}

// admit applies, at arrival, the throttle storm, authentication, the bucket, the
// injected 429 and the routing, scope and path checks. Fault dice are rolled for
// every request so that the random sequence depends only on arrival order.
func (t *Tenant) admit(r *http.Request, rt route, now time.Time) admission {
	plan := t.ctl.decide(rt.connID, rt.kind)
	if h, on := t.ctl.throttled(rt.kind, now); on {
		rep := tooManyRequests()
		return admission{early: &rep, headers: h, plan: faultPlan{delay: plan.delay}}
	}
	scopes, authErr := t.authenticate(r, now)
	group, h, ok := t.ctl.take(rt.kind, now)
	adm := admission{headers: h, plan: plan, group: group}
	switch {
	case authErr != nil:
		adm.early = authErr
	case !ok:
		rep := tooManyRequests()
		adm.early = &rep
	case plan.rateLimited, plan.stormWrite:
		rep := tooManyRequests()
		adm.early, adm.headers = &rep, t.ctl.injected429Headers(rt.kind, now)
	default:
		adm.faultable = true
		adm.early = t.routeCheck(rt, scopes)
	}
	return adm
}

// routeCheck answers unknown routes, missing scopes and invalid path ids.
func (t *Tenant) routeCheck(rt route, scopes map[string]bool) *reply {
	var rep reply
	switch {
	case rt.kind == KindUnknown || (rt.kind == KindSCIMList && t.listingDisabled()):
		rep = notFound()
	case !scopes[scopeOf[rt.kind]]:
		rep = insufficientScope(scopeOf[rt.kind])
	case rt.pathErr != nil:
		rep = *rt.pathErr
	default:
		return nil
	}
	return &rep
}

func (t *Tenant) listingDisabled() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.noListing
}

// answer applies injected faults around the effect. It returns drop=true when the
// connection must be closed without an answer.
func (t *Tenant) answer(r *http.Request, rt route, adm admission, body payload) (rep reply, drop bool) {
	p := adm.plan
	if !adm.faultable {
		return *adm.early, false
	}
	faulty := p.serverError || p.drop
	afterEffect := faulty && p.after && isWrite(rt.kind) && adm.early == nil && p.failWrite == 0
	if faulty && !afterEffect {
		return serverError(p.status), p.drop
	}
	if adm.early != nil {
		return *adm.early, false
	}
	failing := p.failWrite != 0 && t.ctl.claimFailure()
	if failing && !p.failAfter {
		return serverError(p.failWrite), p.failDrop
	}
	if isSCIMWrite(rt.kind) {
		t.hooks.write(rt.connID)
	}
	rep = t.hooks.echoed(r, rt.kind, t.dispatch(r, rt, body))
	switch {
	case afterEffect:
		return serverError(p.status), p.drop
	case failing:
		return serverError(p.failWrite), p.failDrop
	}
	return rep, false
}

// dispatch runs the handler of the route.
func (t *Tenant) dispatch(r *http.Request, rt route, body payload) reply {
	switch rt.kind {
	case KindConnectionsList:
		return t.listConnections(r)
	case KindConnectionsGet:
		return t.getConnection(r, rt.connID)
	case KindConnectionsCreate:
		return t.createConnection(body)
	case KindConnectionsDelete:
		return t.deleteConnection(rt.connID)
	case KindSCIMList:
		return t.listSCIMConfigs(r)
	case KindSCIMGet:
		return t.getSCIM(rt.connID)
	case KindSCIMCreate:
		return t.createSCIM(body, rt.connID)
	case KindSCIMUpdate:
		return t.updateSCIM(body, rt.connID)
	case KindSCIMDelete:
		return t.deleteSCIM(rt.connID)
	case KindSCIMDefaultMapping:
		return t.defaultMapping(rt.connID)
	case KindSCIMTokensList:
		return t.listSCIMTokens(rt.connID)
	case KindSCIMTokensCreate:
		return t.createSCIMToken(body, rt.connID)
	case KindSCIMTokensDelete:
		return t.deleteSCIMToken(rt.connID, rt.tokenID)
	}
	return notFound()
}

// sleep waits d unless the request's context ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the TCP connection without writing anything.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2: resets the stream, the closest equivalent
}
