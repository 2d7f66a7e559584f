package scim

// Identity is who a connection is, as reports, plans and handoff files
// name it: its id, its name and its strategy, with the JSON names those
// documents use (Connection carries the API's).
type Identity struct {
	ID       string `json:"connection_id"`
	Name     string `json:"connection_name"`
	Strategy string `json:"strategy"`
}
