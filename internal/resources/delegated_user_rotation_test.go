package resources_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
	"github.com/aliram/terraform-provider-aliram/internal/resources"
)

var (
	progPath     = tfjsonpath.New("programmatic_access")
	keyIDPath    = progPath.AtMapKey("access_key_id")
	prevKeyPath  = progPath.AtMapKey("previous_access_key_id")
	prevUntil    = progPath.AtMapKey("previous_access_key_expires_at")
	keyStatusPth = progPath.AtMapKey("status")
)

// rotationKeys follows the keys of one user through a rotation test: every secret seen in state, and what
// the emulator holds.
type rotationKeys struct {
	t       *testing.T
	e       *acctest.Env
	user    string
	arn     string
	secrets map[string]string // AccessKey ID -> secret, as the state gave it out
	order   []string          // IDs in the order they appeared
}

// remember records the current key of the state (decrypting it with entity when the state holds it encrypted).
func (rk *rotationKeys) remember(entity *openpgp.Entity) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		key, err := stateKey(s, entity)
		if err != nil {
			return err
		}
		if _, seen := rk.secrets[key.ID]; !seen {
			rk.secrets[key.ID] = key.Secret
			rk.order = append(rk.order, key.ID)
		}
		return nil
	}
}

// stateKey is the user's current key in state: its ID and secret, the secret being access_key_secret, or with
// entity (the pgp_key's private side) access_key_secret_encrypted decrypted, the plain attribute being then null.
func stateKey(s *terraform.State, entity *openpgp.Entity) (acctest.Key, error) {
	id, err := attr(s, userAddr, "programmatic_access.access_key_id")
	if err != nil {
		return acctest.Key{}, err
	}
	secret, err := stateSecret(s, entity)
	return acctest.Key{ID: id, Secret: secret}, err
}

func stateSecret(s *terraform.State, entity *openpgp.Entity) (string, error) {
	if entity == nil {
		return attr(s, userAddr, "programmatic_access.access_key_secret")
	}
	if _, err := attr(s, userAddr, "programmatic_access.access_key_secret"); err == nil {
		return "", fmt.Errorf("with pgp_key the secret is in state in plain text")
	}
	enc, err := attr(s, userAddr, "programmatic_access.access_key_secret_encrypted")
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("access_key_secret_encrypted is not base64: %v", err)
	}
	md, err := openpgp.ReadMessage(bytes.NewReader(raw), openpgp.EntityList{entity}, nil, nil)
	if err != nil {
		return "", fmt.Errorf("decrypting the secret: %v", err)
	}
	b, err := io.ReadAll(md.UnverifiedBody)
	return string(b), err
}

// key returns the n-th key seen (1-based).
func (rk *rotationKeys) key(n int) acctest.Key {
	id := rk.order[n-1]
	return acctest.Key{ID: id, Secret: rk.secrets[id]}
}

// works: each of the n-th keys makes a signed call (STS AssumeRole into A's role) that succeeds.
func (rk *rotationKeys) works(ns ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, n := range ns {
			if _, err := rk.e.AssumeRoleAfterGrant(rk.t, rk.key(n), rk.arn, ""); err != nil {
				return fmt.Errorf("key %d (%s) should work: %v", n, rk.key(n).ID, err)
			}
		}
		return nil
	}
}

// refused: each of the n-th keys is refused by the gateway with the given error code.
func (rk *rotationKeys) refused(code string, ns ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, n := range ns {
			_, err := rk.e.AssumeRole(rk.t, rk.key(n), rk.arn, "")
			if err == nil || !strings.Contains(err.Error(), code) {
				return fmt.Errorf("key %d (%s) should be refused with %s, got %v", n, rk.key(n).ID, code, err)
			}
		}
		return nil
	}
}

// holds: the emulator holds exactly the n-th keys for the user (so never a third), and no CreateAccessKey
// was ever refused for the two-key limit (a third key was never even tried).
func (rk *rotationKeys) holds(ns ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, a := range rk.e.Emulator.State().Accounts {
			for _, u := range a.Users {
				if strings.EqualFold(u.Name, rk.user) {
					for _, k := range u.AccessKeys {
						got = append(got, k.ID)
					}
				}
			}
		}
		var want []string
		for _, n := range ns {
			want = append(want, rk.key(n).ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("the user holds keys %v, want %v", got, want)
		}
		if n := rk.e.Emulator.Stats().Errors["LimitExceeded.User.AccessKey"]; n != 0 {
			return fmt.Errorf("CreateAccessKey was refused %d times for the two-key limit", n)
		}
		return nil
	}
}

// TestAccDelegatedUser_keyRotation: rotating applies create the new key first and keep the previous one
// working beside it; the third rotation deletes the first key before it creates the third (never three
// keys); an overlap ends at the first plan after it, which deletes the previous key; a key disabled out of
// band is drift that apply repairs; with pgp_key every rotated key is encrypted; status is settable;
// removing rotation deletes the previous key; destroy removes every key.
func TestAccDelegatedUser_keyRotation(t *testing.T) {
	e, advance := rotationWorld(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("rot")
	entity, armored := newPGPKey(t)
	config := func(version int, extra, pgp string, prog ...string) string {
		pgpLine := strings.Join(prog, "\n")
		if pgp != "" {
			pgpLine += "\npgp_key = <<-EOT\n" + pgp + "\nEOT"
		}
		return delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {
    %s
    rotation = {
      keepers = { version = "%d" }
      %s
    }
  }
`, arn, pgpLine, version, extra))
	}
	rk := &rotationKeys{t: t, e: e, user: name, arn: arn, secrets: map[string]string{}}
	previousIs := func(n int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			prev, err := attr(s, userAddr, "programmatic_access.previous_access_key_id")
			if err != nil {
				return err
			}
			if prev != rk.key(n).ID {
				return fmt.Errorf("previous_access_key_id = %s, want key %d (%s)", prev, n, rk.key(n).ID)
			}
			return nil
		}
	}
	rotates := func(previous int) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectUnknownValue(userAddr, keyIDPath),
			planKnownString(prevKeyPath, func() string { return rk.key(previous).ID }),
		}}
	}
	b := func() *ram.Client { return e.RAM(t, e.B) }

	checkDestroy := func(s *terraform.State) error {
		if err := rk.holds()(s); err != nil { // every key is gone
			return err
		}
		return checkNothingLeftAfter(t, e, role)(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{
		{
			Config: config(1, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, prevKeyPath, knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, keyStatusPth, knownvalue.StringExact("Active")),
			},
			Check: resource.ComposeTestCheckFunc(rk.remember(nil), rk.works(1), rk.holds(1)),
		},
		{
			// First rotation: key 2 is created, key 1 stays active as the previous key.
			Config:           config(2, "", ""),
			ConfigPlanChecks: rotates(1),
			Check:            resource.ComposeTestCheckFunc(rk.remember(nil), previousIs(1), rk.works(1, 2), rk.holds(1, 2)),
		},
		{
			// Second rotation: key 1 goes first (RAM allows two keys), then key 3; key 2 stays active.
			Config:           config(3, "", ""),
			ConfigPlanChecks: rotates(2),
			Check: resource.ComposeTestCheckFunc(rk.remember(nil), previousIs(2), rk.works(2, 3),
				rk.refused("InvalidAccessKeyId.NotFound", 1), rk.holds(2, 3)),
		},
		{
			// An overlap of a day: the previous key now has a deadline; no new key.
			Config: config(3, `overlap = "24h"`, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, prevUntil, knownvalue.NotNull()),
			}},
			Check: resource.ComposeTestCheckFunc(rk.remember(nil), previousIs(2), rk.works(2, 3), rk.holds(2, 3)),
		},
		{
			// A day and a bit later, the plan deletes the previous key; afterwards it is refused.
			PreConfig: func() { advance(25 * time.Hour) },
			Config:    config(3, `overlap = "24h"`, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, prevKeyPath, knownvalue.Null()),
				plancheck.ExpectKnownValue(userAddr, prevUntil, knownvalue.Null()),
			}},
			Check: resource.ComposeTestCheckFunc(rk.works(3), rk.refused("InvalidAccessKeyId.NotFound", 2), rk.holds(3)),
		},
		{
			// Someone disables the key: the refreshed plan is not empty...
			PreConfig: func() {
				req := ram.CreateUpdateAccessKeyRequest()
				req.UserName, req.UserAccessKeyId, req.Status = name, rk.key(3).ID, "Inactive"
				mustSDK(t, "UpdateAccessKey")(b().UpdateAccessKey(req))
			},
			Config:             config(3, `overlap = "24h"`, ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		{
			// ...and apply enables it again, in place.
			Config: config(3, `overlap = "24h"`, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(userAddr, keyStatusPth, knownvalue.StringExact("Active")),
				planKnownString(keyIDPath, func() string { return rk.key(3).ID }),
			}},
			Check: resource.ComposeTestCheckFunc(rk.works(3), rk.holds(3)),
		},
		{
			// A rotation with pgp_key (and a pgp_key change, which alone would replace the key): the new key
			// is encrypted, the previous one keeps working during the overlap.
			Config:           config(4, `overlap = "24h"`, armored),
			ConfigPlanChecks: rotates(3),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, progPath.AtMapKey("access_key_secret"), knownvalue.Null()),
				statecheck.ExpectKnownValue(userAddr, prevUntil, knownvalue.NotNull()),
			},
			Check: resource.ComposeTestCheckFunc(rk.remember(entity), previousIs(3), rk.works(3, 4), rk.holds(3, 4)),
		},
		{
			// The status is settable and applies to the current key: Inactive is refused, the previous key
			// still works.
			Config: config(4, `overlap = "24h"`, armored, `status = "Inactive"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
				planKnownString(keyIDPath, func() string { return rk.key(4).ID }),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAddr, keyStatusPth, knownvalue.StringExact("Inactive")),
			},
			Check: resource.ComposeTestCheckFunc(rk.refused("InvalidAccessKeyId.Inactive", 4), rk.works(3), rk.holds(3, 4)),
		},
		{
			// Without rotation, the previous key goes at once; the current key stays as it is.
			Config: delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {
    status  = "Inactive"
    pgp_key = <<-EOT
%s
EOT
  }
`, arn, armored)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, prevKeyPath, knownvalue.Null()),
				planKnownString(keyIDPath, func() string { return rk.key(4).ID }),
			}},
			Check: resource.ComposeTestCheckFunc(rk.refused("InvalidAccessKeyId.NotFound", 3), rk.holds(4)),
		},
	})
}

// planKnownString: the planned value at p is known and equals want() (evaluated when the plan is checked).
func planKnownString(p tfjsonpath.Path, want func() string) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(userAddr, p, lazyString{want})
}

type lazyString struct{ want func() string }

func (l lazyString) CheckValue(v any) error { return knownvalue.StringExact(l.want()).CheckValue(v) }
func (l lazyString) String() string         { return "lazy string" }

// rotationWorld is an emulator whose clock the test moves, together with the clock the provider's
// rotation plans read: advance(d) is d later for RAM's key dates and for the provider alike.
func rotationWorld(t *testing.T) (*acctest.Env, func(time.Duration)) {
	clk := ramemu.NewFakeClock(time.Now().UTC().Truncate(time.Second))
	e := acctest.NewWithOptions(t, ramemu.Options{Clock: clk})
	return e, func(d time.Duration) {
		clk.Advance(d)
		t.Cleanup(resources.AdvanceRotationClockForTesting(d))
	}
}

// TestAccDelegatedUser_keyMaxAge: without keepers, a key older than max_age is rotated by the first plan
// after that age; an import reads the two keys back; a current key deleted out of band is made again
// beside the previous one; the previous key goes once the overlap is over.
func TestAccDelegatedUser_keyMaxAge(t *testing.T) {
	e, advance := rotationWorld(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("age")
	config := delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {
    rotation = {
      max_age = "720h"
      overlap = "24h"
    }
  }
`, arn))
	rk := &rotationKeys{t: t, e: e, user: name, arn: arn, secrets: map[string]string{}}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{Config: config, Check: resource.ComposeTestCheckFunc(rk.remember(nil), rk.works(1), rk.holds(1))},
		{
			// 29 days on: not old enough yet.
			PreConfig:          func() { advance(29 * 24 * time.Hour) },
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: false,
		},
		{
			// 30 days and an hour: the plan rotates.
			PreConfig: func() { advance(25 * time.Hour) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(userAddr, keyIDPath),
				planKnownString(prevKeyPath, func() string { return rk.key(1).ID }),
			}},
			Check: resource.ComposeTestCheckFunc(rk.remember(nil), rk.works(1, 2), rk.holds(1, 2)),
		},
		{
			// Imported, the user's newer key is the current one and the older the previous key (the
			// configuration's rotation settings and the secret cannot be read back).
			ResourceName:      userAddr,
			ImportState:       true,
			ImportStateId:     name,
			ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"programmatic_access.access_key_secret", "programmatic_access.rotation",
				"programmatic_access.previous_access_key_expires_at"},
		},
		{
			// Someone deletes the new key during the overlap: the plan makes another beside the previous key,
			// which applications may still use.
			PreConfig: func() {
				req := ram.CreateDeleteAccessKeyRequest()
				req.UserName, req.UserAccessKeyId = name, rk.key(2).ID
				mustSDK(t, "DeleteAccessKey")(e.RAM(t, e.B).DeleteAccessKey(req))
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(userAddr, keyIDPath),
				planKnownString(prevKeyPath, func() string { return rk.key(1).ID }),
			}},
			Check: resource.ComposeTestCheckFunc(rk.remember(nil), rk.works(1, 3), rk.holds(1, 3)),
		},
		{
			// A day later the overlap is over: the plan deletes the previous key.
			PreConfig: func() { advance(24 * time.Hour) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(userAddr, prevKeyPath, knownvalue.Null()),
				planKnownString(keyIDPath, func() string { return rk.key(3).ID }),
			}},
			Check: resource.ComposeTestCheckFunc(rk.works(3), rk.refused("InvalidAccessKeyId.NotFound", 1, 2), rk.holds(3)),
		},
	})
}

// TestAccDelegatedUser_rotationBadInput: bad rotation and status values fail at plan, naming the attribute,
// and no API call is made.
func TestAccDelegatedUser_rotationBadInput(t *testing.T) {
	e := acctest.New(t)
	step := func(prog, want string) resource.TestStep {
		return resource.TestStep{
			Config: delegatedUserHCL(e, "bad-input", fmt.Sprintf(`
  programmatic_access = {
    %s
  }
`, prog)),
			PlanOnly:    true,
			ExpectError: wrapRe(want),
		}
	}
	e.ResetCalls()
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), nil, []resource.TestStep{
		step(`rotation = {
      max_age = "720h"
      overlap = "720h"
    }`, `(?s)programmatic_access.rotation.overlap.*must be shorter than.*programmatic_access.rotation.max_age`),
		step(`rotation = {
      max_age = "168h"
      overlap = "200h"
    }`, `(?s)Overlap longer than the rotation allows`),
		step(`rotation = {
      keepers = { v = "1" }
      overlap = "-1h"
    }`, `(?s)programmatic_access.rotation.overlap.*not negative`),
		step(`rotation = {
      keepers = { v = "1" }
      overlap = "one week"
    }`, `(?s)programmatic_access.rotation.overlap.*duration`),
		step(`rotation = {
      max_age = "0s"
    }`, `(?s)programmatic_access.rotation.max_age.*greater than zero`),
		step(`rotation = {
      overlap = "24h"
    }`, `(?s)programmatic_access.rotation.*needs keepers.*or max_age`),
		step(`status = "Paused"`, `(?s)programmatic_access.status value must be one of.*"Active".*"Inactive".*got: "Paused"`),
	})
	e.AssertNoAPICalls(t)
}
