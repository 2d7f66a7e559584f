package options

import (
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
	"github.com/urfave/cli/v2"
)

// namedTenant reads --tenant (or SCIM_MIGRATE_TENANT) from the tenants file
// (--config, or the default one), or returns nil when no tenant is named.
func namedTenant(c *cli.Context) (*tenantconfig.Tenant, error) {
	name := c.String("tenant")
	if name == "" {
		if c.IsSet("config") {
			return nil, &cliui.UsageError{Err: fmt.Errorf("--config names the tenants file: give --tenant NAME too")}
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
