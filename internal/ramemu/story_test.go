package ramemu

import (
	"net/http"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// TestSeedStory plays the seeds' story end to end through the real SDK clients.
func TestSeedStory(t *testing.T) {
	e := newEnv(t, Options{Accounts: append(DefaultAccounts(), Account{ID: "1000000000000003", Alias: "third", AccessKeyID: "LTAI5tDemoThirdC00000003", AccessKeySecret: "DemoSecretThird00000000000000003"})})
	a, b := e.rootA(), e.rootB()

	// A: role trusting B with an ExternalId, plus AliyunKafkaFullAccess.
	trust := `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]},"Condition":{"StringEquals":{"sts:ExternalId":"ext-1234"}}}],"Version":"1"}`
	created := createRole(t, a, "KafkaOperator", trust)
	arn := created.Role.Arn
	if arn != "acs:ram::1000000000000001:role/KafkaOperator" {
		t.Fatalf("arn %q", arn)
	}
	must(t, attachTo(a, "Role", "KafkaOperator", "System", "AliyunKafkaFullAccess"))

	// B: a user with AliyunSTSAssumeRoleAccess and an AccessKey.
	createUser(t, b, "operator")
	must(t, attachTo(b, "User", "operator", "System", "AliyunSTSAssumeRoleAccess"))
	key := createKey(t, b, "operator")
	if len(key.AccessKeyId) != 24 || len(key.AccessKeySecret) != 30 {
		t.Fatalf("key format %d/%d", len(key.AccessKeyId), len(key.AccessKeySecret))
	}
	op := e.sts(key.AccessKeyId, key.AccessKeySecret)

	// Missing ExternalId is refused.
	_, err := assume(op, arn, "s1", "")
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	resp, err := assume(op, arn, "s1", "ext-1234")
	must(t, err)
	cr := resp.Credentials
	if cr.AccessKeyId[:4] != "STS." || cr.SecurityToken == "" || resp.AssumedRoleUser.Arn != "acs:ram::1000000000000001:role/kafkaoperator/s1" {
		t.Fatalf("bad credentials: %+v", resp)
	}
	sessSTS := e.stsToken(cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken)
	id, err := sessSTS.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	must(t, err)
	if id.Arn != "acs:ram::1000000000000001:assumed-role/kafkaoperator/s1" || id.AccountId != "1000000000000001" || id.IdentityType != "AssumedRoleUser" {
		t.Fatalf("identity %+v", id)
	}

	// The session may not write RAM in A.
	sessRAM := e.ramSTS(cr.AccessKeyId, cr.AccessKeySecret, cr.SecurityToken)
	wantErr(t, do(sessRAM, "CreateRole", "RoleName", "Escalate", "AssumeRolePolicyDocument", trustB), "NoPermission", http.StatusForbidden)

	// A B user without the policy is refused.
	createUser(t, b, "nobody")
	k2 := createKey(t, b, "nobody")
	_, err = assume(e.sts(k2.AccessKeyId, k2.AccessKeySecret), arn, "s2", "ext-1234")
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// A user of a third account (with the policy) is refused by the trust policy.
	c := e.ram("LTAI5tDemoThirdC00000003", "DemoSecretThird00000000000000003")
	createUser(t, c, "stranger")
	must(t, attachTo(c, "User", "stranger", "System", "AliyunSTSAssumeRoleAccess"))
	k3 := createKey(t, c, "stranger")
	_, err = assume(e.sts(k3.AccessKeyId, k3.AccessKeySecret), arn, "s3", "ext-1234")
	wantErr(t, err, "NoPermission", http.StatusForbidden)

	// A's root may not assume roles.
	_, err = assume(e.sts(acctA.AccessKeyID, acctA.AccessKeySecret), arn, "s4", "ext-1234")
	se := wantErr(t, err, "NoPermission", http.StatusForbidden)
	if se.Message() != "Roles may not be assumed by root accounts." {
		t.Fatalf("root message %q", se.Message())
	}

	// A deletes the role: AssumeRole fails EntityNotExist.Role and the old session is refused.
	dq := ram.CreateDeleteRoleRequest()
	dq.RoleName = "KafkaOperator"
	_, err = a.DeleteRole(dq)
	wantErr(t, err, "DeleteConflict.Role.Policy", http.StatusConflict)
	must(t, detachFrom(a, "Role", "KafkaOperator", "System", "AliyunKafkaFullAccess"))
	_, err = a.DeleteRole(dq)
	must(t, err)
	_, err = assume(op, arn, "s5", "ext-1234")
	wantErr(t, err, "EntityNotExist.Role", http.StatusNotFound)
	_, err = sessSTS.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	wantErr(t, err, "InvalidSecurityToken.Expired", http.StatusBadRequest)
}
