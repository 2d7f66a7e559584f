package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var (
	connIDPattern  = regexp.MustCompile(`^con_[A-Za-z0-9]+$`)
	tokenIDPattern = regexp.MustCompile(`^tok_[A-Za-z0-9]+$`)
)

// route is what the path and method of a request designate. Paths are split on
// the escaped form, so "%2F" inside an id never changes the route; each segment
// is decoded only afterwards, then validated.
type route struct {
	kind    string
	rawConn string // the connection id segment as sent (escaped)
	connID  string // decoded and valid, or empty
	tokenID string
	pathErr *reply
}

// scopeOf is the scope each kind requires.
var scopeOf = map[string]string{
	KindConnectionsList:    "read:connections",
	KindConnectionsGet:     "read:connections",
	KindConnectionsCreate:  "create:connections",
	KindConnectionsDelete:  "delete:connections",
	KindSCIMList:           "read:scim_config",
	KindSCIMGet:            "read:scim_config",
	KindSCIMDefaultMapping: "read:scim_config",
	KindSCIMCreate:         "create:scim_config",
	KindSCIMUpdate:         "update:scim_config",
	KindSCIMDelete:         "delete:scim_config",
	KindSCIMTokensList:     "read:scim_token",
	KindSCIMTokensCreate:   "create:scim_token",
	KindSCIMTokensDelete:   "delete:scim_token",
}

// isWrite tells whether a request of that kind changes state when it succeeds.
func isWrite(kind string) bool {
	switch kind {
	case KindConnectionsCreate, KindConnectionsDelete, KindSCIMCreate, KindSCIMUpdate,
		KindSCIMDelete, KindSCIMTokensCreate, KindSCIMTokensDelete:
		return true
	}
	return false
}

// isSCIMWrite tells whether a kind is a write of a SCIM configuration or of a
// SCIM token: the writes that write hooks, the write answer delay and
// Faults.FailWrites apply to.
func isSCIMWrite(kind string) bool {
	switch kind {
	case KindSCIMCreate, KindSCIMUpdate, KindSCIMDelete, KindSCIMTokensCreate, KindSCIMTokensDelete:
		return true
	}
	return false
}

// matchRoute maps a method and an escaped path under /api/v2/ to a route.
// Anything else, including a known path with the wrong method, is KindUnknown.
func matchRoute(method, escapedPath string) route {
	rest, ok := strings.CutPrefix(escapedPath, "/api/v2/")
	if !ok {
		return route{kind: KindUnknown}
	}
	segs := strings.Split(rest, "/")
	switch {
	case len(segs) == 1 && segs[0] == "connections":
		return route{kind: pick(method, map[string]string{"GET": KindConnectionsList, "POST": KindConnectionsCreate})}
	case len(segs) == 1 && segs[0] == "connections-scim-configurations":
		return route{kind: pick(method, map[string]string{"GET": KindSCIMList})}
	case len(segs) >= 2 && segs[0] == "connections" && segs[1] != "":
		return connectionRoute(method, segs[1], segs[2:])
	}
	return route{kind: KindUnknown}
}

func pick(method string, kinds map[string]string) string {
	if k, ok := kinds[method]; ok {
		return k
	}
	return KindUnknown
}

// connectionRoute matches the routes below /api/v2/connections/{id}.
func connectionRoute(method, rawID string, tail []string) route {
	var kind, rawToken string
	switch {
	case len(tail) == 0:
		kind = pick(method, map[string]string{"GET": KindConnectionsGet, "DELETE": KindConnectionsDelete})
	case tail[0] != "scim-configuration":
		kind = KindUnknown
	case len(tail) == 1:
		kind = pick(method, map[string]string{"GET": KindSCIMGet, "POST": KindSCIMCreate, "PATCH": KindSCIMUpdate, "DELETE": KindSCIMDelete})
	case len(tail) == 2 && tail[1] == "default-mapping":
		kind = pick(method, map[string]string{"GET": KindSCIMDefaultMapping})
	case len(tail) == 2 && tail[1] == "tokens":
		kind = pick(method, map[string]string{"GET": KindSCIMTokensList, "POST": KindSCIMTokensCreate})
	case len(tail) == 3 && tail[1] == "tokens" && tail[2] != "":
		kind = pick(method, map[string]string{"DELETE": KindSCIMTokensDelete})
		rawToken = tail[2]
	default:
		kind = KindUnknown
	}
	rt := route{kind: kind, rawConn: rawID}
	if kind == KindUnknown {
		return rt
	}
	rt.connID, rt.pathErr = validPathParam(rawID, connIDPattern, "id")
	if rt.pathErr == nil && rawToken != "" {
		rt.tokenID, rt.pathErr = validPathParam(rawToken, tokenIDPattern, "tokenId")
	}
	return rt
}

// validPathParam decodes one path segment and checks it against the id pattern.
// The message imitates Auth0's z-schema wording (extrapolated: no recording).
func validPathParam(raw string, pattern *regexp.Regexp, name string) (string, *reply) {
	v, err := url.PathUnescape(raw)
	if err == nil && pattern.MatchString(v) {
		return v, nil
	}
	if err != nil {
		v = raw
	}
	rep := errReply(http.StatusBadRequest,
		fmt.Sprintf("Path validation error: 'String does not match pattern %s: %s' on property %s.", pattern, v, name),
		"invalid_uri")
	return "", &rep
}
