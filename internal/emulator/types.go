package emulator

import "time"

// Request kinds, as recorded in RequestRecord.Kind and used as keys of Stats.Requests.
const (
	KindToken              = "token"
	KindConnectionsList    = "connections.list"
	KindConnectionsGet     = "connections.get"
	KindConnectionsCreate  = "connections.create"
	KindConnectionsDelete  = "connections.delete"
	KindSCIMList           = "scim.list"
	KindSCIMGet            = "scim.get"
	KindSCIMCreate         = "scim.create"
	KindSCIMUpdate         = "scim.update"
	KindSCIMDelete         = "scim.delete"
	KindSCIMDefaultMapping = "scim.default_mapping"
	KindSCIMTokensList     = "scim.tokens.list"
	KindSCIMTokensCreate   = "scim.tokens.create"
	KindSCIMTokensDelete   = "scim.tokens.delete"
	KindUnknown            = "unknown"
)

// Mapping is one SCIM attribute to Auth0 attribute pair of a SCIM configuration.
type Mapping struct {
	SCIM  string `json:"scim"`
	Auth0 string `json:"auth0"`
}

// SCIMConfig is the editable part of a connection's SCIM configuration.
type SCIMConfig struct {
	UserIDAttribute string    `json:"user_id_attribute"`
	Mapping         []Mapping `json:"mapping"`
}

// Connection seeds one connection of the tenant.
type Connection struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Strategy string `json:"strategy"`
	// SCIM is used when seeding only: nil means no SCIM configuration. An empty
	// user_id_attribute or a nil mapping takes the strategy's default, as POST {} does.
	SCIM *SCIMConfig `json:"scim_configuration,omitempty"`
}

// Client is a machine-to-machine application allowed to use the client-credentials grant.
type Client struct {
	ID     string   `json:"client_id"`
	Secret string   `json:"client_secret"`
	Scopes []string `json:"scopes"`
}

// StaticToken is a bearer token accepted as is; it never expires unless ExpireTokens is called.
type StaticToken struct {
	Token  string   `json:"token"`
	Scopes []string `json:"scopes"`
	// Client names the token's holder in the request log and Stats.Clients;
	// default "static".
	Client string `json:"client,omitempty"`
}

// Seed is the initial content of a tenant (see testdata/tenant.json).
type Seed struct {
	TenantName  string        `json:"tenant_name"`
	Clients     []Client      `json:"clients"`
	Tokens      []StaticToken `json:"tokens"`
	Connections []Connection  `json:"connections"`
}

// Options configures a Tenant. The zero value is a usable, unlimited, fault-free tenant.
type Options struct {
	// TenantName appears as tenant_name in SCIM configuration bodies; default "scim-migrate-dev".
	TenantName string
	// TokenLifetime is how long issued tokens are accepted; default 24h.
	TokenLifetime time.Duration
	// RevokeEvery, when positive, revokes every access token issued so far
	// (as RevokeAccessTokens does) as each RevokeEvery-th /api/v2 request
	// arrives, before it is authenticated: a client must renew its token
	// and resend, again and again.
	RevokeEvery int
	// AdvertisedLifetime is the expires_in reported by /oauth/token; 0 means TokenLifetime.
	// A larger value simulates a token that dies early, so the client only learns from a 401.
	AdvertisedLifetime time.Duration
	// Rate and Burst define the global token bucket (requests/s, bucket size),
	// refilled continuously, announcing the next token as reset; Rate 0 means
	// unlimited and no x-ratelimit-* headers; with a Rate, Burst < 1 means 1.
	Rate  float64
	Burst int
	// Buckets sets buckets by group (GroupGlobal, GroupConnections), e.g.
	// PlanEssentials(); a GroupGlobal entry takes the place of Rate and Burst.
	Buckets map[string]Bucket
	// Latency is added to every /api/v2 answer, before any effect.
	Latency time.Duration
	// DisableSCIMListing makes GET /api/v2/connections-scim-configurations answer 404,
	// as on tenants without the feature.
	DisableSCIMListing bool
	// Headers is how the rate-limit answers look (default: as Auth0's).
	Headers HeaderBehaviour
	// OddHeaders makes the rate-limit headers contradict the bucket (tests).
	OddHeaders OddHeaders
	// Listing is how the checkpoint listings choose where Auth0's reference
	// is silent (cursors, order, page cap); the zero value accepts connection
	// ids as from, lists by id and caps pages at 100.
	Listing ListingBehaviour
	Faults  Faults
	// Clock replaces time.Now for token expiry, timestamps, rate limiting and the
	// request log (tests use it to expire tokens without sleeping). Latency waits
	// always use real time.
	Clock func() time.Time
}

// HeaderBehaviour is how the tenant's rate-limit answers look where Auth0's reference is silent or proxies differ.
type HeaderBehaviour struct {
	Omit       bool // no x-ratelimit-* headers at all; an empty bucket answers a bare 429
	RetryAfter bool // 429s carry Retry-After (seconds) as well
}

// OddHeaders are rate-limit headers that say something other than the
// bucket, as a proxy, a skewed clock or a misconfigured gateway may: the
// answers only, never the bucket itself.
type OddHeaders struct {
	// ResetShift is added to every x-ratelimit-reset (negative: a reset in
	// the past, as from a tenant whose clock is behind).
	ResetShift time.Duration
	// ZeroRemaining announces x-ratelimit-remaining: 0 on every answer.
	ZeroRemaining bool
	// ZeroLimit announces x-ratelimit-limit: 0 (unknown) on every answer.
	ZeroLimit bool
}

// Faults describes injected failures. Shares are probabilities in [0,1].
type Faults struct {
	Seed            int64   // randomness is deterministic for a seed
	ServerErrorRate float64 // share of /api/v2 requests answered with a 5xx
	AfterWriteShare float64 // share of fault answers on writes given after the write took effect
	DropRate        float64 // share of /api/v2 requests whose connection is closed without an answer
	RateLimitedRate float64 // share of /api/v2 requests answered 429 whatever the bucket says
	SlowRate        float64 // share of /api/v2 requests that take SlowLatency extra
	SlowLatency     time.Duration
	// FailWrites are connection ids whose SCIM writes (POST, PATCH and DELETE
	// of …/scim-configuration, POST …/tokens, DELETE …/tokens/{id}) fail:
	// answered FailStatus before any effect, unless the fields below say
	// otherwise. On those writes, random faults always come before the effect.
	FailWrites []string
	FailStatus int // status of FailWrites answers; default 500 (524: the CDN's HTML page)
	// FailKinds narrows FailWrites to these kinds (KindSCIMCreate,
	// KindSCIMUpdate, KindSCIMDelete, KindSCIMTokensCreate,
	// KindSCIMTokensDelete; any other panics); empty: every SCIM write.
	FailKinds []string
	// FailAfterEffect makes a FailWrites write take effect first: the tenant
	// holds it, the write hook ran, and the client gets FailStatus, or nothing
	// with FailDrop (e.g. a token POST whose token exists but whose secret the
	// client never saw).
	FailAfterEffect bool
	// FailDrop closes the connection of a FailWrites write without an answer
	// instead of answering FailStatus.
	FailDrop bool
	// FailTimes, when positive, is how many FailWrites writes fail after the
	// Faults are set (Options or SetFaults); the ones after them succeed.
	FailTimes int
	// RateLimitWrites is a storm on writes: every SCIM write (as for
	// FailWrites) is answered 429, before any effect, with headers
	// announcing an empty bucket and a reset within the second; reads are
	// served as usual.
	RateLimitWrites bool
}

// RequestRecord is one entry of the request log. ConnectionID is the connection id
// path segment as sent (still escaped), whether or not it was valid.
type RequestRecord struct {
	Method, EscapedPath, RawQuery, Kind, ConnectionID string
	// Status is the HTTP status answered: 0 for a dropped connection, 499 when the
	// client went away during the latency wait.
	Status    int
	Arrived   time.Time
	Dropped   bool
	Throttled bool // answered 429 (bucket, Throttle or injected)
	// Client holds the request's bearer token: the client id it was issued
	// to, or the static token's Client; "" without a known token.
	Client string
	// Group is the rate-limit group whose bucket the request drew on
	// (GroupGlobal or GroupConnections); "" for a request that drew on none
	// (throttle storm, token endpoint, stray path).
	Group string
}

// Stats counts what the tenant answered since creation or the last ResetStats.
type Stats struct {
	Requests      map[string]map[int]int // kind -> HTTP status -> count (dropped under status 0)
	MaxConcurrent int                    // max /api/v2 requests being handled at once
	Writes        map[string]int         // connection id -> SCIM configuration writes that took effect
	TokenWrites   map[string]int         // connection id -> SCIM token creations and deletions that took effect
	TokensIssued  int
	// Clients counts /api/v2 requests by who sent them (RequestRecord.Client):
	// client -> HTTP status -> count. Requests without a known token are not in it.
	Clients map[string]map[int]int
}

// Count returns the number of requests of a kind, whatever their status.
func (s Stats) Count(kind string) int {
	n := 0
	for _, c := range s.Requests[kind] {
		n += c
	}
	return n
}

// CountStatus returns the number of requests of a kind answered with status.
func (s Stats) CountStatus(kind string, status int) int {
	return s.Requests[kind][status]
}

// CountClient returns the number of /api/v2 requests a client sent, whatever their status.
func (s Stats) CountClient(client string) int {
	n := 0
	for _, c := range s.Clients[client] {
		n += c
	}
	return n
}

// CountClientStatus returns the number of /api/v2 requests of a client answered with status.
func (s Stats) CountClientStatus(client string, status int) int {
	return s.Clients[client][status]
}

// Total returns the number of /api/v2 requests (every kind but "token").
func (s Stats) Total() int {
	n := 0
	for kind := range s.Requests {
		if kind != KindToken {
			n += s.Count(kind)
		}
	}
	return n
}
