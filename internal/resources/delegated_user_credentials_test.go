package resources_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// TestAccDelegatedUser_consoleLogin: a person in B with a console password and the system policy, as the
// seeds do; password and flags change in place and are really sent; removing console_login deletes the
// login profile.
func TestAccDelegatedUser_consoleLogin(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("alice")
	config := func(password string, mfa bool, withLogin bool) string {
		login := ""
		if withLogin {
			login = fmt.Sprintf(`console_login = {
    password          = %q
    mfa_bind_required = %t
  }`, password, mfa)
		}
		return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider     = aliramb
  name         = %q
  email        = "alice@example.com"
  mobile_phone = "86-18600000000"
  %s
}
`, name, login)
	}

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.FactoriesWith("aliramb"),
		CheckDestroy:             e.CheckNothingLeft(t),
		Steps: []resource.TestStep{
			{
				Config: config("Initial-Passw0rd", false, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_name"), knownvalue.StringExact("AliyunSTSAssumeRoleAccess")),
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("assume_role_policy_type"), knownvalue.StringExact("System")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_reset_required"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("mfa_bind_required"), knownvalue.Bool(false)),
					statecheck.ExpectSensitiveValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("email"), knownvalue.StringExact("alice@example.com")),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("logon_name"), knownvalue.StringExact(name+"@"+aliasOrID(e)+".onaliyun.com")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkUserPolicies(t, e, name, "System:AliyunSTSAssumeRoleAccess"),
					checkLoginProfile(t, e, name, true, true, false),
				),
			},
			{
				ResourceName:            userAddr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"console_login.password"},
			},
			{
				// A new password is really sent.
				PreConfig: e.ResetCalls,
				Config:    config("Second-Passw0rd", false, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1, "Ram.CreateLoginProfile": 0}),
			},
			{
				// A flag alone is updated without touching the password.
				PreConfig: e.ResetCalls,
				Config:    config("Second-Passw0rd", true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1}),
					checkLoginProfile(t, e, name, true, true, true),
				),
			},
			{
				// Removing console_login deletes the login profile.
				Config: config("", false, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkLoginProfile(t, e, name, false, false, false),
			},
		},
	})
}

func checkLoginProfile(t *testing.T, e *acctest.Env, user string, exists, reset, mfa bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		req := ram.CreateGetLoginProfileRequest()
		req.UserName = user
		resp, err := e.RAM(t, e.B).GetLoginProfile(req)
		if !exists {
			if err == nil {
				return fmt.Errorf("user %s still has a login profile", user)
			}
			if !strings.Contains(err.Error(), "EntityNotExist") {
				return err
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("login profile of %s: %v", user, err)
		}
		if resp.LoginProfile.PasswordResetRequired != reset || resp.LoginProfile.MFABindRequired != mfa {
			return fmt.Errorf("login profile of %s: reset=%t mfa=%t, want reset=%t mfa=%t", user,
				resp.LoginProfile.PasswordResetRequired, resp.LoginProfile.MFABindRequired, reset, mfa)
		}
		return nil
	}
}

// TestAccDelegatedUser_writeOnlyPassword: password_wo never reaches plan or state; bumping
// password_wo_version sends the new one.
func TestAccDelegatedUser_writeOnlyPassword(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("bob")
	config := func(password string, version int) string {
		return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider = aliramb
  name     = %q
  console_login = {
    password_wo             = %q
    password_wo_version     = %d
    password_reset_required = false
  }
}
`, name, password, version)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.FactoriesWith("aliramb"),
		CheckDestroy:             e.CheckNothingLeft(t),
		Steps: []resource.TestStep{
			{
				PreConfig: e.ResetCalls,
				Config:    config("WriteOnly-Passw0rd", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("console_login").AtMapKey("password_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCalls(e, map[string]int64{"Ram.CreateLoginProfile": 1}),
					checkLoginProfile(t, e, name, true, false, false),
					checkStateHasNo(userAddr, "WriteOnly-Passw0rd"),
				),
			},
			{
				// A new password without a new version is not sent (and not even seen in the plan).
				Config: config("Ignored-Passw0rd", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				PreConfig: e.ResetCalls,
				Config:    config("Rotated-Passw0rd", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkCalls(e, map[string]int64{"Ram.UpdateLoginProfile": 1}),
					checkStateHasNo(userAddr, "Rotated-Passw0rd"),
				),
			},
		},
	})
}

// checkStateHasNo fails if any attribute of addr holds the secret.
func checkStateHasNo(addr, secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		for k, v := range rs.Primary.Attributes {
			if strings.Contains(v, secret) {
				return fmt.Errorf("state attribute %s holds the write-only password", k)
			}
		}
		return nil
	}
}

// TestAccDelegatedUser_pgpKey: with pgp_key the secret is stored only encrypted; decrypted, it works.
func TestAccDelegatedUser_pgpKey(t *testing.T) {
	e := acctest.New(t)
	role := acctest.RandomName("role")
	arn := roleInA(t, e, role)
	name := acctest.RandomName("pgp")
	entity, armored := newPGPKey(t)
	config := func(key string) string {
		return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider            = aliramb
  name                = %q
  assumable_role_arns = [%q]
  programmatic_access = {
    pgp_key = <<-EOT
%s
EOT
  }
}
`, name, arn, key)
	}
	var firstKey string
	decryptAndAssume := func(s *terraform.State) error {
		id, err := attr(s, userAddr, "programmatic_access.access_key_id")
		if err != nil {
			return err
		}
		enc, err := attr(s, userAddr, "programmatic_access.access_key_secret_encrypted")
		if err != nil {
			return err
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return fmt.Errorf("access_key_secret_encrypted is not base64: %v", err)
		}
		md, err := openpgp.ReadMessage(bytes.NewReader(raw), openpgp.EntityList{entity}, nil, nil)
		if err != nil {
			return fmt.Errorf("decrypting the secret: %v", err)
		}
		secret, err := io.ReadAll(md.UnverifiedBody)
		if err != nil {
			return err
		}
		if _, err := e.AssumeRole(t, acctest.Key{ID: id, Secret: string(secret)}, arn, ""); err != nil {
			return fmt.Errorf("the decrypted secret does not work: %v", err)
		}
		firstKey = id
		return nil
	}
	_, otherArmored := newPGPKey(t)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.FactoriesWith("aliramb"),
		CheckDestroy:             checkNothingLeftAfter(t, e, role),
		Steps: []resource.TestStep{
			{
				Config: config(armored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_secret_encrypted"), knownvalue.NotNull()),
				},
				Check: decryptAndAssume,
			},
			{
				// Another key cannot re-encrypt an existing secret: the AccessKey is replaced, in place.
				Config: config(otherArmored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(userAddr, tfjsonpath.New("programmatic_access").AtMapKey("access_key_id")),
				}},
				Check: func(s *terraform.State) error {
					id, err := attr(s, userAddr, "programmatic_access.access_key_id")
					if err != nil {
						return err
					}
					if id == firstKey {
						return fmt.Errorf("the AccessKey was not replaced")
					}
					return checkKeys(t, e, name, id)
				},
			},
		},
	})
}

// checkKeys asserts the user holds exactly these AccessKeys.
func checkKeys(t *testing.T, e *acctest.Env, user string, ids ...string) error {
	req := ram.CreateListAccessKeysRequest()
	req.UserName = user
	resp, err := e.RAM(t, e.B).ListAccessKeys(req)
	if err != nil {
		return err
	}
	var got []string
	for _, k := range resp.AccessKeys.AccessKey {
		got = append(got, k.AccessKeyId)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		return fmt.Errorf("user %s holds AccessKeys %v, want %v", user, got, ids)
	}
	return nil
}

func newPGPKey(t *testing.T) (*openpgp.Entity, string) {
	t.Helper()
	entity, err := openpgp.NewEntity("acctest", "", "acctest@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := entity.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return entity, buf.String()
}
