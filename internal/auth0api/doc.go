// Package auth0api owns every request to a tenant's Management API: the
// go-auth0 client under the tool's transport (pacer, pauses, retries, access
// tokens), the one classifier of answers, live reads, export and the SCIM
// token calls; its Client implements execute.Tenant and execute.TokenTenant.
package auth0api
