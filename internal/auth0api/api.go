package auth0api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// pageSize is the largest page the Management API serves.
const pageSize = 100

// checkConnectionID refuses an id that is not of Auth0's form right before
// it becomes part of a URL, whatever file it came from.
func checkConnectionID(id string) error {
	if !scim.ValidConnectionID(id) {
		return fmt.Errorf("invalid connection id %q: expected con_ followed by letters and digits", id)
	}
	return nil
}

// scimConfigBody is a SCIM configuration as the API answers it. It is decoded
// by the tool rather than into the SDK's SCIMConfiguration, which in v1.45.0
// reads updated_at where the API sends updated_on.
type scimConfigBody struct {
	ConnectionID    string       `json:"connection_id"`
	ConnectionName  string       `json:"connection_name"`
	Strategy        string       `json:"strategy"`
	UserIDAttribute *string      `json:"user_id_attribute"`
	Mapping         *[]scim.Pair `json:"mapping"`
	UpdatedOn       string       `json:"updated_on"`
}

// config checks that the answer carries both writable fields: an answer
// without them (an empty 200, a proxy page) must not pass for an empty
// configuration.
func (b *scimConfigBody) config() (*scim.Config, error) {
	if b.UserIDAttribute == nil || b.Mapping == nil {
		return nil, fmt.Errorf("malformed SCIM configuration answer for connection %q: user_id_attribute or mapping missing", b.ConnectionID)
	}
	return &scim.Config{UserIDAttribute: *b.UserIDAttribute, Mapping: *b.Mapping}, nil
}

func (b *scimConfigBody) live() (*scim.LiveConnection, error) {
	cfg, err := b.config()
	if err != nil {
		return nil, err
	}
	return &scim.LiveConnection{
		Connection: scim.Connection{ID: b.ConnectionID, Name: b.ConnectionName, Strategy: b.Strategy},
		Config:     cfg,
	}, nil
}

// scimListPage is one page of the tenant-wide listing. The list is a
// pointer so an answer without it (an empty 200) is told apart from an
// empty page: taken for an empty tenant, it would make every configuration
// look missing.
type scimListPage struct {
	Configs *[]scimConfigBody `json:"scim_configurations"`
	Next    string            `json:"next"`
}

func (p *scimListPage) configs() ([]scimConfigBody, error) {
	if p.Configs == nil {
		return nil, errors.New("malformed listing answer: no scim_configurations")
	}
	return *p.Configs, nil
}

// connectionPage is one page of the checkpoint-paginated connection listing.
type connectionPage struct {
	Connections *[]scim.Connection `json:"connections"`
	Next        string             `json:"next"`
}

func (p *connectionPage) connections() ([]scim.Connection, error) {
	if p.Connections == nil {
		return nil, errors.New("malformed listing answer: no connections")
	}
	return *p.Connections, nil
}

// listURL builds a listing URL; the SDK's URI escapes path segments only.
func listURL(api *management.Management, path string, q url.Values) string {
	return api.URI(path) + "?" + q.Encode()
}

// readConfig reads one connection's SCIM configuration. A connection without
// one gives (nil, nil); a connection that does not exist or whose strategy
// has no SCIM gives (nil, nil) with found or supported false.
func (c *Client) readConfig(ctx context.Context, id string) (live *scim.LiveConnection, found bool, err error) {
	if err := checkConnectionID(id); err != nil {
		return nil, false, err
	}
	var body scimConfigBody
	err = c.Do(ctx, func(api *management.Management) error {
		return api.Request(ctx, http.MethodGet, api.URI("connections", id, "scim-configuration"), &body)
	})
	switch classify(err) {
	case meaningNoConfig:
		return &scim.LiveConnection{Connection: scim.Connection{ID: id}}, true, nil
	case meaningNoConnection:
		return nil, false, nil
	case meaningUnsupported:
		return &scim.LiveConnection{Connection: scim.Connection{ID: id}, NoSCIM: true}, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read SCIM configuration of %s: %w", id, err)
	}
	l, err := body.live()
	return l, err == nil, err
}

func itoa(n int) string { return strconv.Itoa(n) }
