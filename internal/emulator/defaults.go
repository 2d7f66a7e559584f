package emulator

import "slices"

// scimStrategies are the strategies Auth0 supports SCIM for (configure-inbound-scim docs).
var scimStrategies = map[string]bool{"samlp": true, "oidc": true, "okta": true, "waad": true}

// knownStrategies is the strategy enum of the connections API, used to validate
// the strategy query filter and created connections.
var knownStrategies = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		"ad", "adfs", "amazon", "apple", "dropbox", "bitbucket", "aol", "auth0-oidc", "auth0",
		"baidu", "bitly", "box", "custom", "daccount", "dwolla", "email", "evernote-sandbox",
		"evernote", "exact", "facebook", "fitbit", "flickr", "github", "google-apps",
		"google-oauth2", "instagram", "ip", "line", "linkedin", "miicard", "oauth1", "oauth2",
		"office365", "oidc", "okta", "paypal", "paypal-sandbox", "pingfederate",
		"planningcenter", "renren", "salesforce-community", "salesforce-sandbox", "salesforce",
		"samlp", "sharepoint", "shopify", "sms", "soundcloud", "thecity-sandbox", "thecity",
		"thirtysevensignals", "twitter", "untappd", "vkontakte", "waad", "weibo", "windowslive",
		"wordpress", "yahoo", "yammer", "yandex",
	} {
		m[s] = true
	}
	return m
}()

// DefaultMapping returns a copy of the mapping POST {} gives a connection of that
// strategy: okta as recorded (32 entries), waad as recorded (30 entries); samlp and
// oidc are not recorded and reuse the okta list. Nil for strategies without SCIM.
func DefaultMapping(strategy string) []Mapping {
	switch strategy {
	case "waad":
		return slices.Clone(waadDefaultMapping)
	case "okta", "samlp", "oidc":
		return slices.Clone(oktaDefaultMapping)
	}
	return nil
}

// defaultUserIDAttribute is externalId as recorded for okta and waad; userName for
// samlp follows the SDK's doc comment (not recorded).
func defaultUserIDAttribute(strategy string) string {
	if strategy == "samlp" {
		return "userName"
	}
	return "externalId"
}

const enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User."

// oktaDefaultMapping is the default mapping of the okta recordings
// (TestConnectionManager_CreateSCIMConfigurationWithoutBody.yaml, interaction 1).
var oktaDefaultMapping = []Mapping{
	{SCIM: "userName", Auth0: "preferred_username"},
	{SCIM: "emails[primary eq true].value", Auth0: "email"},
	{SCIM: "externalId", Auth0: "app_metadata.external_id"},
	{SCIM: "active", Auth0: "blocked"},
	{SCIM: "displayName", Auth0: "name"},
	{SCIM: "name.givenName", Auth0: "given_name"},
	{SCIM: "name.familyName", Auth0: "family_name"},
	{SCIM: "name.middleName", Auth0: "app_metadata.middle_name"},
	{SCIM: "name.honorificPrefix", Auth0: "app_metadata.honorific_prefix"},
	{SCIM: "name.honorificSuffix", Auth0: "app_metadata.honorific_suffix"},
	{SCIM: "nickName", Auth0: "nickname"},
	{SCIM: `photos[type eq "photo"].value`, Auth0: "picture"},
	{SCIM: "phoneNumbers[primary eq true].value", Auth0: "app_metadata.primary_phone_number"},
	{SCIM: `phoneNumbers[type eq "mobile"].value`, Auth0: "app_metadata.mobile_phone_number"},
	{SCIM: `addresses[type eq "work"].streetAddress`, Auth0: "app_metadata.street_address"},
	{SCIM: `addresses[type eq "work"].locality`, Auth0: "app_metadata.city"},
	{SCIM: `addresses[type eq "work"].region`, Auth0: "app_metadata.state"},
	{SCIM: `addresses[type eq "work"].postalCode`, Auth0: "app_metadata.postal_code"},
	{SCIM: `addresses[type eq "work"].formatted`, Auth0: "app_metadata.postal_address"},
	{SCIM: `addresses[type eq "work"].country`, Auth0: "app_metadata.country"},
	{SCIM: "profileUrl", Auth0: "app_metadata.profile_url"},
	{SCIM: "userType", Auth0: "app_metadata.user_type"},
	{SCIM: "title", Auth0: "app_metadata.title"},
	{SCIM: "preferredLanguage", Auth0: "app_metadata.language"},
	{SCIM: "locale", Auth0: "app_metadata.locale"},
	{SCIM: "timezone", Auth0: "app_metadata.timezone"},
	{SCIM: enterpriseUser + "employeeNumber", Auth0: "app_metadata.employee_id"},
	{SCIM: enterpriseUser + "costCenter", Auth0: "app_metadata.cost_center"},
	{SCIM: enterpriseUser + "organization", Auth0: "app_metadata.organization"},
	{SCIM: enterpriseUser + "division", Auth0: "app_metadata.division"},
	{SCIM: enterpriseUser + "department", Auth0: "app_metadata.department"},
	{SCIM: enterpriseUser + "manager", Auth0: "app_metadata.manager"},
}

// waadDefaultMapping is the default mapping of an Azure AD (strategy_version 2)
// connection (terraform-provider/TestAccSCIMToken.yaml, interaction 2).
var waadDefaultMapping = []Mapping{
	{SCIM: "userName", Auth0: "upn"},
	{SCIM: `emails[type eq "work"].value`, Auth0: "email"},
	{SCIM: "externalId", Auth0: "app_metadata.external_id"},
	{SCIM: "active", Auth0: "blocked"},
	{SCIM: "displayName", Auth0: "name"},
	{SCIM: "name.givenName", Auth0: "given_name"},
	{SCIM: "name.familyName", Auth0: "family_name"},
	{SCIM: "nickName", Auth0: "nickname"},
	{SCIM: `photos[type eq "photo"].value`, Auth0: "picture"},
	{SCIM: `phoneNumbers[type eq "work"].value`, Auth0: "app_metadata.work_phone_number"},
	{SCIM: `phoneNumbers[type eq "mobile"].value`, Auth0: "app_metadata.mobile_phone_number"},
	{SCIM: `phoneNumbers[type eq "fax"].value`, Auth0: "app_metadata.fax_number"},
	{SCIM: `addresses[type eq "work"].streetAddress`, Auth0: "app_metadata.street_address"},
	{SCIM: `addresses[type eq "work"].locality`, Auth0: "app_metadata.city"},
	{SCIM: `addresses[type eq "work"].region`, Auth0: "app_metadata.state"},
	{SCIM: `addresses[type eq "work"].postalCode`, Auth0: "app_metadata.postal_code"},
	{SCIM: `addresses[type eq "work"].formatted`, Auth0: "app_metadata.postal_address"},
	{SCIM: `addresses[type eq "work"].country`, Auth0: "app_metadata.country"},
	{SCIM: "profileUrl", Auth0: "app_metadata.profile_url"},
	{SCIM: "userType", Auth0: "app_metadata.user_type"},
	{SCIM: "title", Auth0: "app_metadata.title"},
	{SCIM: "preferredLanguage", Auth0: "app_metadata.language"},
	{SCIM: "locale", Auth0: "app_metadata.locale"},
	{SCIM: "timezone", Auth0: "app_metadata.timezone"},
	{SCIM: enterpriseUser + "employeeNumber", Auth0: "app_metadata.employee_id"},
	{SCIM: enterpriseUser + "costCenter", Auth0: "app_metadata.cost_center"},
	{SCIM: enterpriseUser + "organization", Auth0: "app_metadata.organization"},
	{SCIM: enterpriseUser + "division", Auth0: "app_metadata.division"},
	{SCIM: enterpriseUser + "department", Auth0: "app_metadata.department"},
	{SCIM: enterpriseUser + "manager", Auth0: "app_metadata.manager"},
}
