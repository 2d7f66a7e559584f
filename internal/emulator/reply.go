package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

const jsonContentType = "application/json; charset=utf-8"

// reply is an answer computed before it is written, so that an injected fault can
// replace it after the effect took place, and so that it can be logged.
type reply struct {
	status      int
	body        []byte
	contentType string // empty means JSON
	header      http.Header
}

// apiError is Auth0's Boom-style error body; errorCode and attributes are optional.
type apiError struct {
	StatusCode int         `json:"statusCode"`
	Error      string      `json:"error"`
	Message    string      `json:"message"`
	ErrorCode  string      `json:"errorCode,omitempty"`
	Attributes *errorAttrs `json:"attributes,omitempty"`
}

type errorAttrs struct {
	Error string `json:"error"`
}

// encodeJSON marshals like Node's JSON.stringify does for our values: no HTML
// escaping of <, > and &, no trailing newline.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("emulator: encoding %T: %v", v, err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func jsonReply(status int, v any) reply {
	return reply{status: status, body: encodeJSON(v)}
}

func emptyReply(status int) reply {
	return reply{status: status}
}

func errReply(status int, message, code string) reply {
	return jsonReply(status, apiError{StatusCode: status, Error: http.StatusText(status), Message: message, ErrorCode: code})
}

// The three 404 bodies of the SCIM routes; only message and errorCode tell them apart.
const unsupportedSCIMMessage = "This connection type does not support SCIM. Please see our documentation for the currently supported connection types: https://auth0.com/docs/authenticate/protocols/scim/configure-inbound-scim."

func notFound() reply { return errReply(http.StatusNotFound, "Not Found", "") }

func inexistentConnection() reply {
	return errReply(http.StatusNotFound, "The connection does not exist", "inexistent_connection")
}

func unsupportedStrategy() reply { return errReply(http.StatusNotFound, unsupportedSCIMMessage, "") }

func unauthorized(message string, withAttributes bool) reply {
	e := apiError{StatusCode: http.StatusUnauthorized, Error: "Unauthorized", Message: message}
	if withAttributes {
		e.Attributes = &errorAttrs{Error: message}
	}
	return jsonReply(http.StatusUnauthorized, e)
}

func insufficientScope(scope string) reply {
	return errReply(http.StatusForbidden, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
}

func tooManyRequests() reply {
	return errReply(http.StatusTooManyRequests, "Global limit has been reached", "too_many_requests")
}

func invalidBody(message string) reply {
	return errReply(http.StatusBadRequest, message, "invalid_body")
}

func payloadError(detail string) reply {
	return invalidBody(fmt.Sprintf("Payload validation error: '%s'.", detail))
}

func payloadPropertyError(detail, property string) reply {
	return invalidBody(fmt.Sprintf("Payload validation error: '%s' on property %s.", detail, property))
}

func queryError(detail, property string) reply {
	msg := fmt.Sprintf("Query validation error: '%s'.", detail)
	if property != "" {
		msg = fmt.Sprintf("Query validation error: '%s' on property %s.", detail, property)
	}
	return errReply(http.StatusBadRequest, msg, "invalid_query_string")
}

// invalidCursor is the OAS-documented 400 of both checkpoint listings; the real
// body's errorCode is unknown, so none is sent.
func invalidCursor() reply { return errReply(http.StatusBadRequest, "Invalid pagination cursor", "") }

func malformedJSON() reply {
	return errReply(http.StatusBadRequest, "Invalid request payload JSON format", "")
}

// write sends the reply. 204 answers keep the JSON Content-Type, as recorded.
func (rep reply) write(w http.ResponseWriter) {
	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	ct := rep.contentType
	if ct == "" {
		ct = jsonContentType
	}
	h.Set("Content-Type", ct)
	if rep.body != nil {
		h.Set("Content-Length", fmt.Sprint(len(rep.body)))
	}
	w.WriteHeader(rep.status)
	if rep.body != nil {
		_, _ = w.Write(rep.body)
	}
}
