package execute

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
)

// toSDK builds the SDK value for a write. It is always a fresh value: the
// SDK decodes the answer back into what it is given, so a snapshot kept for
// rollback must never be passed.
func toSDK(c *plan.Config) *management.SCIMConfiguration {
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
func fromAnswer(id string, s *management.SCIMConfiguration) (*plan.Config, error) {
	if s.GetConnectionID() != id {
		return nil, fmt.Errorf("the answer is not the SCIM configuration of %s (connection_id %q)", id, s.GetConnectionID())
	}
	out := &plan.Config{UserIDAttribute: s.GetUserIDAttribute(), Mapping: []plan.Pair{}}
	for _, m := range s.GetMapping() {
		out.Mapping = append(out.Mapping, plan.Pair{SCIM: m.GetSCIM(), Auth0: m.GetAuth0()})
	}
	return out, nil
}

// write sends one task's write and checks that the answer shows the state
// the task asked for.
func (c *Client) write(ctx context.Context, t *Task) error {
	id := t.Conn.ID
	if err := checkConnectionID(id); err != nil {
		return err
	}
	if t.Action == report.ActionDelete {
		return c.Do(ctx, func(api *management.Management) error {
			return api.Connection.DeleteSCIMConfiguration(ctx, id)
		})
	}
	body := toSDK(t.After)
	err := c.Do(ctx, func(api *management.Management) error {
		if t.Action == report.ActionCreate {
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
	if !got.Equal(t.After) {
		return fmt.Errorf("the tenant answered a different configuration than was sent (user_id_attribute %q, %d mapping entries)",
			got.UserIDAttribute, len(got.Mapping))
	}
	return nil
}

// mayHaveTakenEffect reports whether a failed write could still have changed
// the tenant: the tenant failed (5xx), the answer was lost, or a create was
// refused because an earlier attempt of it had already succeeded.
func mayHaveTakenEffect(t *Task, err error) bool {
	if IsFatal(err) {
		return false
	}
	status := statusOf(err)
	switch {
	case status == 0 || status >= 500:
		return true
	case t.Action == report.ActionCreate && (status == http.StatusBadRequest || status == http.StatusConflict):
		return strings.Contains(err.Error(), "already exists")
	}
	return false
}

// reachedTarget reads the connection back and reports whether it is in the
// state the task wanted, whatever the write's answer said.
func (c *Client) reachedTarget(ctx context.Context, t *Task) bool {
	lc, found, err := c.readConfig(ctx, t.Conn.ID)
	if err != nil || !found {
		return false
	}
	return lc.Config.Equal(t.After)
}
