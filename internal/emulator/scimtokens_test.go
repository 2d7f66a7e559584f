package emulator

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0/go-auth0"
	"github.com/auth0/go-auth0/management"
)

const oktaTokens = oktaPath + "/tokens"

var recordedScopes = []string{"get:users", "post:users", "put:users", "patch:users"}

func TestSDKSCIMTokens(t *testing.T) {
	clock := newFakeClock() // 2026-01-02T03:04:05Z
	f := newFixture(t, Options{Clock: clock.Now}, testConns...)
	m, ctx := newSDK(t, f), context.Background()

	first := &management.SCIMToken{Scopes: &[]string{"get:users", "post:users"}, TokenLifeTime: auth0.Int(3600)}
	if err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, first); err != nil {
		t.Fatal(err)
	}
	if !scimTokenPattern.MatchString(first.GetToken()) || !strings.HasPrefix(first.GetToken(), first.GetTokenID()+".") ||
		first.GetCreatedAt() != "2026-01-02T03:04:05.000Z" || first.GetValidUntil() != "2026-01-02T04:04:05.000Z" ||
		!slices.Equal(first.GetScopes(), []string{"get:users", "post:users"}) || first.LastUsedAt != nil {
		t.Fatalf("created: %+v", first)
	}
	clock.Advance(time.Minute)
	second := &management.SCIMToken{} // the SDK sends {}
	if err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, second); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second.GetScopes(), recordedScopes) || second.ValidUntil != nil || second.GetCreatedAt() != "2026-01-02T03:05:05.000Z" {
		t.Fatalf("created without scopes nor lifetime: %+v", second)
	}
	err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, &management.SCIMToken{})
	if statusOf(err) != http.StatusConflict || !strings.Contains(err.Error(), "Maximum of 2 tokens already issued for this connection") {
		t.Fatalf("third token: %v", err)
	}

	list, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", err, list)
	}
	if list[0].GetTokenID() != first.GetTokenID() || list[0].Token != nil || list[0].GetValidUntil() != first.GetValidUntil() ||
		list[0].LastUsedAt != nil || list[1].GetTokenID() != second.GetTokenID() || list[1].ValidUntil != nil || list[1].LastUsedAt != nil {
		t.Fatalf("listed before use: %+v %+v", list[0], list[1])
	}

	clock.Advance(10 * time.Minute)
	if err := f.tenant.UseSCIMToken(oktaConn.ID, second.GetToken()); err != nil {
		t.Fatalf("using the second token: %v", err)
	}
	list, err = m.Connection.ListSCIMToken(ctx, oktaConn.ID)
	if err != nil || list[1].GetLastUsedAt() != "2026-01-02T03:15:05.000Z" || list[0].LastUsedAt != nil {
		t.Fatalf("listed after use: %v %+v %+v", err, list[0], list[1])
	}
	held := f.tenant.SCIMTokens(oktaConn.ID)
	if len(held) != 2 || held[0].ID != first.GetTokenID() || held[0].Secret != first.GetToken() ||
		held[1].Secret != second.GetToken() || !held[1].LastUsedAt.Equal(clock.Now()) || !held[1].ValidUntil.IsZero() ||
		!held[0].ValidUntil.Equal(time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)) {
		t.Fatalf("held: %+v", held)
	}

	clock.Advance(time.Hour) // past the first token's valid_until
	if err := f.tenant.UseSCIMToken(oktaConn.ID, first.GetToken()); !errors.Is(err, ErrSCIMTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	if err := m.Connection.DeleteSCIMToken(ctx, oktaConn.ID, first.GetTokenID()); err != nil {
		t.Fatal(err)
	}
	if err := m.Connection.DeleteSCIMToken(ctx, oktaConn.ID, first.GetTokenID()); statusOf(err) != http.StatusNotFound {
		t.Errorf("second delete: %v", err)
	}
	if err := f.tenant.UseSCIMToken(oktaConn.ID, first.GetToken()); !errors.Is(err, ErrUnknownSCIMToken) {
		t.Errorf("revoked token: %v", err)
	}
	if list, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID); err != nil || len(list) != 1 || list[0].GetTokenID() != second.GetTokenID() {
		t.Errorf("list after delete: %v %v", err, list)
	}
	st := f.tenant.Stats()
	if st.TokenWrites[oktaConn.ID] != 3 || len(st.Writes) != 0 {
		t.Errorf("TokenWrites %v (want 3: two creations, one deletion), Writes %v (want none)", st.TokenWrites, st.Writes)
	}
}

// TestSCIMTokenListingBody checks the listing byte for byte: valid_until only
// with a lifetime, last_used_at only once used.
func TestSCIMTokenListingBody(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now}, testConns...)
	now := clock.Now()
	unused, _, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{CreatedAt: now.Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	used, _, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{Scopes: []string{"get:users"},
		CreatedAt: now.Add(-24 * time.Hour), ValidUntil: now.Add(24*time.Hour + 123*time.Millisecond + 456*time.Microsecond),
		LastUsedAt: now.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, f.api("GET", oktaTokens, ""), 200, `[`+
		`{"token_id":"`+unused+`","created_at":"2025-12-31T03:04:05.000Z","scopes":["get:users","post:users","put:users","patch:users"]},`+
		`{"token_id":"`+used+`","created_at":"2026-01-01T03:04:05.000Z","scopes":["get:users"],"valid_until":"2026-01-03T03:04:05.123Z","last_used_at":"2026-01-02T03:03:05.000Z"}]`)
	if got := f.tenant.SCIMTokens(oktaConn.ID)[1].ValidUntil; !got.Equal(time.Date(2026, 1, 3, 3, 4, 5, 123e6, time.UTC)) {
		t.Errorf("valid_until is kept to the millisecond: %v", got)
	}
	expect(t, f.api("GET", waadPath+"/tokens", ""), 200, `[]`)
}

func TestSeedSCIMToken(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now}, testConns...)
	now := clock.Now()
	for _, tc := range []struct {
		name, conn string
		seed       TokenSeed
		want       error  // errors.Is, or nil to check the message
		message    string // a part of the message
	}{
		{"unknown connection", "con_missing000000001", TokenSeed{}, ErrNoSuchConnection, ""},
		{"no configuration", samlConn.ID, TokenSeed{}, ErrNoSCIMConfiguration, ""},
		{"unsupported strategy", dbConn.ID, TokenSeed{}, ErrNoSCIMConfiguration, ""},
		{"empty scopes", oktaConn.ID, TokenSeed{Scopes: []string{}}, nil, "scopes"},
		{"empty scope", oktaConn.ID, TokenSeed{Scopes: []string{"get:users", ""}}, nil, "scopes"},
		{"created in the future", oktaConn.ID, TokenSeed{CreatedAt: now.Add(time.Second)}, nil, "is after now"},
		{"lifetime under 900 s", oktaConn.ID, TokenSeed{CreatedAt: now.Add(-time.Hour), ValidUntil: now.Add(-time.Hour + 899*time.Second)}, nil, "less than 900 s"},
		{"used before created", oktaConn.ID, TokenSeed{CreatedAt: now.Add(-time.Hour), LastUsedAt: now.Add(-2 * time.Hour)}, nil, "not between"},
		{"used in the future", oktaConn.ID, TokenSeed{LastUsedAt: now.Add(time.Minute)}, nil, "not between"},
		{"used once expired", oktaConn.ID, TokenSeed{CreatedAt: now.Add(-time.Hour), ValidUntil: now.Add(-30 * time.Minute), LastUsedAt: now.Add(-30 * time.Minute)}, nil, "not before valid_until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, err := f.tenant.SeedSCIMToken(tc.conn, tc.seed)
			if err == nil || id != "" || secret != "" || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("got %q %q %v", id, secret, err)
			}
		})
	}
	if all := f.tenant.AllSCIMTokens(); len(all) != 0 {
		t.Fatalf("refused seeds left tokens: %v", all)
	}

	scopes := []string{"get:users"}
	id, secret, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{Scopes: scopes})
	if err != nil || !scimTokenPattern.MatchString(secret) || !strings.HasPrefix(secret, id+".") {
		t.Fatalf("seed: %q %q %v", id, secret, err)
	}
	scopes[0] = "changed by the caller"
	clock.Advance(time.Second)
	created := now.Add(-time.Hour + 987654321)
	id2, _, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{CreatedAt: created})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{}); !errors.Is(err, ErrSCIMTokenLimit) {
		t.Errorf("third token: %v", err)
	}
	expect(t, f.api("POST", oktaTokens, "{}"), 409, `{"statusCode":409,"error":"Conflict","message":"Maximum of 2 tokens already issued for this connection"}`)

	want := []SCIMTokenInfo{
		{ID: id, Secret: secret, Scopes: []string{"get:users"}, CreatedAt: now},
		{ID: id2, Secret: f.tenant.SCIMTokens(oktaConn.ID)[1].Secret, Scopes: recordedScopes, CreatedAt: created.Truncate(time.Millisecond)},
	}
	got := f.tenant.SCIMTokens(oktaConn.ID)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SCIMTokens\n got %+v\nwant %+v", got, want)
	}
	got[0].Scopes[0] = "changed by the caller"
	if f.tenant.SCIMTokens(oktaConn.ID)[0].Scopes[0] != "get:users" {
		t.Error("SCIMTokens shares its scopes with the tenant")
	}
	if _, _, err := f.tenant.SeedSCIMToken(waadConn.ID, TokenSeed{}); err != nil {
		t.Fatal(err)
	}
	all := f.tenant.AllSCIMTokens()
	if len(all) != 2 || len(all[oktaConn.ID]) != 2 || len(all[waadConn.ID]) != 1 || !reflect.DeepEqual(all[oktaConn.ID], want) {
		t.Errorf("AllSCIMTokens: %+v", all)
	}
	if f.tenant.SCIMTokens(samlConn.ID) != nil || f.tenant.SCIMTokens("con_missing000000001") != nil {
		t.Error("SCIMTokens of a connection without tokens is not nil")
	}
	if st := f.tenant.Stats(); len(st.TokenWrites) != 0 || st.Total() != 1 {
		t.Errorf("seeding counted as requests: %+v", st)
	}
}

func TestUseSCIMToken(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now}, testConns...)
	now := clock.Now()
	_, oktaSecret, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{CreatedAt: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, waadSecret, err := f.tenant.SeedSCIMToken(waadConn.ID, TokenSeed{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, conn, secret string
		want               error
	}{
		{"unknown connection", "con_missing000000001", oktaSecret, ErrNoSuchConnection},
		{"no configuration", samlConn.ID, oktaSecret, ErrNoSCIMConfiguration},
		{"unknown token", oktaConn.ID, "tok_AAAAAAAAAAAAAAAA." + strings.Repeat("0", 64), ErrUnknownSCIMToken},
		{"empty token", oktaConn.ID, "", ErrUnknownSCIMToken},
		{"token id instead of the token", oktaConn.ID, strings.SplitN(oktaSecret, ".", 2)[0], ErrUnknownSCIMToken},
		{"another connection's token", oktaConn.ID, waadSecret, ErrSCIMTokenOfOtherConnection},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.tenant.UseSCIMToken(tc.conn, tc.secret)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), oktaSecret) || strings.Contains(err.Error(), waadSecret)) {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
	if all := f.tenant.AllSCIMTokens(); !all[oktaConn.ID][0].LastUsedAt.IsZero() || !all[waadConn.ID][0].LastUsedAt.IsZero() {
		t.Fatalf("refused uses were recorded: %+v", all)
	}
	clock.Advance(time.Hour - time.Millisecond)
	if err := f.tenant.UseSCIMToken(oktaConn.ID, oktaSecret); err != nil {
		t.Fatalf("a millisecond before valid_until: %v", err)
	}
	lastUse := clock.Now()
	clock.Advance(time.Millisecond)
	err = f.tenant.UseSCIMToken(oktaConn.ID, oktaSecret)
	if !errors.Is(err, ErrSCIMTokenExpired) || !strings.Contains(err.Error(), "2026-01-02T04:04:05.000Z") {
		t.Errorf("at valid_until: %v", err)
	}
	if got := f.tenant.SCIMTokens(oktaConn.ID)[0].LastUsedAt; !got.Equal(lastUse) {
		t.Errorf("last_used_at = %v, want the last accepted use %v", got, lastUse)
	}
	clock.Advance(1000 * time.Hour) // never expires
	if err := f.tenant.UseSCIMToken(waadConn.ID, waadSecret); err != nil {
		t.Errorf("token without valid_until: %v", err)
	}
}

// TestDeletingSCIMConfigurationDeletesTokens: DELETE …/scim-configuration,
// SetSCIMConfig(nil) and deleting the connection all take the tokens away,
// and a configuration created again starts without any.
func TestDeletingSCIMConfigurationDeletesTokens(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	m, ctx := newSDK(t, f), context.Background()
	created := &management.SCIMToken{}
	if err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, created); err != nil {
		t.Fatal(err)
	}
	if err := m.Connection.DeleteSCIMConfiguration(ctx, oktaConn.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.tenant.SCIMTokens(oktaConn.ID); got != nil {
		t.Errorf("tokens left after DELETE scim-configuration: %+v", got)
	}
	if _, ok := f.tenant.AllSCIMTokens()[oktaConn.ID]; ok {
		t.Error("AllSCIMTokens still lists the connection")
	}
	if err := f.tenant.UseSCIMToken(oktaConn.ID, created.GetToken()); !errors.Is(err, ErrNoSCIMConfiguration) {
		t.Errorf("use without configuration: %v", err)
	}
	if _, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID); statusOf(err) != http.StatusNotFound {
		t.Errorf("listing without configuration: %v", err)
	}
	if err := m.Connection.CreateSCIMConfiguration(ctx, oktaConn.ID, &management.SCIMConfiguration{}); err != nil {
		t.Fatal(err)
	}
	if list, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID); err != nil || len(list) != 0 {
		t.Errorf("a new configuration has tokens: %v %v", err, list)
	}
	if err := f.tenant.UseSCIMToken(oktaConn.ID, created.GetToken()); !errors.Is(err, ErrUnknownSCIMToken) {
		t.Errorf("old token on the new configuration: %v", err)
	}

	if _, _, err := f.tenant.SeedSCIMToken(waadConn.ID, TokenSeed{}); err != nil {
		t.Fatal(err)
	}
	f.tenant.SetSCIMConfig(waadConn.ID, nil)
	if got := f.tenant.SCIMTokens(waadConn.ID); got != nil {
		t.Errorf("tokens left after SetSCIMConfig(nil): %+v", got)
	}

	_, secret, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Connection.Delete(ctx, oktaConn.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.tenant.AllSCIMTokens()) != 0 {
		t.Errorf("tokens left after deleting the connection: %v", f.tenant.AllSCIMTokens())
	}
	if err := f.tenant.UseSCIMToken(oktaConn.ID, secret); !errors.Is(err, ErrNoSuchConnection) {
		t.Errorf("use on a deleted connection: %v", err)
	}
}

func TestSCIMTokenWriteHook(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	var seen idLog
	f.tenant.SetWriteHook(seen.add)
	created := f.api("POST", oktaTokens, `{"scopes":["get:users"]}`)
	expect(t, f.api("GET", oktaTokens, ""), 200, "")
	expect(t, f.api("DELETE", oktaTokens+"/"+created.json(t)["token_id"].(string), ""), 204, "")
	if created.status != 201 || !slices.Equal(seen.get(), []string{oktaConn.ID, oktaConn.ID}) {
		t.Fatalf("POST %d; the hook saw %v, want the POST and the DELETE", created.status, seen.get())
	}

	// another administrator issues two tokens at the very moment of our POST
	f.tenant.SetWriteHook(func(id string) {
		for range 2 {
			if _, _, err := f.tenant.SeedSCIMToken(id, TokenSeed{}); err != nil {
				t.Error(err)
			}
		}
	})
	expect(t, f.api("POST", oktaTokens, "{}"), 409, "")
	f.tenant.SetWriteHook(nil)
	if n := len(f.tenant.SCIMTokens(oktaConn.ID)); n != 2 {
		t.Errorf("%d tokens, want the other administrator's 2", n)
	}
}

// idLog collects the connection ids a write hook sees, from the requests' goroutines.
type idLog struct {
	mu  sync.Mutex
	ids []string
}

func (l *idLog) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
}

func (l *idLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids)
}

// tokenPOST sends POST …/tokens with a context the caller controls.
func tokenPOST(ctx context.Context, f *fixture, client *http.Client) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", f.srv.URL+oktaTokens, strings.NewReader(`{}`))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	return client.Do(req)
}

// TestSCIMTokenAnswerDelay: the client gives up before the answer of a token
// POST that took effect; the token exists, its secret is lost.
func TestSCIMTokenAnswerDelay(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	f.tenant.SetWriteAnswerDelay(time.Hour) // the answer only ends when the client leaves
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if resp, err := tokenPOST(ctx, f, f.srv.Client()); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	waitFor(t, func() bool { return f.tenant.Stats().CountStatus(KindSCIMTokensCreate, statusClientGone) == 1 })
	if n := len(f.tenant.SCIMTokens(oktaConn.ID)); n != 1 {
		t.Errorf("%d tokens after a POST whose answer was lost, want 1", n)
	}
	f.tenant.SetWriteAnswerDelay(0)
	expect(t, f.api("GET", oktaTokens, ""), 200, "") // reads are never delayed
}

func TestSCIMTokenRandomFaultsAfterEffect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults Faults
		tokens int
	}{
		{"5xx after the effect", Faults{ServerErrorRate: 1, AfterWriteShare: 1}, 1},
		{"5xx before the effect", Faults{ServerErrorRate: 1}, 0},
		{"drop after the effect", Faults{DropRate: 1, AfterWriteShare: 1}, 1},
		{"drop before the effect", Faults{DropRate: 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{Faults: tc.faults}, testConns...)
			resp, err := tokenPOST(context.Background(), f, noReuseClient())
			switch {
			case tc.faults.DropRate > 0 && err == nil:
				resp.Body.Close()
				t.Fatalf("answered %d, want a dropped connection", resp.StatusCode)
			case tc.faults.DropRate == 0 && err != nil:
				t.Fatal(err)
			case tc.faults.DropRate == 0:
				resp.Body.Close()
				if resp.StatusCode < 500 {
					t.Fatalf("status %d", resp.StatusCode)
				}
			}
			if n := len(f.tenant.SCIMTokens(oktaConn.ID)); n != tc.tokens {
				t.Errorf("%d tokens, want %d", n, tc.tokens)
			}
			if n := f.tenant.Stats().TokenWrites[oktaConn.ID]; n != tc.tokens {
				t.Errorf("TokenWrites = %d, want %d", n, tc.tokens)
			}
		})
	}
}

// TestFailTokenPOSTAfterEffect is the "POST answer lost, token created" case
// through the SDK: only the first token POST of the connection fails, after
// its effect; everything else goes through.
func TestFailTokenPOSTAfterEffect(t *testing.T) {
	f := newFixture(t, Options{Faults: Faults{FailWrites: []string{oktaConn.ID},
		FailKinds: []string{KindSCIMTokensCreate}, FailAfterEffect: true, FailTimes: 1}}, testConns...)
	m, ctx := newSDK(t, f), context.Background()
	var hooked idLog
	f.tenant.SetWriteHook(hooked.add)
	if list, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID); err != nil || len(list) != 0 {
		t.Fatalf("list: %v %v", err, list)
	}
	if err := m.Connection.UpdateSCIMConfiguration(ctx, oktaConn.ID, &management.SCIMConfiguration{UserIDAttribute: auth0.String("userName"),
		Mapping: &[]management.SCIMConfigurationMapping{{SCIM: auth0.String("userName"), Auth0: auth0.String("email")}}}); err != nil {
		t.Fatalf("a PATCH is not among FailKinds: %v", err)
	}
	lost := &management.SCIMToken{}
	err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, lost)
	if statusOf(err) != http.StatusInternalServerError || lost.GetToken() != "" {
		t.Fatalf("first token POST: %v %+v", err, lost)
	}
	held := f.tenant.SCIMTokens(oktaConn.ID)
	if len(held) != 1 {
		t.Fatalf("the failed POST left %d tokens, want 1", len(held))
	}
	list, err := m.Connection.ListSCIMToken(ctx, oktaConn.ID)
	if err != nil || len(list) != 1 || list[0].GetTokenID() != held[0].ID {
		t.Fatalf("the token whose answer was lost is listed: %v %v", err, list)
	}
	retry := &management.SCIMToken{}
	if err := m.Connection.CreateSCIMToken(ctx, oktaConn.ID, retry); err != nil || retry.GetToken() == "" {
		t.Fatalf("FailTimes 1: the second POST fails too: %v", err)
	}
	if err := m.Connection.DeleteSCIMToken(ctx, oktaConn.ID, held[0].ID); err != nil {
		t.Fatalf("a token DELETE is not among FailKinds: %v", err)
	}
	st := f.tenant.Stats()
	if st.CountStatus(KindSCIMTokensCreate, 500) != 1 || st.CountStatus(KindSCIMTokensCreate, 201) != 1 || st.TokenWrites[oktaConn.ID] != 3 {
		t.Errorf("stats: %v, TokenWrites %v", st.Requests, st.TokenWrites)
	}
	if n := len(hooked.get()); n != 4 { // PATCH, both POSTs, DELETE
		t.Errorf("write hook calls: %v", hooked.get())
	}
}

func TestFailWritesOnSCIMTokens(t *testing.T) {
	t.Run("drop after the effect", func(t *testing.T) {
		f := newFixture(t, Options{Faults: Faults{FailWrites: []string{oktaConn.ID}, FailAfterEffect: true, FailDrop: true}}, testConns...)
		if resp, err := tokenPOST(context.Background(), f, noReuseClient()); err == nil {
			resp.Body.Close()
			t.Fatalf("answered %d, want a dropped connection", resp.StatusCode)
		}
		if n := len(f.tenant.SCIMTokens(oktaConn.ID)); n != 1 {
			t.Errorf("%d tokens, want 1", n)
		}
		if recs := f.tenant.Requests(); len(recs) != 1 || !recs[0].Dropped || recs[0].Kind != KindSCIMTokensCreate {
			t.Errorf("log: %+v", recs)
		}
	})
	t.Run("before the effect, every SCIM write by default", func(t *testing.T) {
		f := newFixture(t, Options{}, testConns...)
		id, _, err := f.tenant.SeedSCIMToken(oktaConn.ID, TokenSeed{})
		if err != nil {
			t.Fatal(err)
		}
		f.tenant.SetFaults(Faults{FailWrites: []string{oktaConn.ID}, FailStatus: 503})
		serviceUnavailable := `{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable"}`
		expect(t, f.api("POST", oktaTokens, "{}"), 503, serviceUnavailable)
		expect(t, f.api("DELETE", oktaTokens+"/"+id, ""), 503, serviceUnavailable)
		expect(t, f.api("GET", oktaTokens, ""), 200, "")
		if got := f.tenant.SCIMTokens(oktaConn.ID); len(got) != 1 || got[0].ID != id {
			t.Errorf("failed writes had an effect: %+v", got)
		}
		expect(t, f.api("POST", waadPath+"/tokens", "{}"), 201, "")
	})
	t.Run("FailKinds leaves the other writes alone", func(t *testing.T) {
		f := newFixture(t, Options{Faults: Faults{FailWrites: []string{oktaConn.ID}, FailKinds: []string{KindSCIMTokensDelete}}}, testConns...)
		created := f.api("POST", oktaTokens, "{}")
		expect(t, created, 201, "")
		expect(t, f.api("PATCH", oktaPath, patchBody), 200, "")
		expect(t, f.api("DELETE", oktaTokens+"/"+created.json(t)["token_id"].(string), ""), 500, "")
		if n := len(f.tenant.SCIMTokens(oktaConn.ID)); n != 1 {
			t.Errorf("%d tokens, want 1", n)
		}
	})
	t.Run("FailKinds takes only SCIM writes", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic for a read kind")
			}
		}()
		New(Options{}).SetFaults(Faults{FailKinds: []string{KindSCIMTokensList}})
	})
}
