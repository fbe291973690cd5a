package ramemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// commonAs sends a RAM action as a CommonRequest signed by c: the only way the v1 SDK sends JSON-style
// parameters such as Tag, or parameters that are present but empty. It returns the decoded answer.
func (e *testEnv) commonAs(c *ram.Client, action string, params map[string]string) (map[string]any, error) {
	e.t.Helper()
	req := requests.NewCommonRequest()
	req.Method = "POST"
	req.Scheme = "HTTP"
	req.Domain = e.host()
	req.Version = "2015-05-01"
	req.ApiName = action
	req.Product = "Ram"
	for k, v := range params {
		req.QueryParams[k] = v
	}
	resp, err := c.ProcessCommonRequest(req)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &m); err != nil {
		e.t.Fatal(err)
	}
	return m, nil
}

// tagsListed returns ListTagResources' tags of one resource as a map.
func (e *testEnv) tagsListed(c *ram.Client, rtype, name string) map[string]string {
	e.t.Helper()
	m, err := e.commonAs(c, "ListTagResources", map[string]string{"ResourceType": rtype, "ResourceNames": `["` + name + `"]`})
	must(e.t, err)
	out := map[string]string{}
	for _, it := range m["TagResources"].([]any) {
		tr := it.(map[string]any)
		out[tr["TagKey"].(string)] = tr["TagValue"].(string)
	}
	return out
}

// listedTags returns the Tags of the entity named name in a ListRoles/ListPolicies answer.
func listedTags(t *testing.T, m map[string]any, outer, inner, nameKey, name string) map[string]string {
	t.Helper()
	for _, it := range m[outer].(map[string]any)[inner].([]any) {
		o := it.(map[string]any)
		if o[nameKey] != name {
			continue
		}
		out := map[string]string{}
		for _, tg := range o["Tags"].(map[string]any)["Tag"].([]any) {
			kv := tg.(map[string]any)
			out[kv["TagKey"].(string)] = kv["TagValue"].(string)
		}
		return out
	}
	t.Fatalf("%s not listed in %v", name, m)
	return nil
}

func TestSystemTags(t *testing.T) {
	e := newEnv(t, Options{SystemTags: true})
	a := e.rootA()
	_, err := e.commonAs(a, "CreateRole", map[string]string{"RoleName": "tagged", "AssumeRolePolicyDocument": trustB, "Tag": `[{"Key":"env","Value":"prod"}]`})
	must(t, err)
	rg := defaultResourceGroupID(acctA.ID)
	if !strings.HasPrefix(rg, "rg-acfm") || len(rg) != 18 {
		t.Fatalf("resource group id %q", rg)
	}
	want := map[string]string{"env": "prod", "acs:tag:createdby": "customer:" + acctA.ID, "acs:rm:rgId": rg}
	if got := e.tagsListed(a, "role", "tagged"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ListTagResources: %v, want %v", got, want)
	}
	lr, err := e.commonAs(a, "ListRoles", nil)
	must(t, err)
	if got := listedTags(t, lr, "Roles", "Role", "RoleName", "tagged"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ListRoles tags: %v", got)
	}

	// A policy created by a RAM user carries the user's createdby value; one created by an assumed role, the
	// role's and the ID of whoever assumed it.
	createUser(t, a, "admin")
	must(t, attachTo(a, "User", "admin", "System", "AdministratorAccess"))
	k := createKey(t, a, "admin")
	admin := e.ram(k.AccessKeyId, k.AccessKeySecret)
	createPolicy(t, admin, "ByUser", permDoc("ecs:*"))
	gu := ram.CreateGetUserRequest()
	gu.UserName = "admin"
	u, err := a.GetUser(gu)
	must(t, err)
	if got := e.tagsListed(a, "policy", "ByUser")["acs:tag:createdby"]; got != "sub:"+u.User.UserId+":admin" {
		t.Fatalf("createdby of a user's policy: %q", got)
	}
	lp, err := e.commonAs(a, "ListPolicies", map[string]string{"PolicyType": "Custom"})
	must(t, err)
	if got := listedTags(t, lp, "Policies", "Policy", "PolicyName", "ByUser"); got["acs:rm:rgId"] != rg {
		t.Fatalf("ListPolicies tags: %v", got)
	}
	createRole(t, a, "ops", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000001:root"]}}],"Version":"1"}`)
	must(t, attachTo(a, "Role", "ops", "System", "AdministratorAccess"))
	cred, err := assume(e.sts(k.AccessKeyId, k.AccessKeySecret), "acs:ram::1000000000000001:role/ops", "build", "")
	must(t, err)
	sess := e.ramSTS(cred.Credentials.AccessKeyId, cred.Credentials.AccessKeySecret, cred.Credentials.SecurityToken)
	createPolicy(t, sess, "BySession", permDoc("ecs:*"))
	if got := e.tagsListed(a, "policy", "BySession")["acs:tag:createdby"]; got != "assumedRoleUser:ops:"+u.User.UserId {
		t.Fatalf("createdby of a session's policy: %q", got)
	}

	// Users can neither set nor remove system tags; removing all tags leaves them; they do not count
	// towards the 20 tags per resource.
	_, err = e.commonAs(a, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged"]`, "Tag": `[{"Key":"acs:tag:createdby","Value":"me"}]`})
	wantErr(t, err, "InvalidParameter.TagKey.Reserved", 400)
	_, err = e.commonAs(a, "UntagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged"]`, "TagKeys": `["acs:rm:rgId"]`})
	wantErr(t, err, "InvalidParameter.TagKey.Reserved", 400)
	_, err = e.commonAs(a, "UntagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged"]`, "All": "true"})
	must(t, err)
	delete(want, "env")
	if got := e.tagsListed(a, "role", "tagged"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after removing all tags: %v", got)
	}
	twenty := make([]string, maxTagsPerResource)
	for i := range twenty {
		twenty[i] = fmt.Sprintf(`{"Key":"k%02d","Value":"v"}`, i)
	}
	_, err = e.commonAs(a, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged"]`, "Tag": "[" + strings.Join(twenty, ",") + "]"})
	must(t, err)
	if got := e.tagsListed(a, "role", "tagged"); len(got) != maxTagsPerResource+2 {
		t.Fatalf("%d tags", len(got))
	}
	_, err = e.commonAs(a, "TagResources", map[string]string{"ResourceType": "role", "ResourceNames": `["tagged"]`, "Tag": `[{"Key":"one-more","Value":"v"}]`})
	wantErr(t, err, "InvalidParameter.Tag.Count", 400)

	// The admin state shows the system tags, and still no secret.
	raw, _ := e.stateDump()
	if !bytes.Contains(raw, []byte(`"acs:tag:createdby":"customer:`+acctA.ID+`"`)) {
		t.Fatalf("system tags not in the state dump: %s", raw)
	}
	for _, secret := range []string{k.AccessKeySecret, cred.Credentials.AccessKeySecret, cred.Credentials.SecurityToken, acctA.AccessKeySecret} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatal("secret in the state dump")
		}
	}
}

// TestNoSystemTagsByDefault: without the option a new role or policy has only the tags it was given.
func TestNoSystemTagsByDefault(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	_, err := e.commonAs(a, "CreateRole", map[string]string{"RoleName": "tagged", "AssumeRolePolicyDocument": trustB, "Tag": `[{"Key":"env","Value":"prod"}]`})
	must(t, err)
	createPolicy(t, a, "Untagged", permDoc("ecs:*"))
	if got := e.tagsListed(a, "role", "tagged"); fmt.Sprint(got) != "map[env:prod]" {
		t.Fatalf("role tags %v", got)
	}
	if got := e.tagsListed(a, "policy", "Untagged"); len(got) != 0 {
		t.Fatalf("policy tags %v", got)
	}
}
