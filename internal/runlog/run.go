package runlog

import (
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// RunFormatVersion is the version of the report's JSON Lines form. Version
// 2 added the unknown status, not_sent results and the summary's write
// counts; version 3 the runs of tokens issue and tokens revoke (token
// actions, token_id, existing_tokens); version 4 the summary's handoff (the
// fate of tokens issue's handoff file); version 5 the compact unchanged
// result (StateSHA256 instead of its states); version 6 the header's kind
// (what the run writes) and tokens rotate's rotate_token. Reports of
// versions 1 to 5 are still read (and rolled back).
const RunFormatVersion = 6

// oldestRunFormatVersion is the oldest report form the reader accepts.
const oldestRunFormatVersion = 1

// Line types of a run report, the value of each line's "type" field.
const (
	TypeRun     = "run"
	TypeIntent  = "intent"
	TypeResult  = "result"
	TypeSummary = "summary"
)

// Status is how one connection of a run ended.
type Status string

const (
	StatusApplied   Status = "applied"
	StatusUnchanged Status = "unchanged"
	StatusFailed    Status = "failed"
	StatusConflict  Status = "conflict"
	StatusSkipped   Status = "skipped"
	// StatusUnknown is a write that was sent, whose answer never came, and
	// that could not be read back: it may have taken effect.
	StatusUnknown Status = "unknown"
)

// Kind is what a run writes: SCIM configurations, or SCIM tokens issued,
// revoked or rotated. A rollback undoes each kind its own way.
type Kind string

const (
	KindConfig      Kind = "configuration"
	KindTokenIssue  Kind = "tokens_issue"
	KindTokenRevoke Kind = "tokens_revoke"
	KindTokenRotate Kind = "tokens_rotate"
)

// Tokens reports whether the kind is a token run's.
func (k Kind) Tokens() bool {
	return k == KindTokenIssue || k == KindTokenRevoke || k == KindTokenRotate
}

// IssuesTokens reports whether a run of the kind issues tokens: it hands
// them off in a file, and its rollback revokes them.
func (k Kind) IssuesTokens() bool {
	return k == KindTokenIssue || k == KindTokenRotate
}

// Header is a report's first line: which run this is.
type Header struct {
	Type        string `json:"type"`
	Version     int    `json:"version"`
	ToolVersion string `json:"tool_version"`
	Tenant      string `json:"tenant"`
	Command     string `json:"command"`
	// Kind is what the run writes; empty in reports before version 6.
	Kind     Kind         `json:"kind,omitempty"`
	Manifest *plan.Source `json:"manifest,omitempty"`
	// PlanFile is the saved plan an apply --plan ran.
	PlanFile string `json:"plan_file,omitempty"`
	// RollsBack is the report a rollback undoes.
	RollsBack string    `json:"rolls_back,omitempty"`
	DryRun    bool      `json:"dry_run,omitempty"`
	StartedAt time.Time `json:"started_at"`
	User      string    `json:"user,omitempty"`
	Host      string    `json:"host,omitempty"`
	PID       int       `json:"pid,omitempty"`
}

// Intent is written, and made durable, before a write is sent: it holds the
// state before the write, so a run killed at any instant can be rolled back.
type Intent struct {
	Type           string       `json:"type"`
	ConnectionID   string       `json:"connection_id"`
	ConnectionName string       `json:"connection_name"`
	Strategy       string       `json:"strategy,omitempty"`
	Action         plan.Action  `json:"action"`
	Before         *scim.Config `json:"before"`
	After          *scim.Config `json:"after"`
	// TokenID is the SCIM token a revoke_token removes.
	TokenID string `json:"token_id,omitempty"`
	// ExistingTokens are the SCIM tokens the connection held just before an
	// issue_token: a token not among them afterwards is the run's, which is
	// how a rollback finds a token whose answer never came.
	ExistingTokens []string  `json:"existing_tokens,omitempty"`
	At             time.Time `json:"at"`
}

// Result is how one connection of the run ended. Every connection of the run
// has exactly one.
type Result struct {
	Type           string       `json:"type"`
	ConnectionID   string       `json:"connection_id"`
	ConnectionName string       `json:"connection_name"`
	Strategy       string       `json:"strategy,omitempty"`
	Status         Status       `json:"status"`
	Action         plan.Action  `json:"action"`
	Before         *scim.Config `json:"before"`
	After          *scim.Config `json:"after"`
	Error          string       `json:"error,omitempty"`
	// Attempts counts the requests sent for this connection, retries included.
	Attempts   int       `json:"attempts"`
	DurationMS int64     `json:"duration_ms"`
	At         time.Time `json:"at"`
	// NotSent says that the write announced by this connection's intent
	// never left: the run was interrupted while it waited its turn. Rollback
	// leaves such a connection alone.
	NotSent bool `json:"not_sent,omitempty"`
	// From is the manifest entry the connection's change came from.
	From *manifest.Pos `json:"from,omitempty"`
	// TokenID is the SCIM token an issue_token created or a revoke_token
	// removed: its id, never its secret.
	TokenID string `json:"token_id,omitempty"`
	// StateSHA256 stands for the states of a connection the run found as
	// asked and never wrote (unchanged, action none): a nightly report of
	// thousands of connections would otherwise be mostly their copies. Its
	// before and after are then null, which here means "not recorded"; the
	// digest still shows which configuration it had (ConfigSHA256).
	StateSHA256 string `json:"state_sha256,omitempty"`
}

// Counts tallies results by status.
type Counts struct {
	Applied   int `json:"applied"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Conflict  int `json:"conflict"`
	Skipped   int `json:"skipped"`
	Unknown   int `json:"unknown"`
}

// Add counts one result.
func (c *Counts) Add(s Status) {
	switch s {
	case StatusApplied:
		c.Applied++
	case StatusUnchanged:
		c.Unchanged++
	case StatusFailed:
		c.Failed++
	case StatusConflict:
		c.Conflict++
	case StatusSkipped:
		c.Skipped++
	case StatusUnknown:
		c.Unknown++
	}
}

// Total is the number of results counted.
func (c Counts) Total() int {
	return c.Applied + c.Unchanged + c.Failed + c.Conflict + c.Skipped + c.Unknown
}

// Unsettled is the number of connections that did not end as asked: failed,
// conflicting or unknown.
func (c Counts) Unsettled() int { return c.Failed + c.Conflict + c.Unknown }

// Summary is a report's last line.
type Summary struct {
	Type        string `json:"type"`
	Counts      Counts `json:"counts"`
	Interrupted bool   `json:"interrupted,omitempty"`
	// Stopped says the run was stopped at once (a second interrupt), with
	// writes in flight left unanswered.
	Stopped bool   `json:"stopped,omitempty"`
	Error   string `json:"error,omitempty"`
	// WritesSent counts the write requests that left the tool, and
	// WritesConfirmed those the tenant is known to hold.
	WritesSent      int `json:"writes_sent"`
	WritesConfirmed int `json:"writes_confirmed"`
	// Rereads counts the reads made just before writes, and ReadWindowMS is
	// the longest time between such a read and the write it decided.
	Rereads      int       `json:"rereads"`
	ReadWindowMS int64     `json:"read_window_ms"`
	FinishedAt   time.Time `json:"finished_at"`
	Requests     int64     `json:"requests"`
	// Handoff is what became of a tokens issue's handoff file, the run's
	// last step, taken before this line is written.
	Handoff *Handoff `json:"handoff,omitempty"`
}

// Handoff is the fate of a tokens issue's handoff file: written with its
// tokens (their ids are the results' token_id; the secrets are only in the
// file), not written because no token was issued, or the error that kept
// it from being written (the tokens issued are then unusable, and
// rollback --from the report revokes them).
type Handoff struct {
	Path    string `json:"path"`
	Tokens  int    `json:"tokens"`
	Written bool   `json:"written"`
	Error   string `json:"error,omitempty"`
}
