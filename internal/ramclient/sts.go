package ramclient

import (
	"context"
	"strconv"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

const stsTimeLayout = "2006-01-02T15:04:05Z"

// notPropagatedYet: STS's answers for a long-term AccessKey it does not know yet
// (InvalidAccessKeyId.NotFound) and for a grant or trust it does not apply yet (NoPermission). RAM makes a new
// key, policy attachment or trust document usable a few seconds after the write (ram-api.md §9).
func notPropagatedYet(err error) bool {
	return HasCode(err, "InvalidAccessKeyId.NotFound") || HasCode(err, "NoPermission")
}

// AssumeRole calls STS AssumeRole with the client's own credentials (through STSEndpoint). The
// returned secret and token are never logged; ExternalId is masked in logs.
//
// A key or grant made seconds earlier (by the same pipeline, or an apply just before) is not in effect yet,
// and STS answers as if it did not exist. Those two answers are retried, with backoff, for the consistency
// window (DefaultConsistencyWindow, 30 s) from the first attempt and never past ctx's deadline (the
// ephemeral resource's open timeout); a denial that outlasts the window is real and is returned.
func (c *Client) AssumeRole(ctx context.Context, in AssumeRoleInput) (*TemporaryCredentials, error) {
	var out *TemporaryCredentials
	var lastAnswer error
	err := c.settle(ctx, func() error {
		var err error
		out, err = c.assumeRoleOnce(ctx, in)
		if notPropagatedYet(err) {
			lastAnswer = err
		}
		return err
	}, notPropagatedYet)
	if err != nil && lastAnswer != nil && (ctx.Err() != nil || HasCode(err, "RateLimitWait")) {
		// The deadline cut the last try short: STS's own answer says more than "deadline exceeded".
		return nil, lastAnswer
	}
	return out, err
}

func (c *Client) assumeRoleOnce(ctx context.Context, in AssumeRoleInput) (*TemporaryCredentials, error) {
	params := map[string]string{"RoleArn": in.RoleARN, "RoleSessionName": in.SessionName, "ExternalId": in.ExternalID, "Policy": in.Policy}
	if in.DurationSeconds > 0 {
		params["DurationSeconds"] = strconv.FormatInt(in.DurationSeconds, 10)
	}
	var out *TemporaryCredentials
	var expErr error
	err := c.callSTS(ctx, "AssumeRole", params, []string{in.ExternalID}, func(sc *sts.Client) (responses.AcsResponse, error) {
		req := sts.CreateAssumeRoleRequest()
		req.RoleArn = in.RoleARN
		req.RoleSessionName = in.SessionName
		req.ExternalId = in.ExternalID
		req.Policy = in.Policy
		if in.DurationSeconds > 0 {
			req.DurationSeconds = requests.NewInteger64(in.DurationSeconds)
		}
		resp, err := sc.AssumeRole(req)
		if err == nil {
			cr := resp.Credentials
			exp, perr := time.Parse(stsTimeLayout, cr.Expiration)
			if perr != nil {
				exp, perr = time.Parse(time.RFC3339, cr.Expiration)
			}
			expErr = perr
			out = &TemporaryCredentials{AccessKeyID: cr.AccessKeyId, AccessKeySecret: cr.AccessKeySecret,
				SecurityToken: cr.SecurityToken, Expiration: exp.UTC(),
				AssumedRoleARN: resp.AssumedRoleUser.Arn, AssumedRoleID: resp.AssumedRoleUser.AssumedRoleId}
		}
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	if expErr != nil {
		return nil, &APIError{Service: "STS", Action: "AssumeRole", Code: "InvalidResponse",
			Message: "cannot parse Credentials.Expiration: " + expErr.Error()}
	}
	return out, nil
}
