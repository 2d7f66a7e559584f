package scimtoken

import (
	"slices"
	"time"
)

// Flag is something an audit reports about a token or a connection.
type Flag string

const (
	// FlagExpired is a token whose valid_until has passed: an identity
	// provider using it is refused, and provisioning silently stops.
	FlagExpired Flag = "expired"
	// FlagExpiring is a token that expires within the audit's window.
	FlagExpiring Flag = "expiring"
	// FlagNeverUsed is a token no identity provider has ever used: issued
	// and not handed over, or handed to an IdP that is not provisioning.
	FlagNeverUsed Flag = "never_used"
	// FlagNoValidToken is a connection none of whose tokens can be used
	// (it has none, or all are expired): nothing can provision into it.
	FlagNoValidToken Flag = "no_valid_token"
)

// Alarming reports whether a flag means provisioning stops or is about to
// (what --detailed-exitcode exits 2 for). Every flag does: a token never
// used is a handoff that did not happen.
func (f Flag) Alarming() bool { return f != "" }

// AuditedToken is a token and what the audit found about it.
type AuditedToken struct {
	Token
	Flags []Flag `json:"flags"`
}

// AuditedConnection is one connection's tokens and what the audit found.
type AuditedConnection struct {
	ConnectionID   string `json:"connection_id"`
	ConnectionName string `json:"connection_name"`
	Strategy       string `json:"strategy,omitempty"`
	// Endpoint is the connection's SCIM endpoint URL (see EndpointURL).
	Endpoint string         `json:"endpoint,omitempty"`
	Tokens   []AuditedToken `json:"tokens"`
	Flags    []Flag         `json:"flags"`
	// Error says why the connection's tokens could not be read; it then
	// has no tokens and no flags.
	Error string `json:"error,omitempty"`
	// NotFound says the connection asked for is not on the tenant (Error
	// says which and the nearest name): a finding, not a failure to read.
	NotFound bool `json:"not_found,omitempty"`
}

// Audit is the result of auditing the tokens of some connections.
type Audit struct {
	Tenant    string    `json:"tenant"`
	AuditedAt time.Time `json:"audited_at"`
	// Within is the window in which an expiring token is flagged.
	Within      time.Duration       `json:"-"`
	WithinText  string              `json:"within"`
	Connections []AuditedConnection `json:"connections"`
	Counts      AuditCounts         `json:"counts"`
}

// AuditCounts tallies an audit.
type AuditCounts struct {
	Connections  int `json:"connections"`
	Tokens       int `json:"tokens"`
	Expired      int `json:"expired"`
	Expiring     int `json:"expiring"`
	NeverUsed    int `json:"never_used"`
	NoValidToken int `json:"no_valid_token"`
	// Unread counts the connections whose tokens could not be read.
	Unread int `json:"unread"`
	// NotFound counts the connections asked for that the tenant lacks.
	NotFound int `json:"not_found,omitempty"`
}

// Flagged reports whether the audit found anything to act on.
func (a *Audit) Flagged() bool {
	c := a.Counts
	return c.Expired+c.Expiring+c.NeverUsed+c.NoValidToken+c.NotFound > 0
}

// FlagToken says what is worth knowing about one token at now: expired,
// expiring within the window, never used.
func FlagToken(t Token, now time.Time, within time.Duration) []Flag {
	flags := []Flag{}
	switch {
	case !t.ValidAt(now):
		flags = append(flags, FlagExpired)
	case t.Expires() && t.ValidUntil.Sub(now) <= within:
		flags = append(flags, FlagExpiring)
	}
	if t.LastUsedAt.IsZero() {
		flags = append(flags, FlagNeverUsed)
	}
	return flags
}

// AuditConnection flags a connection's tokens, newest first, and the
// connection itself when none of them can be used.
func AuditConnection(c AuditedConnection, tokens []Token, now time.Time, within time.Duration) AuditedConnection {
	c.Tokens, c.Flags = make([]AuditedToken, 0, len(tokens)), []Flag{}
	valid := false
	for _, t := range NewestFirst(tokens) {
		c.Tokens = append(c.Tokens, AuditedToken{Token: t, Flags: FlagToken(t, now, within)})
		valid = valid || t.ValidAt(now)
	}
	if !valid {
		c.Flags = append(c.Flags, FlagNoValidToken)
	}
	return c
}

// Count adds a connection to the audit and its tallies.
func (a *Audit) Count(c AuditedConnection) {
	a.Connections = append(a.Connections, c)
	a.Counts.Connections++
	if c.NotFound {
		a.Counts.NotFound++
		return
	}
	if c.Error != "" {
		a.Counts.Unread++
		return
	}
	a.Counts.Tokens += len(c.Tokens)
	for _, t := range c.Tokens {
		a.Counts.Expired += count(t.Flags, FlagExpired)
		a.Counts.Expiring += count(t.Flags, FlagExpiring)
		a.Counts.NeverUsed += count(t.Flags, FlagNeverUsed)
	}
	a.Counts.NoValidToken += count(c.Flags, FlagNoValidToken)
}

func count(flags []Flag, f Flag) int {
	if slices.Contains(flags, f) {
		return 1
	}
	return 0
}

// NewestFirst returns the tokens ordered by creation, newest first (ties by
// id, so the order is stable).
func NewestFirst(tokens []Token) []Token {
	out := slices.Clone(tokens)
	slices.SortStableFunc(out, func(a, b Token) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
