// Package ramclient is the provider's only door to Alibaba Cloud RAM and STS: one typed method per
// action over alibaba-cloud-sdk-go, with error classes, retries, rate limiting, read coalescing,
// eventual-consistency handling, call counting and tflog logging.
package ramclient

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"golang.org/x/time/rate"
)

// Config configures a Client. One Client talks to one account.
type Config struct {
	Credentials credentials.Credential // GetCredential() is called per request (it caches/refreshes)
	Region      string                 // "cn-hangzhou" when empty
	RAMEndpoint string                 // URL; "" => https://ram.aliyuncs.com
	STSEndpoint string                 // URL; "" => https://sts.<region>.aliyuncs.com
	// MaxRetries caps the retries of one call after its first attempt (0 = none; <0 invalid). Retries are
	// also bounded by the ctx deadline (the operation's timeout), or DefaultRetryBudget without one; the
	// provider passes RetryUntilDeadline unless max_retries is set.
	MaxRetries        int
	ExpectedAccountID string // "" = no guard
	UserAgent         string
	// CredentialSource says where Credentials come from (Source* constants, + ViaAssumeRole), so that an
	// auth error names the settings to check; "" = unknown (advice for access keys).
	CredentialSource string

	// QPS is a fixed ceiling on this Client's call rate, on top of the adaptive per-account rate;
	// 0 = none (the default: only throttling slows an account down).
	QPS float64
	// Burst of the QPS ceiling; 0 => ceil(QPS).
	Burst int
}

const (
	DefaultRegion = "cn-hangzhou"
	// RetryUntilDeadline as MaxRetries: as many retries as the deadline allows.
	RetryUntilDeadline = math.MaxInt
	// DefaultRetryBudget bounds the retries of a call whose ctx has no deadline.
	DefaultRetryBudget = 5 * time.Minute
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
	if !strings.Contains(raw, "://") {
		return endpoint{}, fmt.Errorf("endpoint %q must be a URL with a scheme, like https://ram.aliyuncs.com or http://127.0.0.1:18080", raw)
	}
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

// Client is safe for concurrent use. Create it with New.
type Client struct {
	cfg       Config
	region    string
	ramEP     endpoint
	stsEP     endpoint
	creds     *credsBridge
	transport http.RoundTripper
	ceiling   *rate.Limiter // Config.QPS; nil = none

	limMu    sync.Mutex
	limiters map[string]*adaptiveLimiter // by service; shared with the account's other clients

	// Timings; tests shrink them.
	backoffBase, backoffCap         time.Duration
	retryBudget                     time.Duration // for a ctx without deadline
	consistencyWindow               time.Duration
	consistencyBase, consistencyCap time.Duration
	cacheTTL                        time.Duration
	planLookupTimeout               time.Duration // PlanLookupTimeout
	now                             func() time.Time

	countMu sync.Mutex
	counts  map[string]int64

	identMu  sync.Mutex
	ident    *Identity
	planErrs map[string]error // first failure of each plan-time lookup (see PlanAccountID)

	track *tracker
	cache *readCache

	// keyless holds the users (userKey) this client created and has made no AccessKey for since: their key
	// list is known to be empty, so CreateAccessKey need not read it first (see CreateAccessKey).
	keyless sync.Map
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{16}$`)

// New validates cfg and builds a Client. It makes no API call.
func New(cfg Config) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, errors.New("ramclient: no credentials configured")
	}
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	if !regionPattern.MatchString(region) {
		return nil, fmt.Errorf("region %q is not a valid region ID (like cn-hangzhou)", region)
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max_retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	if cfg.ExpectedAccountID != "" && !accountIDPattern.MatchString(cfg.ExpectedAccountID) {
		return nil, fmt.Errorf("expected_account_id %q must be a 16-digit account ID", cfg.ExpectedAccountID)
	}
	if cfg.QPS < 0 || cfg.Burst < 0 {
		return nil, errors.New("ramclient: QPS and Burst must not be negative")
	}
	ramURL := cfg.RAMEndpoint
	if ramURL == "" {
		ramURL = "https://ram.aliyuncs.com"
	}
	ramEP, err := parseEndpoint(ramURL)
	if err != nil {
		return nil, fmt.Errorf("RAM %w", err)
	}
	stsURL := cfg.STSEndpoint
	if stsURL == "" {
		stsURL = "https://sts." + region + ".aliyuncs.com"
	}
	stsEP, err := parseEndpoint(stsURL)
	if err != nil {
		return nil, fmt.Errorf("STS %w", err)
	}
	// System trust store (SSL_CERT_FILE honoured by Go), proxies from the environment.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	c := &Client{
		cfg:               cfg,
		region:            region,
		ramEP:             ramEP,
		stsEP:             stsEP,
		creds:             &credsBridge{cred: cfg.Credentials},
		transport:         tr,
		limiters:          map[string]*adaptiveLimiter{},
		retryBudget:       DefaultRetryBudget,
		backoffBase:       200 * time.Millisecond,
		backoffCap:        10 * time.Second,
		consistencyWindow: defaultConsistencyWindow(),
		consistencyBase:   250 * time.Millisecond,
		consistencyCap:    2 * time.Second,
		cacheTTL:          5 * time.Second,
		planLookupTimeout: PlanLookupTimeout,
		now:               time.Now,
		counts:            map[string]int64{},
	}
	if cfg.QPS > 0 {
		burst := cfg.Burst
		if burst == 0 {
			burst = int(math.Max(1, math.Ceil(cfg.QPS)))
		}
		c.ceiling = rate.NewLimiter(rate.Limit(cfg.QPS), burst)
	}
	c.track = newTracker(c)
	c.cache = newReadCache(c)
	return c, nil
}

// RAMEndpoint and STSEndpoint return the resolved endpoint URLs (for diagnostics).
func (c *Client) RAMEndpoint() string { return c.ramEP.String() }
func (c *Client) STSEndpoint() string { return c.stsEP.String() }

// Region returns the configured region.
func (c *Client) Region() string { return c.region }

// CallCount returns API calls actually sent, including retries, keyed "Ram.<Action>" / "Sts.<Action>".
func (c *Client) CallCount() map[string]int64 {
	c.countMu.Lock()
	defer c.countMu.Unlock()
	out := make(map[string]int64, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// ResetCallCount zeroes the counters.
func (c *Client) ResetCallCount() {
	c.countMu.Lock()
	c.counts = map[string]int64{}
	c.countMu.Unlock()
}

func (c *Client) count(svc, action string) {
	c.countMu.Lock()
	c.counts[svc+"."+action]++
	c.countMu.Unlock()
}
