package emulator

import "net/http"

// cloudflare524 imitates the HTML page Auth0's CDN serves when the origin times out
// (seen by auth0-deploy-cli users, issue #924).
const cloudflare524 = `<!DOCTYPE html>
<html lang="en-US">
<head><title>auth0.com | 524: A timeout occurred</title></head>
<body>
<div id="cf-error-details">
<h1>A timeout occurred</h1>
<span>Error code 524</span>
<p>The origin web server timed out responding to this request.</p>
<p>Cloudflare Ray ID: 7f2e1c9a8b3d4e5f</p>
</div>
</body>
</html>
`

// serverError builds an injected 5xx: Auth0-style JSON, or the CDN's HTML for 524.
func serverError(status int) reply {
	if status == 524 {
		return reply{status: status, body: []byte(cloudflare524), contentType: "text/html; charset=UTF-8"}
	}
	return errReply(status, failMessage(status), "")
}

// failMessage is the message of an error body for an injected status.
func failMessage(status int) string {
	if status == http.StatusInternalServerError {
		return "An internal server error occurred"
	}
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "Error"
}
