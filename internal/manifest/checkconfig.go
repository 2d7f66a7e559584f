package manifest

import (
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// CheckConfig applies to a configuration from elsewhere (a saved plan) the
// rules a manifest's values obey: no empty, overlong or invisible text, no
// SCIM attribute mapped twice. A file edited by hand then fails before
// anything is sent instead of halfway through a run. With keepUID, an empty
// user_id_attribute means "keep the live one", as in a merge entry.
func CheckConfig(c *scim.Config, keepUID bool) []string {
	if c == nil {
		return nil
	}
	var problems []string
	if c.UserIDAttribute != "" || !keepUID {
		problems = append(problems, checkValue("user_id_attribute", c.UserIDAttribute)...)
	}
	if c.Mapping == nil {
		problems = append(problems, "no mapping")
	}
	first := map[string]int{}
	for i, p := range c.Mapping {
		problems = append(problems, checkValue(fmt.Sprintf("mapping[%d].scim", i), p.SCIM)...)
		problems = append(problems, checkValue(fmt.Sprintf("mapping[%d].auth0", i), p.Auth0)...)
		if j, dup := first[p.SCIM]; dup && p.SCIM != "" {
			problems = append(problems, fmt.Sprintf("mapping[%d].scim %q is mapped twice; first at mapping[%d]", i, p.SCIM, j))
		} else if !dup {
			first[p.SCIM] = i
		}
	}
	return problems
}

// checkValue is the rule of every text value of a manifest.
func checkValue(what, value string) []string {
	if p := valueProblem(func() string { return what }, value); p != "" {
		return []string{p}
	}
	return nil
}

// valueProblem says what is wrong with a text value, or "". The value's
// name is made only for a message: formatting it for every pair of a large
// manifest would cost more than reading it.
func valueProblem(what func() string, value string) string {
	switch {
	case value == "":
		return what() + " must not be empty"
	case len(value) > MaxValueBytes:
		return fmt.Sprintf("%s is %d bytes long, more than the %d-byte limit", what(), len(value), MaxValueBytes)
	}
	if bad := badText(value); bad != "" {
		return fmt.Sprintf("%s %q %s", what(), value, bad)
	}
	return ""
}
