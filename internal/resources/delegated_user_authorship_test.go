package resources_test

import (
	"fmt"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// Entities of account B that someone else made under the names a delegated user needs: they are never taken
// over. (Taking over what an interrupted apply of the same configuration made is proven in internal/demo,
// which kills the CLI.)

func delegatedUserConfig(e *acctest.Env, name, roleARN string) string {
	return delegatedUserHCL(e, name, fmt.Sprintf(`
  display_name        = "Kafka operator"
  assumable_role_arns = [%q]
  console_login       = { password = "Accepted-Passw0rd" }
`, roleARN))
}

// TestAccDelegatedUser_someoneElsesUser: a user of the same name made outside this provider is refused with
// the import block to add; the user keeps what it had (nothing), and the managed policy made for the refused
// create is not left behind.
func TestAccDelegatedUser_someoneElsesUser(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("taken")
	cu := ram.CreateCreateUserRequest()
	cu.UserName, cu.DisplayName = name, "Kafka operator"
	mustSDK(t, "CreateUser")(e.RAM(t, e.B).CreateUser(cu))
	checkDestroy := func(s *terraform.State) error {
		deleteUserOutOfBand(t, e, name)
		return checkNothingLeftAfter(t, e, role)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config:      delegatedUserConfig(e, name, arn),
			ExpectError: importBlockError("aliram_delegated_user", name),
		},
		{
			Config: e.SeparateProviderConfig(),
			Check: resource.ComposeTestCheckFunc(
				checkUserPolicies(t, e, name),
				checkLoginProfile(t, e, name, false, false, false),
				checkPolicyGone(t, e, "AssumeRole-"+name),
			),
		},
	})
}

// TestAccDelegatedUser_someoneElsesManagedPolicy: a custom policy named like the user's managed policy
// (AssumeRole-<name>) that this provider did not make for the user is neither adopted nor rewritten nor
// deleted: the create fails before the user exists, saying so, and destroy leaves the policy as it was.
func TestAccDelegatedUser_someoneElsesManagedPolicy(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("alice")
	pname := "AssumeRole-" + name
	theirs := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}`
	cp := ram.CreateCreatePolicyRequest()
	cp.PolicyName, cp.PolicyDocument = pname, theirs
	mustSDK(t, "CreatePolicy")(e.RAM(t, e.B).CreatePolicy(cp))
	untouched := func(*terraform.State) error {
		p, err := managedPolicy(t, e, pname)
		if err != nil {
			return fmt.Errorf("someone else's policy %s: %v", pname, err)
		}
		if p.Policy.DefaultVersion != "v1" || !policy.Equal(p.DefaultPolicyVersion.PolicyDocument, theirs) {
			return fmt.Errorf("someone else's policy %s was rewritten: version %s, document %s", pname, p.Policy.DefaultVersion, p.DefaultPolicyVersion.PolicyDocument)
		}
		return nil
	}
	checkDestroy := func(s *terraform.State) error {
		if err := untouched(s); err != nil {
			return err
		}
		byHand(t, e, e.B).deletePolicy(pname)
		return checkNothingLeftAfter(t, e, role)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config:      delegatedUserConfig(e, name, arn),
			ExpectError: wrapRe(`(?s)` + pname + `.*did not create for the user.*neither adopted, rewritten nor deleted`),
		},
		{
			Config: e.SeparateProviderConfig(),
			Check: func(s *terraform.State) error {
				if err := untouched(s); err != nil {
					return err
				}
				gu := ram.CreateGetUserRequest()
				gu.UserName = name
				if _, err := e.RAM(t, e.B).GetUser(gu); err == nil {
					return fmt.Errorf("user %s was created although its managed policy's name is taken", name)
				}
				return nil
			},
		},
	})
}
