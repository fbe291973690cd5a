package ramclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkcreds "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const logSubsystem = "ramclient"

const (
	svcRAM = "Ram"
	svcSTS = "Sts"
)

// secretParams are request parameters whose values are never logged.
var secretParams = []string{"Password", "AccessKeySecret", "SecurityToken", "ExternalId", "NewPassword"}

// credsBridge adapts a credentials-go Credential to the v1 SDK's CredentialsProvider. It asks
// credentials-go on every signing, which caches and refreshes STS/role credentials itself.
type credsBridge struct {
	cred credentials.Credential
	// last secret and token seen, so error texts can be scrubbed of them
	lastSecret atomic.Pointer[string]
	lastToken  atomic.Pointer[string]
}

// credentialsError marks a failure to obtain credentials (before any request was sent).
type credentialsError struct{ err error }

func (e *credentialsError) Error() string { return "cannot obtain credentials: " + e.err.Error() }
func (e *credentialsError) Unwrap() error { return e.err }

func (b *credsBridge) GetCredentials() (*sdkcreds.Credentials, error) {
	m, err := b.cred.GetCredential()
	if err != nil {
		return nil, &credentialsError{err}
	}
	if m == nil || m.AccessKeyId == nil || *m.AccessKeyId == "" || m.AccessKeySecret == nil || *m.AccessKeySecret == "" {
		return nil, &credentialsError{errors.New("the credential source returned no access key")}
	}
	out := &sdkcreds.Credentials{
		AccessKeyId:     *m.AccessKeyId,
		AccessKeySecret: *m.AccessKeySecret,
		ProviderName:    "aliram",
	}
	sec := *m.AccessKeySecret
	b.lastSecret.Store(&sec)
	if m.SecurityToken != nil && *m.SecurityToken != "" {
		out.SecurityToken = *m.SecurityToken
		tok := *m.SecurityToken
		b.lastToken.Store(&tok)
	}
	return out, nil
}

func (b *credsBridge) GetProviderName() string { return "aliram" }

func (b *credsBridge) secrets() []string {
	var out []string
	if p := b.lastSecret.Load(); p != nil {
		out = append(out, *p)
	}
	if p := b.lastToken.Load(); p != nil {
		out = append(out, *p)
	}
	return out
}

// ctxTransport binds one attempt's HTTP request to ctx: the v1 SDK builds requests without a context,
// so this is how cancellation and deadlines reach the wire.
type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

// sdkConfig builds a fresh SDK config per attempt. A fresh SDK client per attempt avoids the v1
// SDK's unsynchronised writes to its shared http.Client (setTimeout) and carries the attempt's ctx.
func (c *Client) sdkConfig(ctx context.Context, ep endpoint) *sdk.Config {
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false // retries are ours
	cfg.MaxRetryTime = 0
	cfg.Scheme = ep.Scheme
	cfg.Transport = ctxTransport{ctx: ctx, base: c.transport}
	cfg.UserAgent = c.cfg.UserAgent
	return cfg
}

func (c *Client) ramSDK(ctx context.Context) (*ram.Client, error) {
	rc, err := ram.NewClientWithOptions(c.region, c.sdkConfig(ctx, c.ramEP), c.creds)
	if err == nil {
		rc.Domain = c.ramEP.Host
	}
	return rc, err
}

func (c *Client) stsSDK(ctx context.Context) (*sts.Client, error) {
	sc, err := sts.NewClientWithOptions(c.region, c.sdkConfig(ctx, c.stsEP), c.creds)
	if err == nil {
		sc.Domain = c.stsEP.Host
	}
	return sc, err
}

// callRAM runs one RAM action with rate limiting, retries, counting and logging. fn builds a fresh
// request and sends it with the given SDK client; it is called once per attempt.
func (c *Client) callRAM(ctx context.Context, action string, params map[string]string, extraSecrets []string,
	fn func(rc *ram.Client) (responses.AcsResponse, error)) error {
	return callSDK(c, ctx, svcRAM, action, params, extraSecrets, c.ramSDK, fn)
}

// callSTS is callRAM for STS.
func (c *Client) callSTS(ctx context.Context, action string, params map[string]string, extraSecrets []string,
	fn func(sc *sts.Client) (responses.AcsResponse, error)) error {
	return callSDK(c, ctx, svcSTS, action, params, extraSecrets, c.stsSDK, fn)
}

// callSDK runs fn through invoke with an SDK client that newClient builds afresh for each attempt.
func callSDK[T any](c *Client, ctx context.Context, svc, action string, params map[string]string, extraSecrets []string,
	newClient func(ctx context.Context) (T, error), fn func(T) (responses.AcsResponse, error)) error {
	return c.invoke(ctx, svc, action, params, extraSecrets, func(actx context.Context) (responses.AcsResponse, error) {
		sdkClient, err := newClient(actx)
		if err != nil {
			return nil, err
		}
		return fn(sdkClient)
	})
}

func serviceLabel(svc string) string {
	if svc == svcSTS {
		return "STS"
	}
	return "RAM"
}

// logContext attaches the ramclient subsystem logger, masking secret-bearing fields and values.
func logContext(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, secretParams...)
	var vals []string
	for _, s := range secrets {
		if len(s) >= 4 {
			vals = append(vals, s)
		}
	}
	if len(vals) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, vals...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, vals...)
	}
	return ctx
}

func maskParams(params map[string]string) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		if v == "" {
			continue
		}
		masked := false
		for _, s := range secretParams {
			if k == s {
				masked = true
			}
		}
		if masked {
			out[k] = "***"
		} else {
			out[k] = v
		}
	}
	return out
}

// invoke is the retry loop. Throttled and retryable errors are retried with capped exponential backoff and
// full jitter until ctx's deadline (the operation's timeout; retryBudget from the first attempt when ctx has
// none), at most MaxRetries times; others return at once. Every attempt first waits for its slot in the
// account's adaptive limiter and tells it whether it was throttled.
func (c *Client) invoke(ctx context.Context, svc, action string, params map[string]string, extraSecrets []string,
	attemptFn func(actx context.Context) (responses.AcsResponse, error)) error {
	if svc != svcSTS || action != "GetCallerIdentity" {
		// Every other call, reads included, first proves it goes to the expected account.
		if err := c.guard(ctx); err != nil {
			return err
		}
	}
	secrets := append(c.creds.secrets(), extraSecrets...)
	lctx := logContext(ctx, secrets)
	logged := maskParams(params)
	label := serviceLabel(svc)
	deadline, hasDeadline := ctx.Deadline()
	if !hasDeadline {
		deadline = time.Now().Add(c.retryBudget)
	}
	var lastErr error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if lastErr != nil {
				return lastErr
			}
			return wrapError(label, action, err, nil)
		}
		lim := c.accountLimiter(svc)
		slot, err := c.waitSlot(ctx, lim, deadline)
		if err != nil {
			if lastErr != nil {
				return lastErr
			}
			return &APIError{Service: label, Action: action, Code: "RateLimitWait",
				Message: "no API call slot before the operation's deadline: " + err.Error(), Class: ClassThrottled, cause: err}
		}
		c.count(svc, action)
		start := time.Now()
		resp, err := attemptFn(ctx)
		dur := time.Since(start)
		secrets = append(c.creds.secrets(), extraSecrets...)
		err = c.wrapAttemptError(label, action, err, secrets)
		cls := ClassOf(err)
		if ctx.Err() == nil || err == nil {
			// An attempt the deadline cut says nothing about the account's rate.
			lim.observe(slot, err != nil && cls == ClassThrottled)
		}

		fields := map[string]any{
			"service": label, "action": action, "params": logged, "attempt": attempt,
			"duration_ms": dur.Milliseconds(),
		}
		status := 0
		if resp != nil {
			status = resp.GetHttpStatus()
		}
		var ae *APIError
		if errors.As(err, &ae) {
			if ae.HTTPStatus != 0 {
				status = ae.HTTPStatus
			}
			fields["error_code"] = ae.Code
			fields["error_class"] = ae.Class.String()
			if ae.RequestID != "" {
				fields["request_id"] = ae.RequestID
			}
		}
		if status != 0 {
			fields["http_status"] = status
		}
		tflog.SubsystemDebug(lctx, logSubsystem, label+" API call "+action, fields)

		if err == nil {
			return nil
		}
		if ctx.Err() != nil && lastErr != nil {
			// The deadline cut this retry short: the service's previous answer says more than "deadline exceeded".
			return lastErr
		}
		lastErr = err
		if cls != ClassThrottled && cls != ClassRetryable {
			return err
		}
		if attempt > c.cfg.MaxRetries {
			return err
		}
		d := c.backoff(attempt)
		if time.Now().Add(d).After(deadline) {
			return err
		}
		tflog.SubsystemDebug(lctx, logSubsystem, "retrying "+label+" "+action, map[string]any{
			"service": label, "action": action, "attempt": attempt, "backoff_ms": d.Milliseconds(), "error_code": ae.Code,
			"account_rate": lim.Rate(),
		})
		if !sleepCtx(ctx, d) {
			return err
		}
	}
}

// waitSlot waits for the call's slot in the account's limiter, booked again when the rate was cut while it
// waited, then under the client's fixed ceiling, if any. It fails at once when the slot would come after
// deadline.
func (c *Client) waitSlot(ctx context.Context, lim *adaptiveLimiter, deadline time.Time) (booking, error) {
	for {
		slot, ok := lim.reserve(deadline)
		if !ok {
			return slot, errors.New("the account's throttling rate leaves no slot in time")
		}
		if !sleepCtx(ctx, slot.wait) {
			return slot, ctx.Err()
		}
		if slot.wait > 0 && lim.stale(slot) {
			continue
		}
		if c.ceiling != nil {
			// Wait fails early when the deadline would pass before a token is available.
			return slot, c.ceiling.Wait(ctx)
		}
		return slot, nil
	}
}

// wrapAttemptError turns an attempt's error into an *APIError; an auth error's hint names the settings of
// this Client's credential source. Every answer of RAM or STS comes through here.
func (c *Client) wrapAttemptError(label, action string, err error, secrets []string) error {
	if err == nil {
		return nil
	}
	var ce *credentialsError
	if errors.As(err, &ce) {
		return &APIError{Service: label, Action: action, Code: codeCredentialsError, Message: scrub(ce.Error(), secrets),
			Class: ClassAuth, Hint: credentialAdvice(c.cfg.CredentialSource, codeCredentialsError), cause: err}
	}
	err = wrapError(label, action, err, secrets)
	if ae := new(APIError); errors.As(err, &ae) && ae.Class == ClassAuth {
		ae.Hint = credentialAdvice(c.cfg.CredentialSource, ae.Code)
	}
	return err
}

// backoff: full jitter over an exponentially growing, capped window.
func (c *Client) backoff(attempt int) time.Duration {
	return jitter(c.backoffBase, c.backoffCap, attempt)
}

func jitter(base, limit time.Duration, attempt int) time.Duration {
	window := expWindow(base, limit, attempt)
	if window <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(window) + 1))
}

// expWindow is base doubled for each attempt after the first, capped at limit.
func expWindow(base, limit time.Duration, attempt int) time.Duration {
	window := base
	for i := 1; i < attempt && window < limit; i++ {
		window *= 2
	}
	return min(window, limit)
}

// sleepCtx sleeps d or until ctx is done; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func boolStr(b bool) string { return fmt.Sprintf("%t", b) }
