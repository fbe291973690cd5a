package resources_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

const roleAddr = "aliram_cross_account_role.test"

// providerA is the provider block of account A only: everything these resources manage lives in A, and an
// unused aliased block for B would share the in-process provider server (see acctest.FactoriesWith).
func providerA(e *acctest.Env) string { return e.ProviderBlock("", e.A) }

// roleConfig renders the provider blocks and one aliram_cross_account_role "test" with the given arguments.
func roleConfig(e *acctest.Env, name, body string) string {
	return providerA(e) + fmt.Sprintf(`
resource "aliram_cross_account_role" "test" {
  name = %q
%s
}
`, name, body)
}

// wrapRe compiles an expected-error pattern in which a space matches any run of whitespace: the CLI wraps
// diagnostics at its terminal width.
func wrapRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// mustTrust builds the document the provider must plan for a typed spec.
func mustTrust(t *testing.T, spec policy.TrustSpec) string {
	t.Helper()
	doc, err := policy.BuildTrustPolicy(spec)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// checkRoleInRAM asserts what RAM itself holds (read with the raw SDK): the trust document is semantically
// the expected one, and description and session duration match.
func checkRoleInRAM(t *testing.T, e *acctest.Env, name, trust, description string, duration int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r, err := byHand(t, e, e.A).getRole(name)
		if err != nil {
			return fmt.Errorf("role %s: %v", name, err)
		}
		if !policy.Equal(r.Role.AssumeRolePolicyDocument, trust) {
			return fmt.Errorf("role %s trusts %s, want %s", name, r.Role.AssumeRolePolicyDocument, trust)
		}
		if r.Role.Description != description || r.Role.MaxSessionDuration != duration {
			return fmt.Errorf("role %s: description %q duration %d, want %q %d", name, r.Role.Description, r.Role.MaxSessionDuration, description, duration)
		}
		return nil
	}
}

// checkRoleTags asserts the role's tags in the emulator (skipped on real Alibaba Cloud).
func checkRoleTags(e *acctest.Env, name string, want map[string]string) resource.TestCheckFunc {
	return checkEmulatorTags(e, "role", name, want)
}

func checkRoleGone(t *testing.T, e *acctest.Env, name string) resource.TestCheckFunc {
	return checkGone("role "+name, func() error { _, err := byHand(t, e, e.A).getRole(name); return err }, "EntityNotExist.Role")
}

// deleteRoleOutOfBand removes a role of account A the way an administrator would in the console: detach,
// then delete.
func deleteRoleOutOfBand(t *testing.T, e *acctest.Env, name string) {
	a := byHand(t, e, e.A)
	lr := ram.CreateListPoliciesForRoleRequest()
	lr.RoleName = name
	pols, err := a.c.ListPoliciesForRole(lr)
	mustSDK(t, "ListPoliciesForRole")(pols, err)
	for _, p := range pols.Policies.Policy {
		a.detachFromRole(name, p.PolicyType, p.PolicyName)
	}
	a.deleteRole(name)
}

// TestAccCrossAccountRole_lifecycle: typed trust; the plan shows the exact document; a second plan is empty;
// trust, description, duration and tags change in place; import (by ID, import block and identity) gives
// back the typed arguments; a new name replaces; destroy leaves nothing.
func TestAccCrossAccountRole_lifecycle(t *testing.T) {
	e := acctest.New(t)
	name, renamed := acctest.RandomName("kafka-ops"), acctest.RandomName("kafka-ops-renamed")
	spec1 := policy.TrustSpec{AccountIDs: []string{e.B.ID}, ExternalID: "contract-0042"}
	body1 := fmt.Sprintf(`
  description         = "Enterprise B operates our Kafka instances"
  trusted_account_ids = [%q]
  external_id         = "contract-0042"
  tags = {
    contract = "0042"
  }
`, e.B.ID)
	spec2 := policy.TrustSpec{
		AccountIDs:    []string{e.B.ID},
		PrincipalARNs: []string{"acs:ram::" + e.B.ID + ":user/kafka-operator"},
		ExternalID:    "contract-0042",
		RequireMFA:    true,
		SourceIPs:     []string{"10.0.0.0/8", "127.0.0.1"},
		ValidUntil:    "2099-12-31T23:59:59Z",
	}
	body2 := fmt.Sprintf(`
  description            = "Enterprise B operates and monitors our Kafka instances"
  trusted_account_ids    = [%q]
  trusted_principal_arns = ["acs:ram::%s:user/kafka-operator"]
  external_id            = "contract-0042"
  require_mfa            = true
  allowed_source_ips     = ["127.0.0.1", "10.0.0.0/8"]
  valid_until            = "2099-12-31T23:59:59Z"
  max_session_duration   = 7200
  tags = {
    contract = "0042"
    partner  = "enterprise-b"
  }
`, e.B.ID, e.B.ID)
	trust1, trust2 := mustTrust(t, spec1), mustTrust(t, spec2)
	untagged := body2[:strings.Index(body2, "  tags = {")]

	e.Test(t, []resource.TestStep{
		{
			Config: roleConfig(e, name, body1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
					// What the user reviews is exactly what RAM gets.
					plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("assume_role_policy"), knownvalue.StringExact(trust1)),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("arn"), knownvalue.StringExact(acctest.RoleARN(e.A.ID, name))),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("role_id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("create_date"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("max_session_duration"), knownvalue.Int64Exact(3600)),
				statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("force_detach_policies"), knownvalue.Bool(false)),
				statecheck.ExpectSensitiveValue(roleAddr, tfjsonpath.New("external_id")),
				acctest.IfIdentity(statecheck.ExpectIdentity(roleAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.A.ID), "name": knownvalue.StringExact(name)})),
			},
			Check: resource.ComposeTestCheckFunc(
				checkRoleInRAM(t, e, name, trust1, "Enterprise B operates our Kafka instances", 3600),
				checkRoleTags(e, name, map[string]string{"contract": "0042"}),
			),
		},
		{
			// Every trust argument, the description, the duration and the tags change: in place.
			Config: roleConfig(e, name, body2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("assume_role_policy"), knownvalue.StringExact(trust2)),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkRoleInRAM(t, e, name, trust2, "Enterprise B operates and monitors our Kafka instances", 7200),
				checkRoleTags(e, name, map[string]string{"contract": "0042", "partner": "enterprise-b"}),
			),
		},
		{
			// Import recovers the typed arguments from the trust document: nothing needs ignoring.
			ResourceName:      roleAddr,
			ImportState:       true,
			ImportStateId:     name,
			ImportStateVerify: true,
		},
		{
			ResourceName:    roleAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   name,
		},
		importByIdentity(roleAddr),
		{
			// Dropping tags from the configuration removes them from the role.
			Config: roleConfig(e, name, untagged),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkRoleTags(e, name, map[string]string{}),
		},
		{
			Config: roleConfig(e, renamed, body2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkRoleGone(t, e, name),
				checkRoleInRAM(t, e, renamed, trust2, "Enterprise B operates and monitors our Kafka instances", 7200),
			),
		},
	})
}

// TestAccCrossAccountRole_semanticEquality: a raw document keeps the user's spelling; an equivalent document
// written out of band (list vs string, reordered principals, key order, whitespace) gives no diff; a real
// out-of-band trust edit does, and apply restores the configuration; switching to the equivalent typed
// arguments sends nothing to RAM.
func TestAccCrossAccountRole_semanticEquality(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("mq-ops")
	bob := "acs:ram::" + e.B.ID + ":user/bob"
	root := "acs:ram::" + e.B.ID + ":root"
	raw := fmt.Sprintf(`
  assume_role_policy = jsonencode({
    Version = "1"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { RAM = [%q, %q] }
    }]
  })
`, root, bob)
	equivalent := fmt.Sprintf(`{
  "Statement": [
    {
      "Principal": {"RAM": ["%s", "%s"]},
      "Effect": "Allow",
      "Action": ["sts:AssumeRole"]
    }
  ],
  "Version": "1"
}`, bob, root)
	other := fmt.Sprintf(`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["%s","acs:ram::1000000000000003:root"]}}],"Version":"1"}`, root)
	typed := fmt.Sprintf(`
  trusted_account_ids    = [%q]
  trusted_principal_arns = [%q]
`, e.B.ID, bob)
	wantTrust := mustTrust(t, policy.TrustSpec{AccountIDs: []string{e.B.ID}, PrincipalARNs: []string{bob}})

	e.Test(t, []resource.TestStep{
		{
			Config: roleConfig(e, name, raw),
			Check:  checkRoleInRAM(t, e, name, wantTrust, "", 3600),
		},
		{
			PreConfig: func() {
				byHand(t, e, e.A).updateTrust(name, equivalent)
				if r, err := byHand(t, e, e.A).getRole(name); err != nil || r.Role.AssumeRolePolicyDocument == "" {
					t.Fatalf("reading back the out-of-band document: %v", err)
				}
			},
			Config: roleConfig(e, name, raw),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			PreConfig: func() { byHand(t, e, e.A).updateTrust(name, other) },
			Config:    roleConfig(e, name, raw),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkRoleInRAM(t, e, name, wantTrust, "", 3600),
		},
		{
			// Same trust, now typed: the state changes, RAM is not called to update anything.
			PreConfig: e.ResetCalls,
			Config:    roleConfig(e, name, typed),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(
				checkCalls(e, map[string]int64{"Ram.UpdateRole": 0}),
				checkRoleInRAM(t, e, name, wantTrust, "", 3600),
			),
		},
		{
			// Typed arguments see out-of-band trust edits too.
			PreConfig: func() { byHand(t, e, e.A).updateTrust(name, other) },
			Config:    roleConfig(e, name, typed),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(roleAddr, tfjsonpath.New("assume_role_policy"), knownvalue.StringExact(wantTrust)),
			}},
			Check: checkRoleInRAM(t, e, name, wantTrust, "", 3600),
		},
	})
}

// TestAccCrossAccountRole_disappears: a role deleted out of band is dropped from state and planned again.
func TestAccCrossAccountRole_disappears(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("kafka-ops")
	body := fmt.Sprintf(`  trusted_account_ids = [%q]`, e.B.ID)
	e.Test(t, []resource.TestStep{
		{Config: roleConfig(e, name, body)},
		{
			PreConfig: func() { deleteRoleOutOfBand(t, e, name) },
			Config:    roleConfig(e, name, body),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionCreate),
			}},
		},
	})
}

// checkAssume: the key gets credentials for the role (and the session really is in account A), or is
// refused by STS.
func checkAssume(t *testing.T, e *acctest.Env, key acctest.Key, role, externalID string, allowed bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		arn := acctest.RoleARN(e.A.ID, role)
		sess, err := e.AssumeRole(t, key, arn, externalID)
		switch {
		case allowed && err != nil:
			return fmt.Errorf("assuming %s (external id %q) should work: %v", role, externalID, err)
		case !allowed && err == nil:
			return fmt.Errorf("assuming %s (external id %q) should be refused", role, externalID)
		case !allowed:
			if !strings.Contains(err.Error(), "NoPermission") && !strings.Contains(err.Error(), "AccessDenied") {
				return fmt.Errorf("assuming %s: expected a refusal, got %v", role, err)
			}
			return nil
		}
		id, err := e.STS(t, sess).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
		if err != nil {
			return fmt.Errorf("the session of %s cannot call STS: %v", role, err)
		}
		if id.AccountId != e.A.ID {
			return fmt.Errorf("the session of %s is in account %s, want %s", role, id.AccountId, e.A.ID)
		}
		return nil
	}
}

// TestAccCrossAccountRole_trustIsReal: a RAM user of B holding AliyunSTSAssumeRoleAccess can assume the role
// A trusts B with, with the external ID; STS refuses without it, after valid_until, from a non-trusted
// account or principal, without MFA and from outside allowed_source_ips. Moving valid_until into the past
// (in place) ends the delegation.
func TestAccCrossAccountRole_trustIsReal(t *testing.T) {
	e := acctest.New(t)
	user := acctest.RandomName("kafka-operator")
	key := userInB(t, e, user, true)
	n := func(s string) string { return acctest.RandomName(s) }
	good, expired, other, mfa, office, narrow, local := n("good"), n("expired"), n("other"), n("mfa"), n("office"), n("narrow"), n("local")
	config := func(goodUntil string) string {
		return providerA(e) + fmt.Sprintf(`
resource "aliram_cross_account_role" "good" {
  name                = %[1]q
  trusted_account_ids = [%[8]q]
  external_id         = "contract-0042"
  valid_until         = %[10]q
}
resource "aliram_cross_account_role" "expired" {
  name                = %[2]q
  trusted_account_ids = [%[8]q]
  valid_until         = "2020-01-01T00:00:00Z"
}
resource "aliram_cross_account_role" "other" {
  name                = %[3]q
  trusted_account_ids = ["1000000000000003"]
}
resource "aliram_cross_account_role" "mfa" {
  name                = %[4]q
  trusted_account_ids = [%[8]q]
  require_mfa         = true
}
resource "aliram_cross_account_role" "office" {
  name                = %[5]q
  trusted_account_ids = [%[8]q]
  allowed_source_ips  = ["203.0.113.0/24"]
}
resource "aliram_cross_account_role" "narrow" {
  name                   = %[6]q
  trusted_principal_arns = ["acs:ram::%[8]s:user/someone-else"]
}
resource "aliram_cross_account_role" "local" {
  name                   = %[7]q
  trusted_principal_arns = ["acs:ram::%[8]s:user/%[9]s"]
  allowed_source_ips     = ["127.0.0.1/32", "::1"]
}
`, good, expired, other, mfa, office, narrow, local, e.B.ID, user, goodUntil)
	}
	checks := []resource.TestCheckFunc{
		checkAssume(t, e, key, good, "contract-0042", true),
		checkAssume(t, e, key, good, "", false),
		checkAssume(t, e, key, good, "contract-0043", false),
		checkAssume(t, e, key, expired, "", false),
		checkAssume(t, e, key, other, "", false),
		checkAssume(t, e, key, mfa, "", false),
		checkAssume(t, e, key, office, "", false),
		checkAssume(t, e, key, narrow, "", false),
	}
	if e.Emulator != nil { // from a real machine the source address is not loopback
		checks = append(checks, checkAssume(t, e, key, local, "", true))
	}
	checkDestroy := func(s *terraform.State) error {
		deleteUserOutOfBand(t, e, user)
		return e.CheckNothingLeft(t)(s)
	}
	acctest.Test(t, checkDestroy, []resource.TestStep{
		{
			Config: config("2099-12-31T23:59:59+08:00"),
			Check:  resource.ComposeTestCheckFunc(checks...),
		},
		{
			// The contract ends: valid_until moves into the past, in place, and STS refuses from now on.
			Config: config("2020-06-30T23:59:59Z"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("aliram_cross_account_role.good", plancheck.ResourceActionUpdate),
			}},
			Check: checkAssume(t, e, key, good, "contract-0042", false),
		},
	})
}

// TestAccCrossAccountRole_badInput: every bad value fails at plan time, names the attribute, and no API
// call is made.
func TestAccCrossAccountRole_badInput(t *testing.T) {
	e := acctest.New(t)
	b := e.B.ID
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: roleConfig(e, "kafka-ops", body), PlanOnly: true, ExpectError: wrapRe(want)}
	}
	trusted := fmt.Sprintf("  trusted_account_ids = [%q]\n", b)
	e.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{
		{Config: roleConfig(e, strings.Repeat("r", 65), trusted), PlanOnly: true,
			ExpectError: wrapRe(`(?s)name.*65 characters long`)},
		{Config: roleConfig(e, "kafka ops/b!", trusted), PlanOnly: true,
			ExpectError: wrapRe(`(?s)name.*not allowed`)},
		step(`  trusted_account_ids = ["12345"]`, `(?s)trusted_account_ids.*exactly\s+16\s+digits`),
		step(`  trusted_account_ids = ["10000000000000021"]`, `(?s)trusted_account_ids.*exactly\s+16\s+digits`),
		step(`  trusted_principal_arns = ["acs:ram::`+b+`:group/ops"]`, `(?s)trusted_principal_arns`),
		step(trusted+`  allowed_source_ips = ["10.0.0.0/33"]`, `(?s)allowed_source_ips.*CIDR`),
		step(trusted+`  allowed_source_ips = ["office-network"]`, `(?s)allowed_source_ips.*IP`),
		step(trusted+`  max_session_duration = 3599`, `(?s)max_session_duration.*3600`),
		step(trusted+`  max_session_duration = 43201`, `(?s)max_session_duration.*43200`),
		step(trusted+`  valid_until = "2027-06-30"`, `(?s)valid_until.*RFC\s+3339`),
		step(trusted+`  valid_until = "next tuesday"`, `(?s)valid_until.*RFC\s+3339`),
		step(trusted+`  external_id = "x"`, `(?s)external_id.*2\s+to\s+1224`),
		step(trusted+`  description = ""`, `(?s)description.*1\s+and\s+1024`),
		step(trusted+`  tags = { "acs:owner" = "b" }`, `(?s)tags.*reserves`),
		step(`  assume_role_policy = "{\"Version\": \"1\", \"Statement\": ["`, `(?s)assume_role_policy.*JSON`),
		step(`  assume_role_policy = jsonencode({Version = "1", Statement = [{Effect = "Allow", Action = "ecs:*", Resource = "*"}]})`,
			`(?s)assume_role_policy`),
		step(`  assume_role_policy = jsonencode(["not", "a", "policy"])`, `(?s)assume_role_policy`),
		step(trusted+`  assume_role_policy = jsonencode({Version = "1", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {RAM = ["acs:ram::`+b+`:root"]}}]})`,
			`(?s)cannot\s+be\s+configured\s+together`),
		step(`  external_id = "contract-0042"`, `(?s)At\s+least\s+one`),
	})
	e.AssertNoAPICalls(t)
}

// TestAccCrossAccountRole_forceDetach: without force_detach_policies, destroying a role that holds a policy
// attached out of band fails and names it; with it, destroy detaches everything and the role is gone.
func TestAccCrossAccountRole_forceDetach(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("kafka-ops")
	body := fmt.Sprintf("  trusted_account_ids = [%q]\n", e.B.ID)
	e.Test(t, []resource.TestStep{
		{
			Config: roleConfig(e, name, body),
			Check: func(*terraform.State) error {
				byHand(t, e, e.A).attachToRole(name, "System", "AliyunKafkaFullAccess")
				return nil
			},
		},
		{
			Config:      providerA(e),
			ExpectError: wrapRe(`(?s)AliyunKafkaFullAccess \(System\).*force_detach_policies\s+=\s+true`),
		},
		{
			// Turning force on changes nothing in RAM: an in-place update of the state only.
			PreConfig: e.ResetCalls,
			Config:    roleConfig(e, name, body+"  force_detach_policies = true\n"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkCalls(e, map[string]int64{"Ram.UpdateRole": 0}),
		},
		{
			Config: providerA(e),
			Check:  checkRoleGone(t, e, name),
		},
	})
}

// envFailingTags is a test environment whose emulator refuses TagResources while the returned flag is set.
func envFailingTags(t *testing.T) (*acctest.Env, *atomic.Bool) {
	t.Helper()
	acctest.PreCheck(t)
	if acctest.Real() {
		t.Skip("fault injection needs the emulator")
	}
	accounts := ramemu.DefaultAccounts()
	srv, err := ramemu.New(ramemu.Options{Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	fail := &atomic.Bool{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() && r.URL.Query().Get("Action") == "TagResources" {
			w.Header().Set("Content-Type", "application/json;charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"RequestId":"6A1C2F4E-0000-4000-8000-000000000001","HostId":"ram.aliyuncs.com",`+
				`"Code":"InvalidParameter.Tag","Message":"Injected failure."}`)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return &acctest.Env{Emulator: srv, URL: hs.URL, A: accounts[0], B: accounts[1]}, fail
}

// TestAccCrossAccountRole_tagsOnCreate: the tags (and the provider's marker) go with CreateRole itself, so
// a TagResources that would fail right after the create cannot leave a half-made role that the next apply
// replaces (ending every session of it): the create succeeds, tagged, without calling TagResources.
func TestAccCrossAccountRole_tagsOnCreate(t *testing.T) {
	e, fail := envFailingTags(t)
	name := acctest.RandomName("kafka-ops")
	config := roleConfig(e, name, fmt.Sprintf(`
  trusted_account_ids = [%q]
  tags = {
    contract = "0042"
  }
`, e.B.ID))
	e.Test(t, []resource.TestStep{
		{
			PreConfig: func() { fail.Store(true); e.ResetCalls() },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(
				checkRoleTags(e, name, map[string]string{"contract": "0042"}),
				checkMarker(e, "role", name, "aliram_cross_account_role:"),
				checkCalls(e, map[string]int64{"Ram.TagResources": 0}),
			),
		},
	})
}

// checkMarker asserts that the role or policy in account A carries the provider's marker tag, whose value
// starts with prefix (the creating resource type).
func checkMarker(e *acctest.Env, kind, name, prefix string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, a := range e.Emulator.State().Accounts {
			if a.ID != e.A.ID {
				continue
			}
			tags := map[string]map[string]string{}
			for _, r := range a.Roles {
				if kind == "role" {
					tags[strings.ToLower(r.Name)] = r.Tags
				}
			}
			for _, p := range a.Policies {
				if kind == "policy" {
					tags[strings.ToLower(p.Name)] = p.Tags
				}
			}
			got, ok := tags[strings.ToLower(name)]
			if !ok {
				return fmt.Errorf("%s %s not found in the emulator", kind, name)
			}
			if v := got[ramclient.MarkerTagKey]; !strings.HasPrefix(v, prefix) {
				return fmt.Errorf("%s %s: marker tag %q = %q, want a value starting with %q", kind, name, ramclient.MarkerTagKey, v, prefix)
			}
			return nil
		}
		return fmt.Errorf("no account %s", e.A.ID)
	}
}

// TestAccCrossAccountRole_systemTags: the acs: tags Alibaba Cloud's services put on a new role, and the
// provider's own marker, are never the configuration's tags: no drift after apply, none after import.
func TestAccCrossAccountRole_systemTags(t *testing.T) {
	e := acctest.NewWithOptions(t, ramemu.Options{SystemTags: true})
	name := acctest.RandomName("kafka-ops")
	config := roleConfig(e, name, fmt.Sprintf("  trusted_account_ids = [%q]\n  tags = { contract = \"0042\" }\n", e.B.ID))
	tags := statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("tags"),
		knownvalue.MapExact(map[string]knownvalue.Check{"contract": knownvalue.StringExact("0042")}))
	e.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{tags},
			Check: func(*terraform.State) error {
				for _, a := range e.Emulator.State().Accounts {
					for _, r := range a.Roles {
						if _, ok := r.Tags["acs:rm:rgId"]; !ok {
							return fmt.Errorf("the emulator put no system tag on role %s: %v", r.Name, r.Tags)
						}
					}
				}
				return nil
			},
		},
		{
			ResourceName:            roleAddr,
			ImportState:             true,
			ImportStateId:           name,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"force_detach_policies"},
		},
	})
}

// TestAccCrossAccountRole_tagLimits: a tag value may hold RAM's 256 characters; the provider's own key
// prefix (aliram:) is refused at plan, with no API call.
func TestAccCrossAccountRole_tagLimits(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("kafka-ops")
	long := strings.Repeat("v", 256)
	body := func(tags string) string {
		return fmt.Sprintf("  trusted_account_ids = [%q]\n  tags = %s\n", e.B.ID, tags)
	}
	e.ResetCalls()
	e.Test(t, []resource.TestStep{
		{
			Config:      roleConfig(e, name, body(`{ "aliram:created-by" = "me" }`)),
			PlanOnly:    true,
			ExpectError: wrapRe(`(?s)tags.*starts with "aliram:".*this provider reserves`),
		},
		{
			PreConfig:   func() { e.AssertNoAPICalls(t) },
			Config:      roleConfig(e, name, body(fmt.Sprintf(`{ note = %q }`, long+"v"))),
			PlanOnly:    true,
			ExpectError: wrapRe(`(?s)tags.*256`),
		},
		{
			Config: roleConfig(e, name, body(fmt.Sprintf(`{ note = %q }`, long))),
			Check:  checkRoleTags(e, name, map[string]string{"note": long}),
		},
	})
}

// importBlockError is the error a create gives for an existing entity it cannot show it made: the exact
// import block, with a placeholder address and the entity's ID.
func importBlockError(resourceType, id string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)nothing\s+shows\s+that\s+this\s+configuration\s+created\s+it.*import \{\s+to = ` +
		regexp.QuoteMeta(resourceType) + `\.<name>\s+id = "` + regexp.QuoteMeta(id) + `"\s+\}`)
}

// TestAccCrossAccountRole_someoneElses: a role of the same name that someone else made (no marker) is never
// taken over, whatever it looks like: the apply fails with the import block to add, the role is left as it
// was, and after that import the configuration manages it.
func TestAccCrossAccountRole_someoneElses(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("kafka-ops")
	trust := mustTrust(t, policy.TrustSpec{AccountIDs: []string{e.B.ID}})
	req := ram.CreateCreateRoleRequest()
	req.RoleName, req.AssumeRolePolicyDocument, req.Description = name, trust, "made in the console"
	if _, err := e.RAM(t, e.A).CreateRole(req); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("  trusted_account_ids = [%q]\n  description = \"made in the console\"\n", e.B.ID)
	e.Test(t, []resource.TestStep{
		{
			PreConfig:   e.ResetCalls,
			Config:      roleConfig(e, name, body),
			ExpectError: importBlockError("aliram_cross_account_role", name),
		},
		{
			Config: roleConfig(e, name, body) + fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", roleAddr, name),
			PreConfig: func() {
				calls := e.Calls()
				for _, w := range []string{"Ram.UpdateRole", "Ram.TagResources", "Ram.DeleteRole", "Ram.UntagResources"} {
					if calls[w] != 0 {
						t.Errorf("the refused create called %s: %v", w, calls)
					}
				}
				if got, err := byHand(t, e, e.A).getRole(name); err != nil || got.Role.Description != "made in the console" {
					t.Errorf("someone else's role after the refused create: %+v %v", got, err)
				}
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	})
}
