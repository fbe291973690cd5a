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
	return c.callRAM(ctx, action, params, nil, func(rc *ram.Client) (responses.AcsResponse, error) {
		req := requests.NewCommonRequest()
		req.Product = "Ram"
		req.Version = "2015-05-01"
		req.ApiName = action
		req.Method = requests.POST
		req.Scheme = c.ramEP.Scheme
		req.Domain = c.ramEP.Host
		for k, v := range params {
			if v != "" {
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
	if err := checkResourceType(resourceType); err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	if err := c.guard(ctx); err != nil {
		return err
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	type kv struct {
		Key   string `json:"Key"`
		Value string `json:"Value"`
	}
	for start := 0; start < len(keys); start += maxTagsPerCall {
		end := min(start+maxTagsPerCall, len(keys))
		batch := make([]kv, 0, end-start)
		for _, k := range keys[start:end] {
			batch = append(batch, kv{k, tags[k]})
		}
		params := map[string]string{"ResourceType": resourceType, "ResourceNames": jsonString([]string{name}), "Tag": jsonString(batch)}
		err := c.settle(ctx, func() error { return c.commonRAM(ctx, "TagResources", params, nil) },
			tagNotFoundRetry(c, resourceType, name))
		if err != nil {
			return err
		}
	}
	return nil
}

// UntagResource removes tag keys from a role or custom policy.
func (c *Client) UntagResource(ctx context.Context, resourceType, name string, keys []string) error {
	if err := checkResourceType(resourceType); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	if err := c.guard(ctx); err != nil {
		return err
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	for start := 0; start < len(sorted); start += maxTagsPerCall {
		end := min(start+maxTagsPerCall, len(sorted))
		params := map[string]string{"ResourceType": resourceType, "ResourceNames": jsonString([]string{name}), "TagKeys": jsonString(sorted[start:end])}
		err := c.settle(ctx, func() error { return c.commonRAM(ctx, "UntagResources", params, nil) },
			tagNotFoundRetry(c, resourceType, name))
		if err != nil {
			return err
		}
	}
	return nil
}
