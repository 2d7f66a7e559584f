package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
)

// connNamePattern is the connection name rule Auth0 enforces: letters, digits and
// single hyphens, starting and ending with a letter or digit.
var connNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`)

// field is one property of a rendered connection; order is the recorded one.
type field struct {
	key   string
	value any
}

func (c *connRecord) fields() []field {
	enabled := c.enabledClients
	if enabled == nil {
		enabled = []string{}
	}
	fs := []field{
		{"id", c.id}, {"options", c.options}, {"strategy", c.strategy}, {"name", c.name},
		{"is_domain_connection", c.isDomain}, {"show_as_button", c.showAsButton},
		{"display_name", c.displayName}, {"enabled_clients", enabled}, {"realms", c.realms},
	}
	if c.metadata != nil {
		fs = append(fs, field{"metadata", c.metadata})
	}
	return fs
}

// projection is the fields/include_fields query: keep (or drop) the listed fields.
type projection struct {
	fields  map[string]bool
	include bool
}

func (p projection) keeps(key string) bool {
	if len(p.fields) == 0 {
		return true
	}
	return p.fields[key] == p.include
}

// render writes the connection as a JSON object with the projected fields, in order.
func (c *connRecord) render(p projection) json.RawMessage {
	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, f := range c.fields() {
		if !p.keeps(f.key) {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(encodeJSON(f.key))
		buf.WriteByte(':')
		buf.Write(encodeJSON(f.value))
		n++
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func (t *Tenant) getConnection(r *http.Request, id string) reply {
	p, rep := parseProjectionQuery(r.URL.RawQuery)
	if rep != nil {
		return *rep
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.conns[id]
	if c == nil {
		return inexistentConnection()
	}
	return reply{status: http.StatusOK, body: c.render(p)}
}

// deleteConnection answers 202 {"deleted_at"} the first time and 204 afterwards
// (recorded); 204 also for ids that never existed (extrapolated).
func (t *Tenant) deleteConnection(id string) reply {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conns[id] == nil {
		return emptyReply(http.StatusNoContent)
	}
	t.removeLocked(id)
	return jsonReply(http.StatusAccepted, map[string]string{"deleted_at": timestamp(t.now())})
}

var connectionProperties = []string{"name", "display_name", "strategy", "options", "enabled_clients",
	"is_domain_connection", "show_as_button", "realms", "metadata"}

// createConnection answers POST /api/v2/connections: enough of Auth0's validation
// to replay the recordings strictly; options are stored and echoed as posted.
func (t *Tenant) createConnection(pl payload) reply {
	body, rep := pl.data, pl.err
	if rep != nil {
		return *rep
	}
	obj, rep := parseObject(body, false)
	if rep == nil {
		rep = checkProperties(obj, []string{"name", "strategy"}, connectionProperties)
	}
	if rep != nil {
		return *rep
	}
	c, rep := connectionFromBody(obj)
	if rep != nil {
		return *rep
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byName[c.name] != "" {
		return errReply(http.StatusConflict, "A connection with the same name already exists", "connection_conflict")
	}
	c.id = t.freshIDLocked()
	t.insertLocked(c)
	return reply{status: http.StatusCreated, body: c.render(projection{})}
}

// connectionFromBody checks the types of a create body and builds the record.
func connectionFromBody(obj map[string]json.RawMessage) (*connRecord, *reply) {
	c := &connRecord{options: json.RawMessage(`{}`)}
	if rep := typed(obj["name"], "string", "name", &c.name); rep != nil {
		return nil, rep
	}
	if !connNamePattern.MatchString(c.name) || len(c.name) > 128 {
		rep := payloadPropertyError(fmt.Sprintf("String does not match pattern %s: %s", connNamePattern, c.name), "name")
		return nil, &rep
	}
	if rep := typed(obj["strategy"], "string", "strategy", &c.strategy); rep != nil {
		return nil, rep
	}
	if !knownStrategies[c.strategy] {
		rep := payloadPropertyError(fmt.Sprintf("No enum match for: %q", c.strategy), "strategy")
		return nil, &rep
	}
	c.displayName, c.realms = c.name, []string{c.name}
	if rep := optionalFields(obj, c); rep != nil {
		return nil, rep
	}
	return c, nil
}

func optionalFields(obj map[string]json.RawMessage, c *connRecord) *reply {
	var rep *reply
	decode := func(key, typ string, dst any) {
		if raw, ok := obj[key]; ok && rep == nil {
			rep = typed(raw, typ, key, dst)
		}
	}
	decode("display_name", "string", &c.displayName)
	decode("is_domain_connection", "boolean", &c.isDomain)
	decode("show_as_button", "boolean", &c.showAsButton)
	decode("options", "object", &c.options)
	decode("metadata", "object", &c.metadata)
	if raw, ok := obj["enabled_clients"]; ok && rep == nil {
		c.enabledClients, rep = stringList(raw, "enabled_clients")
	}
	if raw, ok := obj["realms"]; ok && rep == nil {
		c.realms, rep = stringList(raw, "realms")
	}
	return rep
}
