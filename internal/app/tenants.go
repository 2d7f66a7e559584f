package app

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
	"github.com/urfave/cli/v2"
)

// namedTenant reads --tenant (or SCIM_MIGRATE_TENANT) from the tenants file
// (--config, or the default one), or returns nil when no tenant is named.
func namedTenant(c *cli.Context) (*tenantconfig.Tenant, error) {
	name := c.String("tenant")
	if name == "" {
		if c.IsSet("config") {
			return nil, &usageError{err: fmt.Errorf("--config names the tenants file: give --tenant NAME too")}
		}
		return nil, nil
	}
	path := c.String("config")
	if path == "" {
		var err error
		if path, err = tenantconfig.DefaultPath(); err != nil {
			return nil, err
		}
	}
	file, err := tenantconfig.Load(path)
	if err != nil {
		return nil, err
	}
	return file.Lookup(name)
}

// namedCredentials completes creds from the named tenant when the
// environment gave none: environment credentials win as a whole (for
// unattended runs), so a client id is never paired with another tenant's
// secret. A secret read here is redacted from every output from now on.
func (e *env) namedCredentials(t *tenantconfig.Tenant, creds auth0api.Credentials) (auth0api.Credentials, error) {
	if t == nil || creds.Token != "" || creds.ClientID != "" || creds.ClientSecret != "" {
		return creds, nil
	}
	if t.APITokenEnv != "" {
		creds.Token = e.deps.Getenv(t.APITokenEnv)
		if creds.Token == "" {
			return creds, fmt.Errorf("tenant %q: its API token comes from the environment variable %s, which is empty", t.Name, t.APITokenEnv)
		}
		e.addSecret(creds.Token)
		return creds, nil
	}
	secret, err := t.Secret(context.Background(), e.deps.Getenv)
	if err != nil {
		return creds, err
	}
	e.addSecret(secret)
	creds.ClientID, creds.ClientSecret = t.ClientID, secret
	return creds, nil
}
