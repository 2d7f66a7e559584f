package scimtoken

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Handoff is what the administrators of the identity providers need to
// provision into the migrated connections: per connection, its new token.
// It is the only thing scim-migrate ever writes a token's secret into.
type Handoff struct {
	Tenant   string         `json:"tenant"`
	IssuedAt time.Time      `json:"issued_at"`
	Tokens   []HandoffToken `json:"tokens"`
}

// HandoffToken is one connection's new token, with the connection's SCIM
// endpoint URL (see EndpointURL): the identity provider needs both.
type HandoffToken struct {
	ConnectionID   string   `json:"connection_id"`
	ConnectionName string   `json:"connection_name"`
	Strategy       string   `json:"strategy"`
	TokenID        string   `json:"token_id"`
	Token          string   `json:"token"`
	Scopes         []string `json:"scopes"`
	// ValidUntil is empty for a token that never expires.
	ValidUntil string `json:"valid_until"`
	// Endpoint is the connection's SCIM endpoint URL.
	Endpoint string `json:"endpoint"`
}

// NewHandoffToken is the handoff entry of a token just issued for a connection.
func NewHandoffToken(connID, name, strategy string, t Issued) HandoffToken {
	h := HandoffToken{ConnectionID: connID, ConnectionName: name, Strategy: strategy,
		TokenID: t.ID, Token: t.Secret, Scopes: t.Scopes}
	if t.Expires() {
		h.ValidUntil = t.ValidUntil.UTC().Format(time.RFC3339)
	}
	return h
}

// HandoffFormat is the form of a handoff file, named by its extension.
type HandoffFormat string

const (
	HandoffJSON HandoffFormat = "json"
	HandoffCSV  HandoffFormat = "csv"
)

// HandoffFormatOf names the form of a handoff file by its extension.
func HandoffFormatOf(path string) (HandoffFormat, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return HandoffJSON, nil
	case ".csv":
		return HandoffCSV, nil
	}
	return "", fmt.Errorf("the handoff file %s must end in .json or .csv", path)
}

// handoffColumns are the CSV handoff's columns; scopes are separated by spaces.
var handoffColumns = []string{"connection_id", "connection_name", "strategy", "token_id", "token", "scopes", "valid_until", "endpoint"}

// legacyHandoffColumns are the columns of a handoff written before the
// endpoint column, still read by revoke --from.
var legacyHandoffColumns = handoffColumns[:7]

// Encode writes the handoff in a form.
func (h *Handoff) Encode(f HandoffFormat) ([]byte, error) {
	if h.Tokens == nil {
		h.Tokens = []HandoffToken{}
	}
	if f == HandoffJSON {
		b, err := json.MarshalIndent(h, "", "  ")
		return append(b, '\n'), err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(handoffColumns)
	for _, t := range h.Tokens {
		_ = w.Write([]string{t.ConnectionID, t.ConnectionName, t.Strategy, t.TokenID, t.Token,
			strings.Join(t.Scopes, " "), t.ValidUntil, t.Endpoint})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// TokenRef names a token of a connection, without its secret.
type TokenRef struct {
	ConnectionID string
	TokenID      string
}

// errHandoffShape is the one message for a handoff file that does not parse:
// parser messages could quote a fragment of the file, which holds secrets.
var errHandoffShape = errors.New("not a handoff file written by tokens issue (JSON with a tokens list, or CSV with the columns " +
	strings.Join(handoffColumns, ",") + ")")

// ParseHandoff reads the token references of a handoff file (its secrets are
// returned apart, so the caller can keep them out of every output) from its
// content: JSON when it starts with '{', CSV otherwise.
func ParseHandoff(data []byte) (refs []TokenRef, secrets []string, err error) {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		return parseHandoffJSON(trimmed)
	}
	return parseHandoffCSV(data)
}

func parseHandoffJSON(data []byte) ([]TokenRef, []string, error) {
	var h Handoff
	if json.Unmarshal(data, &h) != nil || h.Tokens == nil {
		return nil, nil, errHandoffShape
	}
	refs := make([]TokenRef, 0, len(h.Tokens))
	secrets := make([]string, 0, len(h.Tokens))
	for i, t := range h.Tokens {
		if t.ConnectionID == "" || t.TokenID == "" {
			return nil, nil, fmt.Errorf("token %d of the handoff file lacks connection_id or token_id", i+1)
		}
		refs = append(refs, TokenRef{ConnectionID: t.ConnectionID, TokenID: t.TokenID})
		secrets = append(secrets, t.Token)
	}
	return refs, secrets, nil
}

func parseHandoffCSV(data []byte) ([]TokenRef, []string, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) == 0 || !(equalStrings(rows[0], handoffColumns) || equalStrings(rows[0], legacyHandoffColumns)) {
		return nil, nil, errHandoffShape
	}
	var refs []TokenRef
	var secrets []string
	for i, row := range rows[1:] {
		if row[0] == "" || row[3] == "" {
			return nil, nil, fmt.Errorf("line %d of the handoff file lacks connection_id or token_id", i+2)
		}
		refs = append(refs, TokenRef{ConnectionID: row[0], TokenID: row[3]})
		secrets = append(secrets, row[4])
	}
	return refs, secrets, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimSpace(strings.TrimPrefix(a[i], "\ufeff")) != b[i] {
			return false
		}
	}
	return true
}
