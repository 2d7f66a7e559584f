package main

import (
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

const day = 24 * time.Hour

// tokenState is what --seed-tokens gives one connection: a token made from
// the tenant's clock at start-up, or none.
type tokenState struct {
	name string
	seed func(now time.Time) *emulator.TokenSeed // nil result: no token
}

// demoStates go, in order, to the first connections of the seed (seed file,
// then --generate) that have a SCIM configuration; every later one gets
// healthyState, so that the fifth is the only one without a token.
var demoStates = []tokenState{
	{"expired 35 days ago (1-year lifetime, last used 5 days before it expired)", func(now time.Time) *emulator.TokenSeed {
		return &emulator.TokenSeed{CreatedAt: now.Add(-400 * day), ValidUntil: now.Add(-35 * day), LastUsedAt: now.Add(-40 * day)}
	}},
	{"expires in 12 days (1-year lifetime, last used yesterday)", func(now time.Time) *emulator.TokenSeed {
		return &emulator.TokenSeed{CreatedAt: now.Add(-353 * day), ValidUntil: now.Add(12 * day), LastUsedAt: now.Add(-day)}
	}},
	{"never used (created 3 days ago, no expiry, scopes get:users post:users)", func(now time.Time) *emulator.TokenSeed {
		return &emulator.TokenSeed{Scopes: []string{"get:users", "post:users"}, CreatedAt: now.Add(-3 * day)}
	}},
	{"healthy (1-year lifetime, 320 days left, last used 2 hours ago)", func(now time.Time) *emulator.TokenSeed {
		return &emulator.TokenSeed{CreatedAt: now.Add(-45 * day), ValidUntil: now.Add(320 * day), LastUsedAt: now.Add(-2 * time.Hour)}
	}},
	{"no token", func(time.Time) *emulator.TokenSeed { return nil }},
}

var healthyState = tokenState{"healthy (1-year lifetime, 335 days left, last used an hour ago)", func(now time.Time) *emulator.TokenSeed {
	return &emulator.TokenSeed{CreatedAt: now.Add(-30 * day), ValidUntil: now.Add(335 * day), LastUsedAt: now.Add(-time.Hour)}
}}

// seedTokens puts the demo's SCIM tokens on the tenant, at times relative to
// now, and returns one line per connection it considered. Token ids and
// secrets are random; which connection gets which state, and the times
// relative to now, are not.
func seedTokens(t *emulator.Tenant, seeded []emulator.Connection, now time.Time) ([]string, error) {
	ids := map[string]string{} // name -> id, for seeded connections without an id
	for _, c := range t.Connections() {
		ids[c.Name] = c.ID
	}
	var targets []emulator.Connection
	for _, c := range seeded {
		if c.SCIM != nil {
			c.ID = ids[c.Name]
			targets = append(targets, c)
		}
	}
	if len(targets) < len(demoStates) {
		return nil, fmt.Errorf("the seed has %d connections with a SCIM configuration, %d are needed", len(targets), len(demoStates))
	}
	var lines []string
	for i, c := range targets {
		state := healthyState
		if i < len(demoStates) {
			state = demoStates[i]
		}
		s := state.seed(now)
		if s == nil {
			lines = append(lines, fmt.Sprintf("SCIM tokens of %s (%s): none", c.Name, c.ID))
			continue
		}
		tokenID, _, err := t.SeedSCIMToken(c.ID, *s)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", c.Name, c.ID, err)
		}
		lines = append(lines, fmt.Sprintf("SCIM tokens of %s (%s): %s %s", c.Name, c.ID, tokenID, state.name))
	}
	return lines, nil
}
