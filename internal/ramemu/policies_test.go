package ramemu

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

func permDoc(action string) string {
	return `{"Statement":[{"Action":"` + action + `","Effect":"Allow","Resource":"*"}],"Version":"1"}`
}

func createPolicy(t *testing.T, c *ram.Client, name, doc string) {
	t.Helper()
	fetch(t, c, ram.CreateCreatePolicyResponse(), "CreatePolicy", "PolicyName", name, "PolicyDocument", doc)
}

// getPolicy is GetPolicy of a policy that must exist.
func getPolicy(t *testing.T, c *ram.Client, ptype, name string) *ram.GetPolicyResponse {
	t.Helper()
	return fetch(t, c, ram.CreateGetPolicyResponse(), "GetPolicy", "PolicyName", name, "PolicyType", ptype)
}

var (
	policiesForRole = fetcher("ListPoliciesForRole", "RoleName", ram.CreateListPoliciesForRoleResponse,
		func(r *ram.ListPoliciesForRoleResponse) []ram.Policy { return r.Policies.Policy })
	policiesForUser = fetcher("ListPoliciesForUser", "UserName", ram.CreateListPoliciesForUserResponse,
		func(r *ram.ListPoliciesForUserResponse) []ram.Policy { return r.Policies.Policy })
	policiesForGroup = fetcher("ListPoliciesForGroup", "GroupName", ram.CreateListPoliciesForGroupResponse,
		func(r *ram.ListPoliciesForGroupResponse) []ram.Policy { return r.Policies.Policy })
)

func newVersion(c *ram.Client, name, doc string, setDefault bool, rotate string) (*ram.CreatePolicyVersionResponse, error) {
	q := ram.CreateCreatePolicyVersionRequest()
	q.PolicyName, q.PolicyDocument, q.RotateStrategy = name, doc, rotate
	q.SetAsDefault = requests.NewBoolean(setDefault)
	return c.CreatePolicyVersion(q)
}

func TestPolicyLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()

	q := ram.CreateCreatePolicyRequest()
	q.PolicyName, q.PolicyDocument, q.Description = "Kafka-Ops", permDoc("alikafka:*"), "kafka"
	cr, err := a.CreatePolicy(q)
	must(t, err)
	if p := cr.Policy; p.PolicyName != "Kafka-Ops" || p.PolicyType != "Custom" || p.DefaultVersion != "v1" || p.Description != "kafka" || p.CreateDate == "" {
		t.Fatalf("create %+v", p)
	}
	q.PolicyName = "kafka-ops"
	_, err = a.CreatePolicy(q)
	wantErrMsg(t, err, "EntityAlreadyExists.Policy", 409, "The policy does already EXIST.")
	q.PolicyName = "administratoraccess"
	_, err = a.CreatePolicy(q)
	wantErr(t, err, "EntityAlreadyExists.Policy", 409)
	for _, c := range []struct{ name, doc, code string }{
		{"bad_name", permDoc("a:b"), "InvalidParameter.PolicyName.InvalidChars"},
		{strings.Repeat("p", 129), permDoc("a:b"), "InvalidParameter.PolicyName.Length"},
		{"ok", `{"Statement":[{"Action":"a:b","Effect":"Allow"}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"nocolon","Effect":"Allow","Resource":"*"}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"a:b","Effect":"Maybe","Resource":"*"}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"a:b","Effect":"Allow","Resource":"*","Principal":{"RAM":"*"}}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"a:b","Effect":"Allow","Resource":"*","Condition":{"DateLessThan":{"acs:CurrentTime":"never"}}}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"a:b","Effect":"Allow","Resource":"*"}]}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"` + strings.Repeat("a", 6200) + `:b","Effect":"Allow","Resource":"*"}],"Version":"1"}`, "InvalidParameter.PolicyDocument.Length"},
	} {
		wantErr(t, do(a, "CreatePolicy", "PolicyName", c.name, "PolicyDocument", c.doc), c.code, 400)
	}

	// GetPolicy returns the default version's document.
	gq := ram.CreateGetPolicyRequest()
	gq.PolicyName, gq.PolicyType = "KAFKA-OPS", "Custom"
	gr, err := a.GetPolicy(gq)
	must(t, err)
	if gr.Policy.PolicyName != "Kafka-Ops" || gr.DefaultPolicyVersion.VersionId != "v1" || !gr.DefaultPolicyVersion.IsDefaultVersion ||
		gr.DefaultPolicyVersion.PolicyDocument != permDoc("alikafka:*") || gr.Policy.AttachmentCount != 0 {
		t.Fatalf("get %+v", gr)
	}
	gq.PolicyType = "System"
	_, err = a.GetPolicy(gq)
	wantErr(t, err, "EntityNotExist.Policy", 404)
	gq.PolicyType = "Other"
	_, err = a.GetPolicy(gq)
	wantErr(t, err, "InvalidParameter.PolicyType", 400)
	gq = ram.CreateGetPolicyRequest() // the SDK keeps old query params on reuse
	gq.PolicyName = "Kafka-Ops"
	_, err = a.GetPolicy(gq)
	wantErr(t, err, "MissingPolicyType", 400)
	gq.PolicyName, gq.PolicyType = "AliyunSTSAssumeRoleAccess", "System"
	gr, err = a.GetPolicy(gq)
	must(t, err)
	if gr.DefaultPolicyVersion.PolicyDocument != `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"*"}],"Version":"1"}` {
		t.Fatal(gr.DefaultPolicyVersion.PolicyDocument)
	}

	// Versions: v2..v5, then the limit, then rotation.
	for i := 2; i <= 5; i++ {
		r, err := newVersion(a, "Kafka-Ops", permDoc(fmt.Sprintf("alikafka:V%d", i)), i == 3, "")
		must(t, err)
		if r.PolicyVersion.VersionId != fmt.Sprintf("v%d", i) || r.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("version %+v", r.PolicyVersion)
		}
	}
	_, err = newVersion(a, "Kafka-Ops", permDoc("alikafka:V6"), true, "None")
	wantErr(t, err, "LimitExceeded.Policy.Version", 409)
	_, err = newVersion(a, "Kafka-Ops", permDoc("alikafka:V6"), true, "Sometimes")
	wantErr(t, err, "InvalidParameter.RotateStrategy", 400)
	r, err := newVersion(a, "Kafka-Ops", permDoc("alikafka:V6"), true, "DeleteOldestNonDefaultVersionWhenLimitExceeded")
	must(t, err)
	if r.PolicyVersion.VersionId != "v6" || !r.PolicyVersion.IsDefaultVersion {
		t.Fatalf("rotated %+v", r.PolicyVersion)
	}
	lq := ram.CreateListPolicyVersionsRequest()
	lq.PolicyName, lq.PolicyType = "Kafka-Ops", "Custom"
	lr, err := a.ListPolicyVersions(lq)
	must(t, err)
	var ids []string
	for _, v := range lr.PolicyVersions.PolicyVersion {
		ids = append(ids, fmt.Sprintf("%s:%v", v.VersionId, v.IsDefaultVersion))
		if v.PolicyDocument == "" {
			t.Fatal("list versions without document")
		}
	}
	if strings.Join(ids, ",") != "v2:false,v3:false,v4:false,v5:false,v6:true" {
		t.Fatalf("versions %v", ids)
	}
	// Rotating again deletes the oldest non-default (v2); ids are never reused.
	_, err = newVersion(a, "Kafka-Ops", permDoc("alikafka:V7"), false, "DeleteOldestNonDefaultVersionWhenLimitExceeded")
	must(t, err)

	vq := ram.CreateGetPolicyVersionRequest()
	vq.PolicyName, vq.PolicyType, vq.VersionId = "Kafka-Ops", "Custom", "v2"
	_, err = a.GetPolicyVersion(vq)
	wantErrMsg(t, err, "EntityNotExist.Policy.Version", 404, "The policy version does not exist.")
	vq.VersionId = "v7"
	vr, err := a.GetPolicyVersion(vq)
	must(t, err)
	if vr.PolicyVersion.PolicyDocument != permDoc("alikafka:V7") || vr.PolicyVersion.IsDefaultVersion {
		t.Fatalf("get version %+v", vr)
	}
	vq.VersionId = "version7"
	_, err = a.GetPolicyVersion(vq)
	wantErr(t, err, "InvalidParameter.VersionId.Format", 400)

	// Default version cannot be deleted; others can.
	dq := ram.CreateDeletePolicyVersionRequest()
	dq.PolicyName, dq.VersionId = "Kafka-Ops", "v6"
	_, err = a.DeletePolicyVersion(dq)
	wantErr(t, err, "DeleteConflict.Policy.Version.Default", 409)
	sq := ram.CreateSetDefaultPolicyVersionRequest()
	sq.PolicyName, sq.VersionId = "Kafka-Ops", "v7"
	_, err = a.SetDefaultPolicyVersion(sq)
	must(t, err)
	sq.VersionId = "v99"
	_, err = a.SetDefaultPolicyVersion(sq)
	wantErr(t, err, "EntityNotExist.Policy.Version", 404)
	_, err = a.DeletePolicyVersion(dq)
	must(t, err)
	_, err = a.DeletePolicyVersion(dq)
	wantErr(t, err, "EntityNotExist.Policy.Version", 404)

	// Description.
	uq := ram.CreateUpdatePolicyDescriptionRequest()
	uq.PolicyName, uq.NewDescription = "kafka-ops", "updated"
	ur, err := a.UpdatePolicyDescription(uq)
	must(t, err)
	if ur.Policy.Description != "updated" || ur.Policy.DefaultVersion != "v7" {
		t.Fatalf("update desc %+v", ur.Policy)
	}

	// Delete conflicts: versions first, then users, then roles.
	del := ram.CreateDeletePolicyRequest()
	del.PolicyName = "Kafka-Ops"
	_, err = a.DeletePolicy(del)
	wantErr(t, err, "DeleteConflict.Policy.Version", 409)
	for _, v := range []string{"v3", "v4", "v5"} {
		dq.VersionId = v
		_, err = a.DeletePolicyVersion(dq)
		must(t, err)
	}
	createUser(t, a, "pu")
	createRole(t, a, "pr", trustB)
	must(t, attachTo(a, "User", "pu", "Custom", "Kafka-Ops"))
	must(t, attachTo(a, "Role", "pr", "Custom", "kafka-ops"))
	_, err = a.DeletePolicy(del)
	wantErr(t, err, "DeleteConflict.Policy.User", 409)
	must(t, detachFrom(a, "User", "pu", "Custom", "Kafka-Ops"))
	_, err = a.DeletePolicy(del)
	wantErr(t, err, "DeleteConflict.Role.Policy", 409)
	must(t, detachFrom(a, "Role", "pr", "Custom", "Kafka-Ops"))
	_, err = a.DeletePolicy(del)
	must(t, err)
	_, err = a.DeletePolicy(del)
	wantErr(t, err, "EntityNotExist.Policy", 404)
	del.PolicyName = "AdministratorAccess"
	_, err = a.DeletePolicy(del)
	wantErr(t, err, "EntityNotExist.Policy", 404)
	_, err = newVersion(a, "AdministratorAccess", permDoc("a:b"), true, "")
	wantErr(t, err, "EntityNotExist.Policy", 404)
}

func TestAttachments(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createRole(t, a, "Att", trustB)
	createUser(t, a, "att-user")
	createPolicy(t, a, "P0", permDoc("ecs:Describe*"))

	must(t, attachTo(a, "Role", "att", "System", "aliyunkafkafullaccess"))
	err := attachTo(a, "Role", "Att", "System", "AliyunKafkaFullAccess")
	wantErrMsg(t, err, "EntityAlreadyExists.Role.Policy", 409, "The policy has already been attached to the role.")
	must(t, attachTo(a, "Role", "Att", "Custom", "p0"))
	wantErr(t, attachTo(a, "Role", "Ghost", "Custom", "P0"), "EntityNotExist.Role", 404)
	wantErr(t, attachTo(a, "Role", "Att", "Custom", "Ghost"), "EntityNotExist.Policy", 404)
	wantErr(t, attachTo(a, "Role", "Att", "Custom", "AliyunKafkaFullAccess"), "EntityNotExist.Policy", 404)
	wantErr(t, attachTo(a, "Role", "Att", "Bogus", "P0"), "InvalidParameter.PolicyType", 400)

	if ps := policiesForRole(t, a, "ATT"); len(ps) != 2 || ps[0].PolicyName != "AliyunKafkaFullAccess" || ps[0].PolicyType != "System" ||
		ps[0].AttachDate == "" || ps[1].PolicyName != "P0" || ps[1].DefaultVersion != "v1" {
		t.Fatalf("list for role %+v", ps)
	}
	wantErr(t, do(a, "ListPoliciesForRole", "RoleName", "ghost"), "EntityNotExist.Role", 404)

	// Custom limit: 10 per principal.
	for i := 1; i <= 10; i++ {
		createPolicy(t, a, fmt.Sprintf("P%d", i), permDoc("ecs:Describe*"))
	}
	for i := 1; i <= 9; i++ {
		must(t, attachTo(a, "Role", "Att", "Custom", fmt.Sprintf("P%d", i)))
	}
	wantErr(t, attachTo(a, "Role", "Att", "Custom", "P10"), "LimitExceeded.Role.Policy", 409)
	for i := 0; i <= 9; i++ {
		must(t, attachTo(a, "User", "att-user", "Custom", fmt.Sprintf("P%d", i)))
	}
	wantErr(t, attachTo(a, "User", "att-user", "Custom", "P10"), "LimitExceeded.User.Policy", 409)
	wantErr(t, attachTo(a, "User", "att-user", "Custom", "P0"), "EntityAlreadyExists.User.Policy", 409)
	must(t, attachTo(a, "User", "att-user", "System", "ReadOnlyAccess"))

	if n := len(policiesForUser(t, a, "att-user")); n != 11 {
		t.Fatalf("list for user: %d", n)
	}

	// Entities and counts.
	eq := ram.CreateListEntitiesForPolicyRequest()
	eq.PolicyName, eq.PolicyType = "p0", "Custom"
	er, err := a.ListEntitiesForPolicy(eq)
	must(t, err)
	if len(er.Roles.Role) != 1 || er.Roles.Role[0].RoleName != "Att" || er.Roles.Role[0].AttachDate == "" ||
		len(er.Users.User) != 1 || er.Users.User[0].UserName != "att-user" || er.Groups.Group == nil {
		t.Fatalf("entities %+v", er)
	}
	if n := getPolicy(t, a, "Custom", "P0").Policy.AttachmentCount; n != 2 {
		t.Fatalf("attachment count %d", n)
	}
	// Attachment counts are per account.
	if n := getPolicy(t, e.rootB(), "System", "AliyunKafkaFullAccess").Policy.AttachmentCount; n != 0 {
		t.Fatalf("B attachment count %d", n)
	}

	// Detach.
	err = detachFrom(a, "Role", "Att", "Custom", "P10")
	wantErr(t, err, "EntityNotExist.Role.Policy", 404)
	err = detachFrom(a, "User", "att-user", "Custom", "P10")
	wantErrMsg(t, err, "EntityNotExist.User.Policy", 404, "The indicate policy of the user does not exist.")

	// ListPolicies includes system then custom, with filters.
	pq := ram.CreateListPoliciesRequest()
	pq.PolicyType = "Custom"
	pr, err := a.ListPolicies(pq)
	must(t, err)
	if len(pr.Policies.Policy) != 11 || pr.Policies.Policy[0].PolicyName != "P0" || pr.Policies.Policy[0].AttachmentCount != 2 {
		t.Fatalf("custom list %+v", pr.Policies.Policy[0])
	}
	// The catalog has more system policies than the default page of 100, so ask for the largest page.
	all := ram.CreateListPoliciesRequest()
	all.MaxItems = "1000"
	pr, err = a.ListPolicies(all)
	must(t, err)
	if len(pr.Policies.Policy) != 11+len(e.srv.sysList) || pr.Policies.Policy[0].PolicyType != "System" {
		t.Fatalf("all list %d", len(pr.Policies.Policy))
	}
	names := map[string]bool{}
	for _, p := range pr.Policies.Policy {
		names[p.PolicyName] = true
	}
	for _, want := range []string{"AliyunSTSAssumeRoleAccess", "AdministratorAccess", "ReadOnlyAccess", "AliyunRAMFullAccess",
		"AliyunRAMReadOnlyAccess", "AliyunKafkaFullAccess", "AliyunKafkaReadOnlyAccess", "AliyunMQFullAccess", "AliyunMQReadOnlyAccess"} {
		if !names[want] {
			t.Errorf("system policy %s missing", want)
		}
	}
}
