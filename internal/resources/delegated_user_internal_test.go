package resources

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

func TestManagedPolicyName(t *testing.T) {
	if got := managedPolicyName("alice-1"); got != "AssumeRole-alice-1" {
		t.Errorf("plain name: %s", got)
	}
	a, b := managedPolicyName("a.b"), managedPolicyName("a_b")
	if a == b {
		t.Errorf("a.b and a_b collide: %s", a)
	}
	long := managedPolicyName(strings.Repeat("x.", 32))
	for _, n := range []string{a, b, long} {
		if err := policy.ValidatePolicyName(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if managedPolicyName("a.b") != a {
		t.Error("not deterministic")
	}
}

func TestAssumeRolePolicyRoundTrip(t *testing.T) {
	arns := []string{"acs:ram::1000000000000001:role/b", "acs:ram::1000000000000001:role/a"}
	doc, err := renderAssumeRolePolicy(arns)
	if err != nil {
		t.Fatal(err)
	}
	if err := policy.ValidatePermissionPolicy(doc); err != nil {
		t.Fatal(err)
	}
	got := assumableRolesFromDocument(doc)
	if strings.Join(got, ",") != "acs:ram::1000000000000001:role/a,acs:ram::1000000000000001:role/b" {
		t.Fatalf("extracted %v from %s", got, doc)
	}
	// Hand-written variants: string forms, other statements ignored.
	got = assumableRolesFromDocument(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
		{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"acs:ram::1:role/x"},{"Effect":"Allow","Action":["ecs:*"],"Resource":"y"}]}`)
	if strings.Join(got, ",") != "*" {
		t.Fatalf("extracted %v", got)
	}
}

func TestRenames(t *testing.T) {
	arn := renameInSuffix(stringValue("acs:ram::1000000000000002:user/old"), ":user/", "new")
	if arn.ValueString() != "acs:ram::1000000000000002:user/new" {
		t.Error(arn)
	}
	logon := renameLogon(stringValue("old@enterprise-b.onaliyun.com"), "new")
	if logon.ValueString() != "new@enterprise-b.onaliyun.com" {
		t.Error(logon)
	}
}

func stringValue(s string) types.String { return types.StringValue(s) }
