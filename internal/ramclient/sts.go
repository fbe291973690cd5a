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

// AssumeRole calls STS AssumeRole with the client's own credentials (through STSEndpoint). The
// returned secret and token are never logged; ExternalId is masked in logs.
func (c *Client) AssumeRole(ctx context.Context, in AssumeRoleInput) (*TemporaryCredentials, error) {
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
