package emulator

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// query wraps the parsed query string of a request and validates it the way
// Auth0's schema validator does: unknown parameters and repeated scalar
// parameters are refused with 400 invalid_query_string. Messages are extrapolated.
type query struct {
	vals url.Values
}

func parseQuery(raw string, allowed ...string) (query, *reply) {
	vals, err := url.ParseQuery(raw)
	if err != nil {
		rep := queryError("Invalid query string", "")
		return query{}, &rep
	}
	var extra []string
	for k := range vals {
		if !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		rep := queryError("Additional properties not allowed: "+strings.Join(extra, ","), "")
		return query{}, &rep
	}
	return query{vals: vals}, nil
}

func (q query) has(name string) bool { return q.vals.Has(name) }

// single returns the only value of a scalar parameter.
func (q query) single(name, typ string) (string, bool, *reply) {
	vs, ok := q.vals[name]
	if !ok {
		return "", false, nil
	}
	if len(vs) > 1 {
		rep := queryError(fmt.Sprintf("Expected type %s but found type array", typ), name)
		return "", true, &rep
	}
	return vs[0], true, nil
}

// integer returns an integer parameter within [lo, hi], or def when absent.
func (q query) integer(name string, lo, hi, def int) (int, *reply) {
	s, ok, rep := q.single(name, "integer")
	if !ok || rep != nil {
		return def, rep
	}
	n, err := strconv.Atoi(s)
	var r reply
	switch {
	case err != nil:
		r = queryError("Expected type integer but found type string", name)
	case n < lo:
		r = queryError(fmt.Sprintf("Value %d is less than minimum %d", n, lo), name)
	case hi > 0 && n > hi:
		r = queryError(fmt.Sprintf("Value %d is greater than maximum %d", n, hi), name)
	default:
		return n, nil
	}
	return def, &r
}

// boolean returns a true/false parameter, or def when absent.
func (q query) boolean(name string, def bool) (bool, *reply) {
	s, ok, rep := q.single(name, "boolean")
	if !ok || rep != nil {
		return def, rep
	}
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	r := queryError("Expected type boolean but found type string", name)
	return def, &r
}

// text returns a non-empty string parameter.
func (q query) text(name string) (string, *reply) {
	s, ok, rep := q.single(name, "string")
	if ok && rep == nil && s == "" {
		r := queryError("String is too short (0 chars), minimum 1", name)
		rep = &r
	}
	return s, rep
}

// projection reads fields and include_fields.
func (q query) projection() (projection, *reply) {
	fields, rep := q.text("fields")
	if rep != nil {
		return projection{}, rep
	}
	include, rep := q.boolean("include_fields", true)
	if rep != nil || fields == "" {
		return projection{}, rep
	}
	p := projection{fields: map[string]bool{}, include: include}
	for _, f := range strings.Split(fields, ",") {
		if f = strings.TrimSpace(f); f != "" {
			p.fields[f] = true
		}
	}
	return p, nil
}

func parseProjectionQuery(raw string) (projection, *reply) {
	q, rep := parseQuery(raw, "fields", "include_fields")
	if rep != nil {
		return projection{}, rep
	}
	return q.projection()
}

// Checkpoint cursors are opaque to clients; they carry the last id returned, so a
// page never depends on connections created or deleted meanwhile.
const cursorPrefix = "cp1:"

func encodeCursor(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + lastID))
}

// from reads the from parameter: "" when absent or empty (the first page,
// as go-auth0's From("") asks; extrapolated). What it means is the
// listing's to say (see startFromLocked).
func (q query) from() (string, *reply) {
	s, ok, rep := q.single("from", "string")
	if !ok || rep != nil {
		return "", rep
	}
	return s, nil
}
