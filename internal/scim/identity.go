package scim

// Identity is who a connection is, as the tool's own documents (plans, run
// reports, result documents) name it. Connection carries the API's JSON
// tags for request and answer bodies; Identity carries the report's, and is
// embedded wherever these three travel together.
type Identity struct {
	ID       string `json:"connection_id"`
	Name     string `json:"connection_name"`
	Strategy string `json:"strategy"`
}
