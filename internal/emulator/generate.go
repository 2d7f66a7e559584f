package emulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

var generatedCompanies = []string{
	"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell",
	"cyberdyne", "soylent", "aperture", "massive", "vandelay", "gringotts", "oscorp",
}

// generatedStrategies are weighted like a B2B tenant: mostly SCIM-capable
// enterprise connections, about 5% without SCIM support.
var generatedStrategies = []weightedStrategy{
	{"okta", "okta", 28}, {"samlp", "saml", 27}, {"oidc", "oidc", 20}, {"waad", "azure", 20},
	{"auth0", "db", 2}, {"google-apps", "gworkspace", 2}, {"adfs", "adfs", 1},
}

// customTargets are attribute pairs seen in real configurations, used to vary mappings.
var customTargets = []Mapping{
	{SCIM: "userName", Auth0: "username"},
	{SCIM: "userName", Auth0: "email"},
	{SCIM: "emails[primary eq true].value", Auth0: "email"},
	{SCIM: "name.givenName", Auth0: "given_name"},
	{SCIM: "name.familyName", Auth0: "family_name"},
	{SCIM: "title", Auth0: "app_metadata.job_title"},
	{SCIM: enterpriseUser + "department", Auth0: "app_metadata.dept"},
	{SCIM: enterpriseUser + "employeeNumber", Auth0: "app_metadata.employee_number"},
	{SCIM: enterpriseUser + "manager", Auth0: "app_metadata.manager_id"},
	{SCIM: "locale", Auth0: "app_metadata.locale"},
}

// Generate returns n realistic connections, deterministic for the seed: unique
// con_ ids and names, about 95% SCIM-capable strategies of which about 85% have a
// configuration (the strategy default, a prefix of it, a short custom mapping, or
// the default with renamed targets).
func Generate(n int, seed int64) []Connection {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	taken := map[string]bool{}
	out := make([]Connection, 0, max(n, 0))
	for i := range n {
		s := pickStrategy(rng)
		company := generatedCompanies[rng.IntN(len(generatedCompanies))]
		c := Connection{
			ID:       generatedID(rng, taken),
			Name:     fmt.Sprintf("%s-%s-%05d", company, s.label, i+1),
			Strategy: s.strategy,
		}
		if scimStrategies[s.strategy] && rng.Float64() < 0.85 {
			c.SCIM = generatedConfig(rng, s.strategy)
		}
		out = append(out, c)
	}
	return out
}

type weightedStrategy struct {
	strategy, label string // label appears in generated names
	weight          int
}

func pickStrategy(rng *rand.Rand) weightedStrategy {
	total := 0
	for _, s := range generatedStrategies {
		total += s.weight
	}
	u := rng.IntN(total)
	for _, s := range generatedStrategies {
		if u < s.weight {
			return s
		}
		u -= s.weight
	}
	return generatedStrategies[0]
}

func generatedID(rng *rand.Rand, taken map[string]bool) string {
	for {
		b := make([]byte, 16)
		for i := range b {
			b[i] = alnum[rng.IntN(len(alnum))]
		}
		if id := "con_" + string(b); !taken[id] {
			taken[id] = true
			return id
		}
	}
}

func generatedConfig(rng *rand.Rand, strategy string) *SCIMConfig {
	base := DefaultMapping(strategy)
	var mapping []Mapping
	switch rng.IntN(4) {
	case 0:
		mapping = base
	case 1:
		mapping = base[:2+rng.IntN(len(base)-1)]
	case 2:
		mapping = pickCustom(rng, 2+rng.IntN(5))
	default:
		mapping = renamed(rng, base)
	}
	return &SCIMConfig{UserIDAttribute: generatedUserID(rng, strategy), Mapping: slices.Clip(mapping)}
}

// pickCustom takes up to k custom pairs with distinct scim attributes.
func pickCustom(rng *rand.Rand, k int) []Mapping {
	var out []Mapping
	for _, i := range rng.Perm(len(customTargets)) {
		m := customTargets[i]
		if len(out) == k {
			break
		}
		if !slices.ContainsFunc(out, func(o Mapping) bool { return o.SCIM == m.SCIM }) {
			out = append(out, m)
		}
	}
	return out
}

// renamed rewrites a few app_metadata targets, as tenants do to fit their user model.
func renamed(rng *rand.Rand, base []Mapping) []Mapping {
	out := slices.Clone(base)
	for i := range out {
		if rng.IntN(6) == 0 {
			out[i].Auth0 = fmt.Sprintf("app_metadata.custom_%02d", i)
		}
	}
	return out
}

func generatedUserID(rng *rand.Rand, strategy string) string {
	u := rng.Float64()
	switch {
	case strategy == "samlp" && u < 0.7, strategy != "samlp" && u >= 0.7 && u < 0.9:
		return "userName"
	case u >= 0.9:
		return "emails[primary eq true].value"
	}
	return "externalId"
}
