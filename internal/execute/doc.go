// Package execute owns every conversation with the tenant: the Management API
// client built on go-auth0, the shared rate limiter and retrying transport,
// reading the live state, the worker pool, apply and rollback.
package execute
