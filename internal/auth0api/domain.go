package auth0api

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// TenantURL is where the Management API of one tenant is reached.
type TenantURL struct {
	// URL is the scheme and host (with port, if any), nothing else.
	URL *url.URL
}

// Name identifies the tenant in plans and reports: its host, port included
// unless it is the scheme's default, in lower case.
func (t TenantURL) Name() string { return t.URL.Host }

// Key identifies the tenant however it was spelled (see TenantKey): the run
// lock and every tenant check of a plan or a report use it.
func (t TenantURL) Key() string { return TenantKey(t.Name()) }

// TenantKey identifies a tenant from the name a plan or a report records:
// case, a trailing dot and a default port do not count, and every loopback
// host (localhost, 127.0.0.0/8, ::1) is one, so two spellings of one tenant
// can neither run at once nor refuse each other's plans.
func TenantKey(name string) string {
	host, port := splitHostPort(strings.ToLower(strings.TrimSpace(name)))
	host = strings.TrimSuffix(host, ".")
	if port == "443" || port == "80" {
		port = ""
	}
	if isLoopback(host) {
		host = "localhost"
	}
	if port == "" {
		return host
	}
	return net.JoinHostPort(host, port)
}

// SameTenant reports whether two tenant names name the same tenant.
func SameTenant(a, b string) bool { return TenantKey(a) == TenantKey(b) }

// splitHostPort splits host[:port], with or without IPv6 brackets.
func splitHostPort(hp string) (host, port string) {
	if h, p, err := net.SplitHostPort(hp); err == nil {
		return h, p
	}
	return strings.Trim(hp, "[]"), ""
}

// Insecure reports whether the tenant is reached over plain HTTP, which
// ParseDomain allows only for loopback emulators.
func (t TenantURL) Insecure() bool { return t.URL.Scheme == "http" }

// ParseDomain turns --domain into a tenant URL. A bare host means https;
// http:// is accepted only for a loopback host (127.0.0.0/8, localhost,
// [::1]), so a token can never travel in clear text to a real tenant. Paths,
// queries and credentials in the value are refused rather than ignored.
func ParseDomain(domain string) (TenantURL, error) {
	d := strings.TrimSpace(domain)
	if d == "" {
		return TenantURL{}, fmt.Errorf("no tenant: set --domain or AUTH0_DOMAIN (e.g. acme.eu.auth0.com)")
	}
	if !strings.Contains(d, "://") {
		d = "https://" + d
	}
	u, err := url.Parse(d)
	if err != nil {
		return TenantURL{}, fmt.Errorf("invalid --domain %q: %w", domain, err)
	}
	if err := checkDomainURL(u); err != nil {
		return TenantURL{}, fmt.Errorf("invalid --domain %q: %w", domain, err)
	}
	return TenantURL{URL: &url.URL{Scheme: u.Scheme, Host: normalHost(u)}}, nil
}

// normalHost is the URL's host in lower case, without a trailing dot or the
// scheme's default port.
func normalHost(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

func checkDomainURL(u *url.URL) error {
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("scheme %q is not supported, use https", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("no host")
	case u.User != nil:
		return fmt.Errorf("credentials do not belong in the domain")
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("give only the tenant's host, without a path or query")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("plain http:// is allowed only for a loopback host (127.0.0.0/8, localhost, [::1]) such as a local emulator; use https")
	}
	return nil
}

func isLoopback(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
