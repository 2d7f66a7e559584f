package scimtoken

import "net/url"

// EndpointPath is the path of a connection's inbound SCIM API under the
// tenant's domain. Auth0's rate-limit reference names
// /scim/v2/connections/{connectionId}/... for the inbound SCIM API, and
// Auth0's own UI components build the endpoint URL from the tenant domain
// this way (sources in the README): an identity provider needs this URL
// next to the token.
const EndpointPath = "/scim/v2/connections/"

// EndpointURL is the SCIM endpoint URL of a connection of the tenant at
// tenantURL (scheme and host, as https://acme.eu.auth0.com).
func EndpointURL(tenantURL, connectionID string) string {
	if connectionID == "" {
		return ""
	}
	return tenantURL + EndpointPath + url.PathEscape(connectionID)
}
