package manifest

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// TerraformResourceType is the Auth0 provider's resource for one
// connection's SCIM configuration.
const TerraformResourceType = "auth0_connection_scim_configuration"

// WriteTerraform writes, for each connection, an
// auth0_connection_scim_configuration resource stating its live
// configuration and an import block (Terraform 1.5 and later) that adopts
// it by connection id, so that `terraform plan` shows the adoption and no
// change. Resource names are made from connection names as `auth0 tf
// generate` makes them (TerraformName); see TerraformNames for uniqueness.
func WriteTerraform(w io.Writer, conns []ExportedConnection) error {
	names := TerraformNames(conns)
	var b bytes.Buffer
	b.WriteString("# SCIM configurations exported by scim-migrate: one resource and one import block per connection.\n")
	b.WriteString("# Import blocks need Terraform 1.5 or later.\n")
	for i := range conns {
		writeTerraformResource(&b, &conns[i], names[i])
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write Terraform: %w", err)
	}
	return nil
}

func writeTerraformResource(b *bytes.Buffer, c *ExportedConnection, name string) {
	fmt.Fprintf(b, "\n# connection %s (%s)\n", hclComment(c.Name), hclComment(c.Strategy))
	fmt.Fprintf(b, "resource %q %q {\n", TerraformResourceType, name)
	fmt.Fprintf(b, "  connection_id     = %s\n", hclString(c.ID))
	fmt.Fprintf(b, "  user_id_attribute = %s\n", hclString(c.Config.UserIDAttribute))
	for _, p := range c.Config.Mapping {
		fmt.Fprintf(b, "\n  mapping {\n    auth0 = %s\n    scim  = %s\n  }\n", hclString(p.Auth0), hclString(p.SCIM))
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(b, "import {\n  to = %s.%s\n  id = %s\n}\n", TerraformResourceType, name, hclString(c.ID))
}

// hclString quotes s as an HCL string literal: besides JSON-like escapes,
// "${" and "%{" would start a template, so they are doubled.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cf, r) || (r >= 0x80 && r <= 0x9f):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hclComment makes s safe on a one-line comment.
func hclComment(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

var (
	tfInvalid       = regexp.MustCompile(`[^a-zA-Z0-9_]+`)
	tfLeadingDigits = regexp.MustCompile(`^[0-9-]+`)
)

// TerraformName is a resource name made from a connection name as `auth0
// tf generate` makes it: runs of characters other than letters, digits and
// "_" become "_", leading digits are dropped, "_" is trimmed at both ends,
// and the result is lowercased.
func TerraformName(name string) string {
	s := tfInvalid.ReplaceAllString(name, "_")
	s = tfLeadingDigits.ReplaceAllString(s, "")
	return strings.ToLower(strings.Trim(s, "_"))
}

// TerraformNames gives each connection a unique resource name that depends
// only on the connection itself, so that it is stable across exports: its
// TerraformName, or where that is empty or shared by several connections,
// that name followed by its connection id (lowercased); a connection id is
// unique in a tenant.
func TerraformNames(conns []ExportedConnection) []string {
	base := make([]string, len(conns))
	count := map[string]int{}
	for i := range conns {
		base[i] = TerraformName(conns[i].Name)
		count[base[i]]++
	}
	names := make([]string, len(conns))
	used := map[string]bool{}
	for i := range conns {
		if base[i] != "" && count[base[i]] == 1 {
			names[i] = base[i]
			used[names[i]] = true
		}
	}
	for i := range conns {
		if names[i] != "" {
			continue
		}
		n := strings.Trim(base[i]+"_"+TerraformName(strings.ToLower(conns[i].ID)), "_")
		for k := 2; used[n]; k++ {
			n = fmt.Sprintf("%s_%s_%d", base[i], strings.ToLower(conns[i].ID), k)
		}
		names[i] = n
		used[n] = true
	}
	return names
}
