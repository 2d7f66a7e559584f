// Package manifest owns the files that state what a tenant should hold:
// parsing and validating manifests (CSV, JSON, Deploy CLI), selectors, and
// writing them back out on export (manifests, Deploy CLI and Terraform files).
package manifest
