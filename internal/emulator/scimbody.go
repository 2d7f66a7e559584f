package emulator

import (
	"encoding/json"
	"fmt"
	"time"
)

// configBody is the SCIM configuration object, fields in the recorded order.
type configBody struct {
	TenantName      string    `json:"tenant_name"`
	ConnectionID    string    `json:"connection_id"`
	ConnectionName  string    `json:"connection_name"`
	Strategy        string    `json:"strategy"`
	Mapping         []Mapping `json:"mapping"`
	UpdatedOn       string    `json:"updated_on"`
	CreatedAt       string    `json:"created_at"`
	UserIDAttribute string    `json:"user_id_attribute"`
}

// defaultMappingItem is an item of the default-mapping answer, which Auth0 sends
// with auth0 before scim (unlike configuration bodies).
type defaultMappingItem struct {
	Auth0 string `json:"auth0"`
	SCIM  string `json:"scim"`
}

// timestamp formats like Auth0: ISO-8601, UTC, milliseconds, Z.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (t *Tenant) configBodyLocked(c *connRecord) configBody {
	mapping := c.scim.mapping
	if mapping == nil {
		mapping = []Mapping{}
	}
	return configBody{
		TenantName: t.tenantName, ConnectionID: c.id, ConnectionName: c.name, Strategy: c.strategy,
		Mapping: mapping, UpdatedOn: timestamp(c.scim.updatedOn), CreatedAt: timestamp(c.scim.createdAt),
		UserIDAttribute: c.scim.userIDAttribute,
	}
}

// configInput is a validated POST or PATCH body.
type configInput struct {
	userIDAttribute *string
	mapping         []Mapping // nil when absent
}

var configProperties = []string{"user_id_attribute", "mapping"}

// parseConfigBody validates a SCIM configuration payload. PATCH (full=true) needs
// both properties; POST accepts none, {} or null (additionalProperties is false
// for both, per the OAS).
func parseConfigBody(body []byte, full bool) (configInput, *reply) {
	var in configInput
	var required []string
	if full {
		required = configProperties
	}
	obj, rep := parseObject(body, !full)
	if rep != nil {
		return in, rep
	}
	if rep := checkProperties(obj, required, configProperties); rep != nil {
		return in, rep
	}
	if raw, ok := obj["user_id_attribute"]; ok {
		var s string
		if rep := typed(raw, "string", "user_id_attribute", &s); rep != nil {
			return in, rep
		}
		in.userIDAttribute = &s
	}
	if raw, ok := obj["mapping"]; ok {
		m, rep := parseMapping(raw)
		if rep != nil {
			return in, rep
		}
		in.mapping = m
	}
	return in, nil
}

// parseMapping checks the types of the mapping items, then that each has a
// non-empty scim and auth0: "Invalid mapping provided" is the OAS-documented 400,
// its exact trigger is extrapolated. Unknown item properties are dropped.
func parseMapping(raw json.RawMessage) ([]Mapping, *reply) {
	var items []json.RawMessage
	if rep := typed(raw, "array", "mapping", &items); rep != nil {
		return nil, rep
	}
	out := make([]Mapping, 0, len(items))
	for i, item := range items {
		var obj map[string]json.RawMessage
		if rep := typed(item, "object", fmt.Sprintf("mapping[%d]", i), &obj); rep != nil {
			return nil, rep
		}
		var m Mapping
		fields := []struct {
			key string
			dst *string
		}{{"scim", &m.SCIM}, {"auth0", &m.Auth0}}
		for _, f := range fields {
			if v, ok := obj[f.key]; ok {
				if rep := typed(v, "string", fmt.Sprintf("mapping[%d].%s", i, f.key), f.dst); rep != nil {
					return nil, rep
				}
			}
		}
		if m.SCIM == "" || m.Auth0 == "" {
			rep := invalidBody("Invalid mapping provided")
			return nil, &rep
		}
		out = append(out, m)
	}
	return out, nil
}
