package tokenplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// FormatVersion is the version of a saved token plan's JSON form.
const FormatVersion = 1

// Plan is a token run before it runs: what each connection gets.
type Plan struct {
	Version     int         `json:"version"`
	Kind        runlog.Kind `json:"kind"`
	Tenant      string      `json:"tenant"`
	ToolVersion string      `json:"tool_version,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	// Request is what each token is issued with (issue, rotate).
	Request *Request `json:"request,omitempty"`
	// RollsBack is the report of the run an undo plan revokes the tokens of.
	RollsBack string   `json:"rolls_back,omitempty"`
	Changes   []Change `json:"changes"`
	// Warnings are said before the plan is run (a manifest's selector that
	// matches nothing).
	Warnings []string `json:"warnings,omitempty"`
}

// Change is one connection's token work. A change with a Decided status
// sends nothing: Problem says why.
type Change struct {
	scim.Identity
	Action scimtoken.Action `json:"action"`
	// TokenID is the token a revoke removes, or the older one a rotation
	// revokes to make room (none when the connection holds fewer than the
	// maximum).
	TokenID string `json:"token_id,omitempty"`
	// Endpoint is the connection's SCIM endpoint URL, which an identity
	// provider needs beside the token.
	Endpoint string        `json:"endpoint,omitempty"`
	Decided  runlog.Status `json:"decided,omitempty"`
	Problem  string        `json:"problem,omitempty"`
}

// Writes reports whether the change sends a request.
func (c Change) Writes() bool { return c.Decided == "" }

// Request is what a token is issued with.
type Request struct {
	Scopes []string
	// Lifetime is how long the token is valid; 0: it never expires.
	Lifetime time.Duration
}

type requestJSON struct {
	Scopes          []string `json:"scopes"`
	LifetimeSeconds int64    `json:"lifetime_seconds"`
}

// MarshalJSON writes the lifetime in seconds, as Auth0 takes it.
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(requestJSON{Scopes: r.Scopes, LifetimeSeconds: int64(r.Lifetime / time.Second)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Request) UnmarshalJSON(data []byte) error {
	var v requestJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	r.Scopes, r.Lifetime = v.Scopes, time.Duration(v.LifetimeSeconds)*time.Second
	return nil
}

// Meta is what a plan records besides its changes.
type Meta struct {
	Tenant      string
	ToolVersion string
	Now         time.Time
	// TenantURL is the tenant's scheme and host, for the endpoint URLs.
	TenantURL string
}

func (m Meta) plan(kind runlog.Kind, changes []Change) *Plan {
	if changes == nil {
		changes = []Change{}
	}
	for i := range changes {
		changes[i].Endpoint = scimtoken.EndpointURL(m.TenantURL, changes[i].ID)
	}
	return &Plan{Version: FormatVersion, Kind: kind, Tenant: m.Tenant, ToolVersion: m.ToolVersion,
		CreatedAt: m.Now.UTC(), Changes: changes}
}

// Writes counts the changes that send a request.
func (p *Plan) Writes() int {
	n := 0
	for _, c := range p.Changes {
		if c.Writes() {
			n++
		}
	}
	return n
}

// Encode is the saved plan's file content.
func (p *Plan) Encode() ([]byte, error) {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the token plan: %w", err)
	}
	return append(data, '\n'), nil
}

// Decode reads a saved token plan, refusing what no scim-migrate writes:
// ids from it end up in request paths.
func Decode(data []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("not a token plan: %w", err)
	}
	if p.Version != FormatVersion {
		return nil, fmt.Errorf("token plan format version %d is not supported (this scim-migrate reads version %d)", p.Version, FormatVersion)
	}
	switch {
	case p.Tenant == "":
		return nil, errors.New("a token plan without a tenant")
	case !p.Kind.Tokens():
		return nil, fmt.Errorf("a token plan of kind %q", p.Kind)
	case p.Kind != runlog.KindTokenRevoke && p.Request == nil:
		return nil, fmt.Errorf("a %s plan without its request", p.Kind)
	}
	for _, c := range p.Changes {
		if err := c.check(); err != nil {
			return nil, err
		}
		if c.Action != scimtoken.ActionNone && c.Action != kindAction[p.Kind] {
			// A plan edited by hand must not, say, issue tokens from a
			// revoke plan, which carries no request to issue them with.
			return nil, fmt.Errorf("connection %s: a %s plan cannot %s", c.ID, p.Kind, c.Action)
		}
	}
	return &p, nil
}

// kindAction is the one action each kind of token plan is made of.
var kindAction = map[runlog.Kind]scimtoken.Action{
	runlog.KindTokenIssue:  scimtoken.ActionIssue,
	runlog.KindTokenRevoke: scimtoken.ActionRevoke,
	runlog.KindTokenRotate: scimtoken.ActionRotate,
}

func (c Change) check() error {
	switch {
	case c.Action != scimtoken.ActionNone && !scimtoken.IsTokenAction(string(c.Action)):
		return fmt.Errorf("connection %s: unknown action %q", c.ID, c.Action)
	case c.ID != "" && !scim.ValidConnectionID(c.ID):
		return fmt.Errorf("invalid connection id %q", c.ID)
	case c.ID == "" && c.Writes():
		return errors.New("a change that writes without a connection id")
	case c.TokenID != "" && !scimtoken.ValidTokenID(c.TokenID):
		return fmt.Errorf("connection %s: invalid token id %q", c.ID, c.TokenID)
	case c.Action == scimtoken.ActionRevoke && c.TokenID == "" && c.Writes():
		return fmt.Errorf("connection %s: a revoke without its token id", c.ID)
	}
	return nil
}

// clockSkew is how far two machines' clocks may differ.
const clockSkew = 5 * time.Minute

// CheckAge refuses a plan made more than maxAge before now, or in the
// future: the tokens it was made from may be other ones now.
func (p *Plan) CheckAge(now time.Time, maxAge time.Duration) error {
	return plan.CheckAge(p.CreatedAt, now, maxAge)
}
