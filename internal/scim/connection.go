package scim

import "regexp"

// Connection identifies a live connection.
type Connection struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Strategy string `json:"strategy"`
}

// LiveConnection is a connection as read from the tenant, with its SCIM
// configuration (nil when it has none).
type LiveConnection struct {
	Connection
	Config *Config
	// NoSCIM is set when the API said the connection's strategy does not
	// support SCIM, though the strategy itself was not read.
	NoSCIM bool
}

// connectionIDPattern is the form of an Auth0 connection id.
var connectionIDPattern = regexp.MustCompile(`^con_[A-Za-z0-9]+$`)

// ValidConnectionID reports whether id has the form of an Auth0 connection
// id: con_ followed by letters and digits. It is the one rule for ids, checked
// in every file the tool reads and again right before an id becomes part of a
// request path, so that no id can change a request's path or query.
func ValidConnectionID(id string) bool { return connectionIDPattern.MatchString(id) }
