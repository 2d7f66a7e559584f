package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// maxPayload is hapi's default payload limit, which Auth0's API keeps.
const maxPayload = 1 << 20

// payload is a request body read when the request arrives: reading it whole is
// what lets net/http notice a client that goes away during the latency wait.
type payload struct {
	data []byte
	err  *reply // the 400, 413 or 415 to answer if a handler needs the body
}

func readPayload(r *http.Request) payload {
	data, rep := readBody(r)
	return payload{data: data, err: rep}
}

// readBody reads a JSON request body. A body with a Content-Type that is not JSON
// is refused with 415, and one over 1 MiB with 413 (extrapolated from hapi's defaults).
func readBody(r *http.Request) ([]byte, *reply) {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxPayload))
	if err != nil {
		var tooBig *http.MaxBytesError
		rep := errReply(http.StatusBadRequest, "Invalid request payload", "")
		if errors.As(err, &tooBig) {
			rep = errReply(http.StatusRequestEntityTooLarge,
				fmt.Sprintf("Payload content length greater than maximum allowed: %d", maxPayload), "")
		}
		return nil, &rep
	}
	data = bytes.TrimSpace(data)
	if ct := r.Header.Get("Content-Type"); len(data) > 0 && ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			rep := errReply(http.StatusUnsupportedMediaType, "Unsupported Media Type", "")
			return nil, &rep
		}
	}
	return data, nil
}

// jsonType names the JSON type of a valid value the way Auth0's schema validator does.
func jsonType(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "number"
	}
	return "integer"
}

// parseObject decodes a payload that must be a JSON object. An empty body is
// null: accepted (nil map) when nullable, a type error otherwise.
func parseObject(body []byte, nullable bool) (map[string]json.RawMessage, *reply) {
	if len(body) == 0 {
		body = []byte("null")
	}
	if !json.Valid(body) {
		rep := malformedJSON()
		return nil, &rep
	}
	switch typ := jsonType(body); {
	case typ == "null" && nullable:
		return nil, nil
	case typ != "object":
		rep := payloadError("Expected type object but found type " + typ)
		return nil, &rep
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		rep := malformedJSON()
		return nil, &rep
	}
	return obj, nil
}

// checkProperties reports the first missing required property, then any property
// outside allowed (all of them, sorted, comma separated).
func checkProperties(obj map[string]json.RawMessage, required, allowed []string) *reply {
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			rep := payloadError("Missing required property: " + k)
			return &rep
		}
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		rep := payloadError("Additional properties not allowed: " + strings.Join(extra, ","))
		return &rep
	}
	return nil
}

// typed decodes raw into v after checking its JSON type against want.
func typed(raw json.RawMessage, want, property string, v any) *reply {
	if got := jsonType(raw); got != want && (want != "number" || got != "integer") {
		rep := payloadPropertyError(fmt.Sprintf("Expected type %s but found type %s", want, got), property)
		return &rep
	}
	if err := json.Unmarshal(raw, v); err != nil {
		rep := malformedJSON()
		return &rep
	}
	return nil
}

// stringList decodes an array of strings, naming the offending item on a type error.
func stringList(raw json.RawMessage, property string) ([]string, *reply) {
	var items []json.RawMessage
	if rep := typed(raw, "array", property, &items); rep != nil {
		return nil, rep
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		var s string
		if rep := typed(item, "string", fmt.Sprintf("%s[%d]", property, i), &s); rep != nil {
			return nil, rep
		}
		out = append(out, s)
	}
	return out, nil
}
