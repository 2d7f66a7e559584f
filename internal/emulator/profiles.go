package emulator

import (
	"fmt"
	"strings"
	"time"
)

// A Profile is one consistent set of the choices a tenant makes where
// Auth0's reference and recordings are silent: how listings page and order,
// what x-ratelimit-reset announces, whether rate-limit headers reach the
// client at all, how long access tokens live. The product must work on every
// profile, so the end-to-end tests and make bench run on each; the bundled
// profile is the emulator's historical set of guesses, the others play the
// documented alternatives an independent tenant may pick.
type Profile struct {
	Name  string
	About string
	apply func(*Options)
}

// profiles lists every profile, the default first.
var profiles = []Profile{
	{Name: "bundled", About: "connection ids accepted as cursors, listings by id, pages of up to 100, " +
		"x-ratelimit-reset announcing the next token, access tokens of 24 h",
		apply: func(*Options) {}},
	{Name: "strict", About: "cursors only as the tenant returned them, listings in creation order, pages of at most 50, " +
		"x-ratelimit-reset announcing when the bucket is full again",
		apply: func(o *Options) {
			o.Listing = ListingBehaviour{OwnCursorsOnly: true, Order: OrderByCreation, PageCap: 50}
			everyBucket(o, func(b *Bucket) { b.Reset = ResetFull })
		}},
	{Name: "shuffled", About: "own cursors only, listings in a stable shuffled order, Retry-After on 429s, " +
		"access tokens that live 3 s and are all revoked every 150 requests",
		apply: func(o *Options) {
			o.Listing = ListingBehaviour{OwnCursorsOnly: true, Order: OrderShuffled}
			o.Headers.RetryAfter = true
			o.TokenLifetime, o.RevokeEvery = 3*time.Second, 150
		}},
	{Name: "no-headers", About: "no x-ratelimit-* headers (a proxy strips them): a bare 429 when the bucket is empty; " +
		"own cursors only, listings in creation order",
		apply: func(o *Options) {
			o.Listing = ListingBehaviour{OwnCursorsOnly: true, Order: OrderByCreation}
			o.Headers.Omit = true
		}},
	{Name: "storm", About: "one request in five answered 429 whatever the bucket holds (reset within the second); " +
		"own cursors only, shuffled, pages of at most 50",
		apply: func(o *Options) {
			o.Listing = ListingBehaviour{OwnCursorsOnly: true, Order: OrderShuffled, PageCap: 50}
			o.Faults.RateLimitedRate = 0.2
		}},
}

// Profiles returns every profile, the default ("bundled") first.
func Profiles() []Profile { return append([]Profile(nil), profiles...) }

// ProfileNames returns the names of every profile.
func ProfileNames() []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	return names
}

// Apply returns o with the profile's choices made; the rest of o (rate
// limits, latency, faults other than the profile's) is kept.
func (p Profile) Apply(o Options) Options {
	p.apply(&o)
	return o
}

// WithProfile returns o with the named profile's choices made.
func WithProfile(name string, o Options) (Options, error) {
	for _, p := range profiles {
		if p.Name == name {
			return p.Apply(o), nil
		}
	}
	return o, fmt.Errorf("no profile %q (profiles: %s)", name, strings.Join(ProfileNames(), ", "))
}

// everyBucket changes every bucket o sets, the global one of Rate and
// Burst included (made a Buckets entry for that).
func everyBucket(o *Options, change func(*Bucket)) {
	buckets := make(map[string]Bucket, len(o.Buckets)+1)
	for g, b := range o.Buckets {
		buckets[g] = b
	}
	if _, ok := buckets[GroupGlobal]; !ok && o.Rate > 0 {
		buckets[GroupGlobal] = Bucket{Rate: o.Rate, Burst: o.Burst}
	}
	for g, b := range buckets {
		change(&b)
		buckets[g] = b
	}
	o.Buckets = buckets
}
