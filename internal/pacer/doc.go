// Package pacer owns the decision of when the next request to an Auth0
// tenant may leave, learning each rate-limit group's bucket from the
// tenant's answers so that a user never has to know their plan's limit.
//
// # Use
//
// Call Wait before every attempt (retries included) and Observe with every
// answer, whatever its status. Answer.Sent must be taken after Wait returned:
// it is how an answer is matched to the request that Wait let go. A group
// names an Auth0 rate-limit bucket, such as "connections" for
// GET /api/v2/connections on plans that limit it apart (Essentials,
// Professional) and "api" for the rest. Requests that the tenant counts in
// one bucket belong in one group: two groups on one bucket still avoid
// 429s, but each takes the other for a foreign client and leaves part of the
// bucket unused.
//
// # How it paces
//
// Auth0 limits the Management API with token buckets: x-ratelimit-limit is
// the bucket size (the burst), x-ratelimit-remaining what is left after the
// request (rounded down), x-ratelimit-reset a Unix second at which more
// tokens are expected. Per group the pacer keeps a model of that bucket: its
// level, and the rate at which it refills for this client (other clients
// draining the same bucket make that rate lower, which is what this client
// may use). A request goes when the model says the bucket still holds the
// reserve after it, so the first answer's burst is spent at once and the
// refill is then followed as it comes.
//
// Every answer corrects the model. Its level is moved the least that agrees
// with remaining, for the request the answer belongs to (found by Sent,
// counting the requests sent after it as in flight); the rate is a straight
// line fitted through remaining + request number against time, which grows
// exactly at the net refill rate. Per-minute buckets refill in steps once a
// second; the fit measures how far the answers stray from its line and keeps
// that much more in the bucket. A bucket too small to hold a reserve (Free:
// 2) is always full when this client takes from it, which hides its refill:
// then the rate is probed upward slowly and lowered a little whenever the
// bucket runs empty. A small bucket that can hold a reserve (3 tokens) hides
// its refill the same way while the pace is below it, so until the bucket
// first runs empty the rate grows by a quarter per answer that finds it
// full after a request was held back.
//
// A 429 lowers the rate by 30% and restarts the fit; an empty bucket
// (remaining: 0) lowers it by 2%. Both pause every caller of the group until
// the announced reset, or Retry-After when a 429 carries one (the later of
// the two): at least 250 ms (a burst 429's reset can be "now", and a reset
// in the past is taken for now), at most MaxWait (a reset can be announced
// as when the bucket will be full again, up to a minute ahead; the pause
// then says it was capped). One pause calls OnPause once, however many
// answers in flight confirm it. When a 429's pause ends (or an empty
// bucket's whose reset was already past) one request goes whatever the
// model says: the tenant announced requests are added then. Whatever the
// model says, a group never goes silent for longer than MaxWait, so a wrong
// model is always corrected.
//
// # The floor
//
// 429s never push the pace below what the tenant's answers promise. A 429
// or an empty bucket announcing a wait d (reset or Retry-After) says at
// least one request is taken after d, so the pace never falls below one
// request per d, d counted as at least one second (the reset's resolution,
// which also makes a reset in the past worth a request a second) and at
// most MaxWait; the latest such answer sets it, and nothing goes below one
// request a minute. Without it, a tenant refusing every write (a storm
// whose resets are a second away) drove the pace down 30% per 429 until a
// handful of retries took minutes; with it, such a storm costs about a
// second per attempt and every request fails after its attempts.
// x-ratelimit-limit is a size, not a rate, so it sets no floor; limit: 0
// means unknown, never "no limit".
//
// # Blind pacing
//
// A group whose answers do not describe its bucket (no x-ratelimit-*
// headers, or limit: 0), and that the tenant refuses, is paced blind: a 429
// pauses it (until Retry-After or the reset when announced, else a backoff
// of one second doubling to two), and sets its pace to 90% of what the
// tenant accepted over the last four seconds, which is the refill rate
// while some requests are refused; successes raise it again, quickly up to
// just under that rate, slowly beyond. A group answered without any header
// and never refused is not paced (only the Ceiling applies).
//
// Callers of a group are served in arrival order and only the first waits on
// a timer, so there is no herd to wake and no busy loop; the Ceiling spaces
// requests of all groups together.
package pacer
