package ramemu

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// The v1 SDK's typed requests drop empty strings, so present-and-empty parameters go out as CommonRequests
// (commonAs); the typed requests show what an absent parameter does.

type userProfile struct{ display, mobile, email, comments string }

func (e *testEnv) profile(name string) userProfile {
	e.t.Helper()
	q := ram.CreateGetUserRequest()
	q.UserName = name
	r, err := e.rootA().GetUser(q)
	must(e.t, err)
	return userProfile{r.User.DisplayName, r.User.MobilePhone, r.User.Email, r.User.Comments}
}

// TestUpdateUserExplicitClears: each of UpdateUser's optional fields sent present-and-empty clears that field
// alone; sent absent, it is kept.
func TestUpdateUserExplicitClears(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	full := userProfile{"Alice A.", "86-18600000000", "alice@example.com", "an engineer"}
	fill := func() {
		t.Helper()
		q := ram.CreateUpdateUserRequest()
		q.UserName = "alice"
		q.NewDisplayName, q.NewMobilePhone, q.NewEmail, q.NewComments = full.display, full.mobile, full.email, full.comments
		_, err := a.UpdateUser(q)
		must(t, err)
		if got := e.profile("alice"); got != full {
			t.Fatalf("filled profile %+v", got)
		}
	}
	createUser(t, a, "alice")
	for _, c := range []struct {
		param string
		want  userProfile
	}{
		{"NewDisplayName", userProfile{"", full.mobile, full.email, full.comments}},
		{"NewMobilePhone", userProfile{full.display, "", full.email, full.comments}},
		{"NewEmail", userProfile{full.display, full.mobile, "", full.comments}},
		{"NewComments", userProfile{full.display, full.mobile, full.email, ""}},
	} {
		fill()
		m, err := e.commonAs(a, "UpdateUser", map[string]string{"UserName": "alice", c.param: ""})
		must(t, err)
		if got := e.profile("alice"); got != c.want {
			t.Errorf("%s= cleared to %+v, want %+v", c.param, got, c.want)
		}
		if _, has := m["User"].(map[string]any); !has {
			t.Errorf("%s=: answer %v", c.param, m)
		}
	}

	// Absent parameters keep every field: a typed request with empty strings sends none of them.
	fill()
	q := ram.CreateUpdateUserRequest()
	q.UserName = "alice"
	q.NewComments = "" // dropped by the SDK: absent on the wire
	_, err := a.UpdateUser(q)
	must(t, err)
	_, err = e.commonAs(a, "UpdateUser", map[string]string{"UserName": "alice"})
	must(t, err)
	if got := e.profile("alice"); got != full {
		t.Fatalf("absent parameters changed the profile: %+v", got)
	}

	// Present and not empty, the formats still apply.
	_, err = e.commonAs(a, "UpdateUser", map[string]string{"UserName": "alice", "NewEmail": "not-an-email"})
	wantErr(t, err, "InvalidParameter.NewEmail.Format", 400)
	_, err = e.commonAs(a, "UpdateUser", map[string]string{"UserName": "alice", "NewMobilePhone": "12345"})
	wantErr(t, err, "InvalidParameter.NewMobilePhone.Format", 400)
	// CreateUser has nothing to clear: empty there is just absent.
	_, err = e.commonAs(a, "CreateUser", map[string]string{"UserName": "bob", "Email": "", "Comments": ""})
	must(t, err)
}

// TestUpdateRoleExplicitClear: UpdateRole's NewDescription sent empty clears the description; absent keeps it.
func TestUpdateRoleExplicitClear(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	fetch(t, a, ram.CreateCreateRoleResponse(), "CreateRole", "RoleName", "described", "AssumeRolePolicyDocument", trustB, "Description", "the role's purpose")
	desc := func() string {
		t.Helper()
		r, err := getRole(a, "described")
		must(t, err)
		return r.Role.Description
	}
	fetch(t, a, ram.CreateUpdateRoleResponse(), "UpdateRole", "RoleName", "described", "NewMaxSessionDuration", "7200")
	if got := desc(); got != "the role's purpose" {
		t.Fatalf("absent NewDescription changed the description to %q", got)
	}
	m, err := e.commonAs(a, "UpdateRole", map[string]string{"RoleName": "described", "NewDescription": ""})
	must(t, err)
	if got := desc(); got != "" {
		t.Fatalf("NewDescription= left %q", got)
	}
	if r := m["Role"].(map[string]any); r["Description"] != "" || r["MaxSessionDuration"] != float64(7200) {
		t.Fatalf("answer %v", r)
	}
}

// TestUpdatePolicyDescriptionExplicitClear: NewDescription sent empty clears a custom policy's description;
// absent keeps it.
func TestUpdatePolicyDescriptionExplicitClear(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	fetch(t, a, ram.CreateCreatePolicyResponse(), "CreatePolicy", "PolicyName", "Described", "PolicyDocument", permDoc("ecs:*"), "Description", "what it grants")
	desc := func() string {
		t.Helper()
		return getPolicy(t, a, "Custom", "Described").Policy.Description
	}
	_, err := e.commonAs(a, "UpdatePolicyDescription", map[string]string{"PolicyName": "Described"})
	must(t, err)
	if got := desc(); got != "what it grants" {
		t.Fatalf("absent NewDescription changed the description to %q", got)
	}
	_, err = e.commonAs(a, "UpdatePolicyDescription", map[string]string{"PolicyName": "Described", "NewDescription": ""})
	must(t, err)
	if got := desc(); got != "" {
		t.Fatalf("NewDescription= left %q", got)
	}
}
