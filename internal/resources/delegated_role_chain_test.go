package resources_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// chainConfig is the ECS delegation: in B the instance roles app (granted A's role ops) and other (granted
// only a role that does not exist); in A the role ops, trusting both of B's roles, with read access to RAM.
// withA and withB leave out either side, as destroying that side's half would.
func chainConfig(e *acctest.Env, withA, withB bool) string {
	cfg := e.ProviderConfig()
	if withB {
		cfg += fmt.Sprintf(`
resource "aliram_delegated_role" "app" {
  provider            = aliramb
  name                = "app"
  assumable_role_arns = [provider::aliram::role_arn(%[1]q, "ops")]
}

resource "aliram_delegated_role" "other" {
  provider            = aliramb
  name                = "other"
  assumable_role_arns = [provider::aliram::role_arn(%[1]q, "unrelated")]
}
`, e.A.ID)
	}
	if withA {
		trusted := "[aliram_delegated_role.app.arn, aliram_delegated_role.other.arn]"
		if !withB {
			trusted = fmt.Sprintf("[provider::aliram::role_arn(%[1]q, \"app\"), provider::aliram::role_arn(%[1]q, \"other\")]", e.B.ID)
		}
		cfg += fmt.Sprintf(`
resource "aliram_cross_account_role" "ops" {
  name                   = "ops"
  trusted_principal_arns = %s
}

resource "aliram_role_policy_attachment" "read" {
  role_name   = aliram_cross_account_role.ops.name
  policy_type = "System"
  policy_name = "AliyunRAMReadOnlyAccess"
}
`, trusted)
	}
	return cfg
}

// TestAccDelegatedRole_ecsChain proves the chain ECS instance -> B's role -> A's role end to end: an
// application holding only the instance role's credentials (from the metadata service, as the SDKs get them)
// assumes A's role and acts as it, within what A's role permits; an instance of B's role that was not granted
// A's role is refused; destroying A's half, then B's half, each revoke: AssumeRole fails afterwards and the
// credentials already handed out stop working.
func TestAccDelegatedRole_ecsChain(t *testing.T) {
	e := acctest.New(t)
	if e.Emulator == nil {
		t.Skip("the ECS instance is simulated by the emulator; on real Alibaba Cloud run the application on an ECS instance")
	}
	opsARN := acctest.RoleARN(e.A.ID, "ops")
	var app, other ramemu.ECSInstance
	var appKey, opsKey acctest.Key

	declare := func(*terraform.State) error {
		var err error
		if app, err = e.ECSInstance(t, "app"); err != nil {
			return err
		}
		other, err = e.ECSInstance(t, "other")
		return err
	}
	// The application: instance credentials, AssumeRole on A's role, then a call as A's role.
	actAsA := func(*terraform.State) error {
		var err error
		if appKey, err = acctest.InstanceKey(app); err != nil {
			return fmt.Errorf("instance credentials: %v", err)
		}
		if opsKey, err = e.AssumeRoleAfterGrant(t, appKey, opsARN, ""); err != nil {
			return fmt.Errorf("B's instance role assuming A's role: %v", err)
		}
		get := ram.CreateGetRoleRequest()
		get.RoleName = "ops"
		if _, err := e.RAMAs(t, opsKey).GetRole(get); err != nil {
			return fmt.Errorf("acting as A's role: %v", err)
		}
		// ...and only within what A's role permits.
		cu := ram.CreateCreateUserRequest()
		cu.UserName = "intruder"
		if _, err := e.RAMAs(t, opsKey).CreateUser(cu); err == nil || !strings.Contains(err.Error(), "NoPermission") {
			return fmt.Errorf("A's role (read-only) created a user: %v", err)
		}
		return nil
	}
	otherRefused := func(*terraform.State) error {
		k, err := acctest.InstanceKey(other)
		if err != nil {
			return fmt.Errorf("instance credentials of other: %v", err)
		}
		if _, err := e.AssumeRole(t, k, opsARN, ""); err == nil || !strings.Contains(err.Error(), "NoPermission") {
			return fmt.Errorf("B's role other, not granted A's role, assumed it: %v", err)
		}
		return nil
	}
	refused := func(key acctest.Key, code string) error {
		if _, err := e.AssumeRole(t, key, opsARN, ""); err == nil || !strings.Contains(err.Error(), code) {
			return fmt.Errorf("AssumeRole of A's role after revocation: want %s, got %v", code, err)
		}
		return nil
	}
	sessionDead := func(key acctest.Key, what string) error {
		get := ram.CreateGetRoleRequest()
		get.RoleName = "ops"
		if _, err := e.RAMAs(t, key).GetRole(get); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken.Expired") {
			return fmt.Errorf("%s still works after revocation: %v", what, err)
		}
		return nil
	}

	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: chainConfig(e, true, true),
			Check:  resource.ComposeTestCheckFunc(declare, actAsA, otherRefused),
		},
		{
			// A destroys its half: B's application can no longer get in, and the session it had ends.
			Config: chainConfig(e, false, true),
			Check: func(*terraform.State) error {
				k, err := acctest.InstanceKey(app)
				if err != nil {
					return err
				}
				if err := refused(k, "EntityNotExist.Role"); err != nil {
					return err
				}
				return sessionDead(opsKey, "the session of A's deleted role")
			},
		},
		{
			Config: chainConfig(e, true, true),
			Check:  actAsA,
		},
		{
			// B destroys its half: the instance gets no credentials any more, and those it had stop working.
			Config: chainConfig(e, true, false),
			Check: func(*terraform.State) error {
				if _, err := acctest.InstanceKey(app); err == nil {
					return fmt.Errorf("the metadata service still hands out credentials of B's deleted role")
				}
				if err := refused(appKey, "InvalidSecurityToken.Expired"); err != nil {
					return err
				}
				return sessionDead(appKey, "the instance credentials of B's deleted role")
			},
		},
	})
}
