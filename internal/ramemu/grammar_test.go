package ramemu

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// TestTrustGrammarAsRAMAcceptsIt: the trust-document shapes real clients send (ram-api.md §9) are accepted
// through CreateRole and UpdateRole, and grant what they say; a principal with nothing in it is still
// MalformedPolicyDocument.
func TestTrustGrammarAsRAMAcceptsIt(t *testing.T) {
	e := newEnv(t, Options{})
	a, b := e.rootA(), e.rootB()
	createUser(t, b, "op")
	must(t, attachTo(b, "User", "op", "System", "AliyunSTSAssumeRoleAccess"))
	k := createKey(t, b, "op")
	op := e.sts(k.AccessKeyId, k.AccessKeySecret)

	withSourceIdentity := `{"Statement":[{"Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`
	createRole(t, a, "source-identity", withSourceIdentity)
	if _, err := assume(op, "acs:ram::1000000000000001:role/source-identity", "s1", ""); err != nil {
		t.Fatalf("AssumeRole with an Action list holding sts:SetSourceIdentity: %v", err)
	}
	// sts:SetSourceIdentity alone is accepted but lets nobody assume the role.
	createRole(t, a, "only-source-identity", `{"Statement":[{"Action":"sts:SetSourceIdentity","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`)
	_, err := assume(op, "acs:ram::1000000000000001:role/only-source-identity", "s2", "")
	wantErr(t, err, "NoPermission", 403)

	service := `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"],"RAM":[]}}],"Version":"1"}`
	r := createRole(t, a, "service-role", service)
	if r.Role.AssumeRolePolicyDocument != service {
		t.Fatalf("document echoed as %s", r.Role.AssumeRolePolicyDocument)
	}
	_, err = assume(op, "acs:ram::1000000000000001:role/service-role", "s3", "")
	wantErr(t, err, "NoPermission", 403)
	uq := ram.CreateUpdateRoleRequest()
	uq.RoleName = "service-role"
	uq.NewAssumeRolePolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"],"Service":[]}}],"Version":"1"}`
	_, err = a.UpdateRole(uq)
	must(t, err)
	if _, err := assume(op, "acs:ram::1000000000000001:role/service-role", "s4", ""); err != nil {
		t.Fatalf("AssumeRole after a trust with an empty Service list: %v", err)
	}

	for _, bad := range []string{
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":[],"Service":[]}}],"Version":"1"}`,
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{}}],"Version":"1"}`,
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":""}}],"Version":"1"}`,
		`{"Statement":[{"Action":["sts:AssumeRole","ecs:RunInstances"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`,
	} {
		wantErr(t, do(a, "CreateRole", "RoleName", "bad", "AssumeRolePolicyDocument", bad), "MalformedPolicyDocument", 400)
		uq.NewAssumeRolePolicyDocument = bad
		_, err = a.UpdateRole(uq)
		wantErr(t, err, "MalformedPolicyDocument", 400)
	}
}
