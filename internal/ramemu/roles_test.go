package ramemu

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

func TestRoleLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()

	cq := ram.CreateCreateRoleRequest()
	cq.RoleName, cq.AssumeRolePolicyDocument, cq.Description = "Ops.Role@x_1-a", trustB, "ops"
	cq.MaxSessionDuration = requests.NewInteger(7200)
	cr, err := a.CreateRole(cq)
	must(t, err)
	r := cr.Role
	if r.RoleName != "Ops.Role@x_1-a" || r.MaxSessionDuration != 7200 || r.AssumeRolePolicyDocument != trustB ||
		r.Arn != "acs:ram::1000000000000001:role/Ops.Role@x_1-a" || len(r.RoleId) < 15 || r.UpdateDate != "" {
		t.Fatalf("create: %+v", r)
	}
	if _, err := time.Parse(dateLayout, r.CreateDate); err != nil {
		t.Fatal(err)
	}
	if len(cr.RequestId) != 36 || strings.ToUpper(cr.RequestId) != cr.RequestId {
		t.Fatalf("request id %q", cr.RequestId)
	}

	// Case-insensitive uniqueness and lookup; original case echoed.
	cq.RoleName = "OPS.ROLE@X_1-A"
	_, err = a.CreateRole(cq)
	wantErrMsg(t, err, "EntityAlreadyExists.Role", 409, "The role does already EXIST.")
	g, err := getRole(a, "ops.role@x_1-a")
	must(t, err)
	if g.Role.RoleName != "Ops.Role@x_1-a" || g.Role.UpdateDate == "" || g.Role.AssumeRolePolicyDocument != trustB {
		t.Fatalf("get: %+v", g.Role)
	}

	// Update: only supplied fields change.
	uq := ram.CreateUpdateRoleRequest()
	uq.RoleName = "ops.role@x_1-a"
	uq.NewDescription = "new"
	ur, err := a.UpdateRole(uq)
	must(t, err)
	if ur.Role.Description != "new" || ur.Role.MaxSessionDuration != 7200 || ur.Role.AssumeRolePolicyDocument != trustB {
		t.Fatalf("update: %+v", ur.Role)
	}
	newTrust := strings.Replace(trustB, "1000000000000002:root", "1000000000000002:user/bob", 1)
	uq = ram.CreateUpdateRoleRequest()
	uq.RoleName = "Ops.Role@x_1-a"
	uq.NewAssumeRolePolicyDocument = newTrust
	uq.NewMaxSessionDuration = requests.NewInteger(43200)
	ur, err = a.UpdateRole(uq)
	must(t, err)
	if ur.Role.AssumeRolePolicyDocument != newTrust || ur.Role.MaxSessionDuration != 43200 || ur.Role.Description != "new" {
		t.Fatalf("update2: %+v", ur.Role)
	}
	uq.NewMaxSessionDuration = requests.NewInteger(43201)
	_, err = a.UpdateRole(uq)
	wantErr(t, err, "InvalidParameter.NewMaxSessionDuration", 400)
	uq = ram.CreateUpdateRoleRequest()
	uq.RoleName = "ghost"
	uq.NewDescription = "x"
	_, err = a.UpdateRole(uq)
	wantErr(t, err, "EntityNotExist.Role", 404)

	// Validation.
	for _, c := range []struct{ name, doc, code string }{
		{"bad/name", trustB, "InvalidParameter.RoleName.InvalidChars"},
		{strings.Repeat("r", 65), trustB, "InvalidParameter.RoleName.Length"},
		{"ok", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow"}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1:root"},"Resource":"*"}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"ecs:*","Effect":"Allow","Principal":{"RAM":"acs:ram::1:root"}}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", `not json`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[],"Version":"2"}`, "MalformedPolicyDocument"},
		{"ok", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1:root"},"Condition":{"StringEqualz":{"a":"b"}}}],"Version":"1"}`, "MalformedPolicyDocument"},
		{"ok", strings.Repeat(" ", 2049), "InvalidParameter.AssumeRolePolicyDocument.Length"},
	} {
		q := ram.CreateCreateRoleRequest()
		q.RoleName, q.AssumeRolePolicyDocument = c.name, c.doc
		_, err := a.CreateRole(q)
		wantErr(t, err, c.code, 400)
	}
	q := ram.CreateCreateRoleRequest()
	q.RoleName = "nodoc"
	_, err = a.CreateRole(q)
	wantErrMsg(t, err, "MissingAssumeRolePolicyDocument", 400, "AssumeRolePolicyDocument is mandatory for this action.")
	q.AssumeRolePolicyDocument = trustB
	q.MaxSessionDuration = requests.NewInteger(3599)
	_, err = a.CreateRole(q)
	wantErr(t, err, "InvalidParameter.MaxSessionDuration", 400)
	q.MaxSessionDuration = ""
	q.Description = strings.Repeat("d", 1025)
	_, err = a.CreateRole(q)
	wantErr(t, err, "InvalidParameter.Description.Length", 400)
	_, err = getRole(a, "")
	wantErr(t, err, "MissingRoleName", 400)

	// List omits the trust document and includes UpdateDate.
	lr, err := a.ListRoles(ram.CreateListRolesRequest())
	must(t, err)
	if len(lr.Roles.Role) != 1 || lr.IsTruncated || lr.Marker != "" || lr.Roles.Role[0].AssumeRolePolicyDocument != "" || lr.Roles.Role[0].UpdateDate == "" {
		t.Fatalf("list: %+v", lr)
	}

	// Delete.
	dq := ram.CreateDeleteRoleRequest()
	dq.RoleName = "OPS.role@x_1-a"
	_, err = a.DeleteRole(dq)
	must(t, err)
	_, err = a.DeleteRole(dq)
	wantErr(t, err, "EntityNotExist.Role", 404)
	_, err = getRole(a, "Ops.Role@x_1-a")
	wantErrMsg(t, err, "EntityNotExist.Role", 404, "The role does not exist.")
	// Accounts are isolated.
	createRole(t, a, "OnlyInA", trustB)
	_, err = getRole(e.rootB(), "OnlyInA")
	wantErr(t, err, "EntityNotExist.Role", 404)
}

func TestPagination(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	for i := 0; i < 7; i++ {
		createRole(t, a, fmt.Sprintf("role-%d", i), trustB)
		createUser(t, a, fmt.Sprintf("user-%d", i))
	}
	wantPages(t, 3, "role-0,role-1,role-2,role-3,role-4,role-5,role-6", func(marker string) ([]string, string, bool) {
		r := fetch(t, a, ram.CreateListRolesResponse(), "ListRoles", "MaxItems", "3", "Marker", marker)
		return namesOf(r.Roles.Role, func(x ram.Role) string { return x.RoleName }), r.Marker, r.IsTruncated
	})
	uq := ram.CreateListUsersRequest()
	uq.MaxItems = requests.NewInteger(5)
	ur, err := a.ListUsers(uq)
	must(t, err)
	if len(ur.Users.User) != 5 || !ur.IsTruncated {
		t.Fatalf("users page 1: %+v", ur)
	}
	uq.Marker = ur.Marker
	ur, err = a.ListUsers(uq)
	must(t, err)
	if len(ur.Users.User) != 2 || ur.IsTruncated || ur.Users.User[1].UserName != "user-6" {
		t.Fatalf("users page 2: %+v", ur)
	}
	pq := ram.CreateListPoliciesRequest()
	pq.MaxItems = requests.NewInteger(4)
	pq.PolicyType = "System"
	pr, err := a.ListPolicies(pq)
	must(t, err)
	if len(pr.Policies.Policy) != 4 || !pr.IsTruncated {
		t.Fatalf("policies: %+v", pr)
	}
	for _, bad := range []string{"0", "1001", "x"} {
		wantErr(t, do(a, "ListRoles", "MaxItems", bad), "InvalidParameter.MaxItems", 400)
	}
	wantErr(t, do(a, "ListRoles", "Marker", "garbage!"), "InvalidParameter.Marker", 400)
}
