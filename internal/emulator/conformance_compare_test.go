package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// compareFull checks that the body has the recorded fields, in the recorded
// order, with the recorded values, except the values the emulator makes itself.
func (rp *replay) compareFull(what, want string, got []byte) string {
	if strings.TrimSpace(want) == "" {
		if len(got) != 0 {
			rp.t.Errorf("%s: body %s, recorded none", what, got)
			return "FAILED: unexpected body"
		}
		return "status, empty body"
	}
	wantPaths, err1 := keyPaths([]byte(want))
	gotPaths, err2 := keyPaths(got)
	if err1 != nil || err2 != nil {
		rp.t.Errorf("%s: bodies are not JSON: recorded %v, emulator %v (%s)", what, err1, err2, got)
		return "FAILED: not JSON"
	}
	if strings.Join(wantPaths, " ") != strings.Join(gotPaths, " ") {
		rp.t.Errorf("%s: fields differ\nrecorded %v\nemulator %v", what, wantPaths, gotPaths)
		return "FAILED: fields"
	}
	var w, g any
	_ = json.Unmarshal([]byte(want), &w)
	_ = json.Unmarshal(got, &g)
	if diffs := rp.diff("$", w, g); len(diffs) > 0 {
		rp.t.Errorf("%s: values differ:\n  %s", what, strings.Join(diffs, "\n  "))
		return "FAILED: values"
	}
	return fmt.Sprintf("status, full body (%d fields)", len(wantPaths))
}

var timestampPattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// scimTokenPattern is the form of a real SCIM token (TestAccSCIMToken.yaml id
// 4): its token_id (tok_ and 16 alphanumerics), a dot, 64 hex digits.
var scimTokenPattern = regexp.MustCompile(`^(tok_[A-Za-z0-9]{16})\.[0-9a-f]{64}$`)

// tokenForm checks a SCIM token's secret for its form, and the recorded one
// too unless the recorder redacted it.
func tokenForm(path string, want any, got string) []string {
	var out []string
	if ws, _ := want.(string); ws != "[REDACTED]" && !scimTokenPattern.MatchString(ws) {
		out = append(out, fmt.Sprintf("%s: recorded token %q has an unknown form", path, ws))
	}
	if !scimTokenPattern.MatchString(got) {
		out = append(out, fmt.Sprintf("%s: %q is not tok_<16 alphanumerics>.<64 hex digits>", path, got))
	}
	return out
}

// diff compares decoded JSON; ids are compared through the id map, timestamps
// and token values only for their form.
func (rp *replay) diff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		var out []string
		for k, wv := range w {
			out = append(out, rp.diffField(path+"."+k, k, wv, g[k])...)
		}
		if tok, ok := g["token"].(string); ok {
			if id, _ := g["token_id"].(string); !strings.HasPrefix(tok, id+".") {
				out = append(out, fmt.Sprintf("%s.token: does not start with its token_id %q", path, id))
			}
		}
		return out
	case []any:
		g, _ := got.([]any)
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %d items, recorded %d", path, len(g), len(w))}
		}
		var out []string
		for i := range w {
			out = append(out, rp.diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return []string{fmt.Sprintf("%s: %v, recorded %v", path, got, want)}
	}
	return nil
}

func (rp *replay) diffField(path, key string, want, got any) []string {
	gs, _ := got.(string)
	switch key {
	case "created_at", "updated_on", "deleted_at", "valid_until", "last_used_at":
		if !timestampPattern.MatchString(gs) {
			return []string{fmt.Sprintf("%s: %v is not an Auth0 timestamp", path, got)}
		}
		return nil
	case "token":
		return tokenForm(path, want, gs)
	case "connection_id", "token_id", "id":
		if ws, _ := want.(string); rp.mapIDs(ws) != gs {
			return []string{fmt.Sprintf("%s: %v, recorded %v (mapped %s)", path, got, want, rp.mapIDs(ws))}
		}
		return nil
	}
	return rp.diff(path, want, got)
}

// compareConnection checks what the tool relies on in connection answers: id,
// name and strategy (of the object, or of each listed connection).
func (rp *replay) compareConnection(what, want string, got []byte) string {
	var w, g map[string]any
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal(got, &g) != nil {
		rp.t.Errorf("%s: bodies are not JSON objects: %s", what, got)
		return "FAILED: not JSON"
	}
	if _, ok := w["deleted_at"]; ok {
		return rp.verdict(what, rp.diffField("$.deleted_at", "deleted_at", w["deleted_at"], g["deleted_at"]), "status, deleted_at")
	}
	var diffs []string
	for _, k := range []string{"id", "name", "strategy"} {
		diffs = append(diffs, rp.diffField("$."+k, k, w[k], g[k])...)
	}
	return rp.verdict(what, diffs, "status, id, name, strategy")
}

func (rp *replay) verdict(what string, diffs []string, ok string) string {
	if len(diffs) > 0 {
		rp.t.Errorf("%s: %s", what, strings.Join(diffs, "; "))
		return "FAILED: " + strings.Join(diffs, "; ")
	}
	return ok
}

// keyPaths lists the paths of every object key in document order, so that two
// bodies with the same keys in a different order are told apart.
func keyPaths(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []string
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				p := fmt.Sprintf("%s.%v", path, k)
				out = append(out, p)
				if err := walk(p); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	return out, walk("$")
}
