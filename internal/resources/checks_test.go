package resources_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// checkGone is a check that an entity (what, e.g. "role kafka-ops") no longer exists: get, its read with
// the raw SDK, fails with an error naming notFound, RAM's code for it missing.
func checkGone(what string, get func() error, notFound string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := get(); err == nil {
			return fmt.Errorf("%s still exists", what)
		} else if !strings.Contains(err.Error(), notFound) {
			return err
		}
		return nil
	}
}

// checkEmulatorTags asserts the configuration's tags (the provider's marker and Alibaba Cloud's own tags
// are not among them) of account A's role or policy (kind "role" | "policy") in the emulator; skipped on
// real Alibaba Cloud.
func checkEmulatorTags(e *acctest.Env, kind, name string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Emulator == nil {
			return nil
		}
		for _, a := range e.Emulator.State().Accounts {
			if a.ID != e.A.ID {
				continue
			}
			named := map[string]map[string]string{}
			switch kind {
			case "role":
				for _, r := range a.Roles {
					named[strings.ToLower(r.Name)] = r.Tags
				}
			case "policy":
				for _, p := range a.Policies {
					named[strings.ToLower(p.Name)] = p.Tags
				}
			}
			if tags, ok := named[strings.ToLower(name)]; ok {
				if fmt.Sprint(ramclient.UserTags(tags)) != fmt.Sprint(want) {
					return fmt.Errorf("%s %s has tags %v, want %v", kind, name, tags, want)
				}
				return nil
			}
		}
		return fmt.Errorf("%s %s not found in the emulator", kind, name)
	}
}

// delegatedUserHCL is a configuration of aliram_delegated_user.test named name in account B (the aliramb block of
// SeparateProviderConfig, which it includes); body holds the user's other arguments, one a line.
func delegatedUserHCL(e *acctest.Env, name, body string) string {
	return e.SeparateProviderConfig() + userHCL(name, body)
}

// userHCL is the aliram_delegated_user.test of delegatedUserHCL without the provider blocks (the aliramb one
// must be there).
func userHCL(name, body string) string {
	return fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider = aliramb
  name     = %q
%s}
`, name, strings.TrimPrefix(body, "\n"))
}

// policiesOf lists "Type:Name" of the policies attached to the role or user (kind "role" | "user")
// of account acct, in RAM's order (read with the raw SDK).
func policiesOf(t *testing.T, e *acctest.Env, acct ramemu.Account, kind, name string) ([]string, error) {
	c := e.RAM(t, acct)
	var ps []ram.Policy
	var err error
	if kind == "role" {
		req := ram.CreateListPoliciesForRoleRequest()
		req.RoleName = name
		var resp *ram.ListPoliciesForRoleResponse
		if resp, err = c.ListPoliciesForRole(req); err == nil {
			ps = resp.Policies.Policy
		}
	} else {
		req := ram.CreateListPoliciesForUserRequest()
		req.UserName = name
		var resp *ram.ListPoliciesForUserResponse
		if resp, err = c.ListPoliciesForUser(req); err == nil {
			ps = resp.Policies.Policy
		}
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.PolicyType+":"+p.PolicyName)
	}
	return out, nil
}

// checkPoliciesOf asserts that the role or user (kind) of acct holds exactly want: in RAM's order, or
// in any order when sorted.
func checkPoliciesOf(t *testing.T, e *acctest.Env, acct ramemu.Account, kind, name string, sorted bool, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := policiesOf(t, e, acct, kind, name)
		if err != nil {
			return err
		}
		if sorted {
			sort.Strings(got)
			sort.Strings(want)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("%s %s has policies %v, want %v", kind, name, got, want)
		}
		return nil
	}
}

// roleHCL is an aliram_cross_account_role labelled label, named name, that account trusted may assume; extra
// holds its other arguments, one a line.
func roleHCL(label, name, trusted string, extra ...string) string {
	return fmt.Sprintf(`
resource "aliram_cross_account_role" %q {
  name                = %q
  trusted_account_ids = [%q]
%s}
`, label, name, trusted, hclLines(extra))
}

// attachmentHCL is an aliram_role_policy_attachment labelled label of the aliram_cross_account_role labelled
// role; policy is the policy_name expression: a quoted name, or a reference such as aliram_policy.test.name.
// extra holds its other arguments, one a line.
func attachmentHCL(label, role, policyType, policy string, extra ...string) string {
	return fmt.Sprintf(`
resource "aliram_role_policy_attachment" %q {
  role_name   = aliram_cross_account_role.%s.name
  policy_type = %q
  policy_name = %s
%s}
`, label, role, policyType, policy, hclLines(extra))
}

// hclLines renders arguments of a block, one a line.
func hclLines(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString("  " + a + "\n")
	}
	return b.String()
}

// policyHCL is an aliram_policy labelled label and named name; document is the document expression: a quoted
// JSON document, or a jsonencode (allowHCL). extra holds its other arguments, one a line.
func policyHCL(label, name, document string, extra ...string) string {
	return fmt.Sprintf(`
resource "aliram_policy" %q {
  name     = %q
  document = %s
%s}
`, label, name, document, hclLines(extra))
}

// allowHCL is the jsonencode expression of a policy document with one statement allowing action on resource.
func allowHCL(action, resource string) string {
	return fmt.Sprintf(`jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = [%q], Resource = [%q] }] })`, action, resource)
}
