// Package ramclient is the provider's only door to Alibaba Cloud RAM and STS: one typed method per
// action over alibaba-cloud-sdk-go, with error classes, retries, rate limiting, read coalescing,
// eventual-consistency handling, call counting and tflog logging.
package ramclient

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aliyun/credentials-go/credentials"
)

// Config configures a Client. One Client talks to one account.
type Config struct {
	Credentials       credentials.Credential // GetCredential() is called per request (it caches/refreshes)
	Region            string                 // "cn-hangzhou" when empty
	RAMEndpoint       string                 // URL; "" => https://ram.aliyuncs.com
	STSEndpoint       string                 // URL; "" => https://sts.<region>.aliyuncs.com
	MaxRetries        int                    // retries after the first attempt; <0 invalid
	ExpectedAccountID string                 // "" = no guard
	UserAgent         string

	// QPS limits calls per Client (i.e. per account); 0 => DefaultQPS.
	QPS float64
	// Burst of the rate limiter; 0 => DefaultBurst.
	Burst int
}

const (
	DefaultRegion = "cn-hangzhou"
	DefaultQPS    = 20
	DefaultBurst  = 20
)

var regionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`)

// endpoint is a parsed RAM/STS endpoint URL.
type endpoint struct {
	Scheme string // "HTTP" | "HTTPS" (SDK spelling)
	Host   string // host[:port]
}

func (e endpoint) String() string { return strings.ToLower(e.Scheme) + "://" + e.Host }

// ParseEndpoint validates an endpoint URL: http or https, a host, no path, query or user info.
func ParseEndpoint(raw string) (scheme, host string, err error) {
	ep, err := parseEndpoint(raw)
	if err != nil {
		return "", "", err
	}
	return strings.ToLower(ep.Scheme), ep.Host, nil
}

func parseEndpoint(raw string) (endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, fmt.Errorf("endpoint %q is not a valid URL: %v", raw, err)
	}
	var ep endpoint
	switch strings.ToLower(u.Scheme) {
	case "http":
		ep.Scheme = "HTTP"
	case "https":
		ep.Scheme = "HTTPS"
	case "":
		return ep, fmt.Errorf("endpoint %q must be a URL with a scheme, like https://ram.aliyuncs.com or http://127.0.0.1:18080", raw)
	default:
		return ep, fmt.Errorf("endpoint %q: scheme must be http or https, not %q", raw, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return ep, fmt.Errorf("endpoint %q has no host", raw)
	}
	if u.User != nil {
		return ep, fmt.Errorf("endpoint %q must not contain user information", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return ep, fmt.Errorf("endpoint %q must not have a path, query or fragment (only scheme://host[:port])", raw)
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
			return ep, fmt.Errorf("endpoint %q has an invalid port %q", raw, p)
		}
	}
	ep.Host = u.Host
	return ep, nil
}
