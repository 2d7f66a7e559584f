package auth0api

import (
	"context"
	"fmt"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// toSDK builds the SDK value for a write. It is always a fresh value: the
// SDK decodes the answer back into what it is given, so a snapshot kept for
// rollback must never be passed.
func toSDK(c *scim.Config) *management.SCIMConfiguration {
	uid := c.UserIDAttribute
	mapping := make([]management.SCIMConfigurationMapping, len(c.Mapping))
	for i, p := range c.Mapping {
		mapping[i] = management.SCIMConfigurationMapping{SCIM: &p.SCIM, Auth0: &p.Auth0}
	}
	return &management.SCIMConfiguration{UserIDAttribute: &uid, Mapping: &mapping}
}

// fromAnswer checks the SDK value the answer was decoded into. The request
// never sets connection_id, so its absence means the answer carried no
// configuration at all (an empty 200, a proxy's page).
func fromAnswer(id string, s *management.SCIMConfiguration) (*scim.Config, error) {
	if s.GetConnectionID() != id {
		return nil, fmt.Errorf("the answer is not the SCIM configuration of %s (connection_id %q)", id, s.GetConnectionID())
	}
	out := &scim.Config{UserIDAttribute: s.GetUserIDAttribute(), Mapping: []scim.Pair{}}
	for _, m := range s.GetMapping() {
		out.Mapping = append(out.Mapping, scim.Pair{SCIM: m.GetSCIM(), Auth0: m.GetAuth0()})
	}
	return out, nil
}

// Write sends one write and checks that the answer shows the state asked
// for (execute.Tenant). A failure that may still have changed the tenant is
// an *execute.UncertainError.
func (c *Client) Write(ctx context.Context, w execute.Write) error {
	err := c.write(ctx, w)
	if err != nil && !execute.IsFatal(err) && uncertain(err, w.Action) {
		return &execute.UncertainError{Err: err}
	}
	return err
}

func (c *Client) write(ctx context.Context, w execute.Write) error {
	id := w.ConnectionID
	if err := checkConnectionID(id); err != nil {
		return err
	}
	if w.Action == plan.ActionDelete {
		return c.Do(ctx, func(api *management.Management) error {
			return api.Connection.DeleteSCIMConfiguration(ctx, id)
		})
	}
	body := toSDK(w.After)
	err := c.Do(ctx, func(api *management.Management) error {
		if w.Action == plan.ActionCreate {
			return api.Connection.CreateSCIMConfiguration(ctx, id, body)
		}
		return api.Connection.UpdateSCIMConfiguration(ctx, id, body)
	})
	if err != nil {
		return err
	}
	got, err := fromAnswer(id, body)
	if err != nil {
		return err
	}
	if !got.Equal(w.After) {
		return fmt.Errorf("the tenant answered a different configuration than was sent (user_id_attribute %q, %d mapping entries)",
			got.UserIDAttribute, len(got.Mapping))
	}
	return nil
}
