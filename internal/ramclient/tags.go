package ramclient

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// Tag actions are not in the v1 SDK; they go out as CommonRequests with JSON-style parameters
// (ram-api.md §2.25).

func checkResourceType(t string) error {
	if t != "role" && t != "policy" {
		return fmt.Errorf("ramclient: tag resource type must be \"role\" or \"policy\", not %q", t)
	}
	return nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (c *Client) commonRAM(ctx context.Context, action string, params map[string]string, out *[]byte) error {
	_, err := c.commonWrite(ctx, action, params, true, out)
	return err
}

// commonWrite is commonRAM for a write, reporting whether an answer was lost (see write).
func (c *Client) commonWrite(ctx context.Context, action string, params map[string]string, resend bool, out *[]byte) (lost bool, err error) {
	return c.commonSend(ctx, action, params, false, resend, out)
}

// commonSend sends a CommonRequest through write. With keepEmpty, a parameter whose value is "" goes out
// present and empty (an explicit clear, see clears.go); otherwise it is left out, as the typed requests do.
func (c *Client) commonSend(ctx context.Context, action string, params map[string]string, keepEmpty, resend bool, out *[]byte) (lost bool, err error) {
	return c.write(ctx, action, params, nil, resend, func(rc *ram.Client) (responses.AcsResponse, error) {
		req := requests.NewCommonRequest()
		req.Product = "Ram"
		req.Version = "2015-05-01"
		req.ApiName = action
		req.Method = requests.POST
		req.Scheme = c.ramEP.Scheme
		req.Domain = c.ramEP.Host
		for k, v := range params {
			if v != "" || keepEmpty {
				req.QueryParams[k] = v
			}
		}
		resp, err := rc.ProcessCommonRequest(req)
		if err == nil && out != nil {
			*out = resp.GetHttpContentBytes()
		}
		return resp, err
	})
}

func tagNotFoundRetry(c *Client, resourceType, name string) func(error) bool {
	return func(err error) bool {
		if resourceType == "role" {
			return notFoundOf(err, "Role") && c.track.recentlyCreated(roleKey(name))
		}
		return notFoundOf(err, "Policy") && c.track.recentlyCreated(policyKey(name))
	}
}

// ListTags returns the tags of a role or custom policy (all pages).
func (c *Client) ListTags(ctx context.Context, resourceType, name string) (map[string]string, error) {
	if err := checkResourceType(resourceType); err != nil {
		return nil, err
	}
	out := map[string]string{}
	token := ""
	for {
		params := map[string]string{"ResourceType": resourceType, "ResourceNames": jsonString([]string{name}), "NextToken": token, "PageSize": "100"}
		var body []byte
		err := c.settle(ctx, func() error { return c.commonRAM(ctx, "ListTagResources", params, &body) },
			tagNotFoundRetry(c, resourceType, name))
		if err != nil {
			return nil, err
		}
		var page struct {
			NextToken    string
			TagResources []struct{ ResourceName, ResourceType, TagKey, TagValue string }
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, &APIError{Service: "RAM", Action: "ListTagResources", Code: "InvalidResponse", Message: "cannot decode response: " + err.Error()}
		}
		for _, t := range page.TagResources {
			if t.ResourceName == "" || strings.EqualFold(t.ResourceName, name) {
				out[t.TagKey] = t.TagValue
			}
		}
		if page.NextToken == "" || page.NextToken == token {
			return out, nil
		}
		token = page.NextToken
	}
}

const maxTagsPerCall = 20

// TagResource adds or overwrites tags on a role or custom policy.
func (c *Client) TagResource(ctx context.Context, resourceType, name string, tags map[string]string) error {
	return c.inTagBatches(ctx, "TagResources", resourceType, name, sortedKeys(tags), func(batch []string) (string, string) {
		return "Tag", tagParameter(tags, batch)
	})
}

// UntagResource removes tag keys from a role or custom policy.
func (c *Client) UntagResource(ctx context.Context, resourceType, name string, keys []string) error {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	return c.inTagBatches(ctx, "UntagResources", resourceType, name, sorted, func(batch []string) (string, string) {
		return "TagKeys", jsonString(batch)
	})
}

// inTagBatches sends action for keys in batches of at most maxTagsPerCall; param gives a batch's own
// parameter (name and value). Nothing is sent for no keys.
func (c *Client) inTagBatches(ctx context.Context, action, resourceType, name string, keys []string, param func(batch []string) (string, string)) error {
	if err := checkResourceType(resourceType); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	for start := 0; start < len(keys); start += maxTagsPerCall {
		k, v := param(keys[start:min(start+maxTagsPerCall, len(keys))])
		params := map[string]string{"ResourceType": resourceType, "ResourceNames": jsonString([]string{name}), k: v}
		err := c.settle(ctx, func() error { return c.commonRAM(ctx, action, params, nil) },
			tagNotFoundRetry(c, resourceType, name))
		if err != nil {
			return err
		}
	}
	return nil
}
