package resources_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

const policyAddr = "aliram_policy.test"

// rocketMQDoc is a least-privilege RocketMQ policy document in compact JSON: publish/subscribe on the given
// topics of one instance.
func rocketMQDoc(actions string, topics ...string) string {
	res := make([]string, len(topics))
	for i, tp := range topics {
		res[i] = fmt.Sprintf(`"acs:mq:*:*:MQ_INST_1234567890_BXdemo%%%s"`, tp)
	}
	return fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":%s,"Resource":[%s]}]}`, actions, strings.Join(res, ","))
}

func policyConfig(e *acctest.Env, name, doc, extra string) string {
	return providerA(e) + fmt.Sprintf(`
resource "aliram_policy" "test" {
  name     = %q
  document = %q
%s
}
`, name, doc, extra)
}

func sdkGetPolicy(t *testing.T, e *acctest.Env, name string) (*ram.GetPolicyResponse, error) {
	req := ram.CreateGetPolicyRequest()
	req.PolicyName, req.PolicyType = name, "Custom"
	return e.RAM(t, e.A).GetPolicy(req)
}

// checkPolicyInRAM: the default version's document is semantically doc, and the policy has at most 5
// versions (read with the raw SDK).
func checkPolicyInRAM(t *testing.T, e *acctest.Env, name, doc, description string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, err := sdkGetPolicy(t, e, name)
		if err != nil {
			return fmt.Errorf("policy %s: %v", name, err)
		}
		if !policy.Equal(p.DefaultPolicyVersion.PolicyDocument, doc) {
			return fmt.Errorf("policy %s default document %s, want %s", name, p.DefaultPolicyVersion.PolicyDocument, doc)
		}
		if p.Policy.Description != description {
			return fmt.Errorf("policy %s description %q, want %q", name, p.Policy.Description, description)
		}
		req := ram.CreateListPolicyVersionsRequest()
		req.PolicyName, req.PolicyType = name, "Custom"
		vs, err := e.RAM(t, e.A).ListPolicyVersions(req)
		if err != nil {
			return err
		}
		if n := len(vs.PolicyVersions.PolicyVersion); n > 5 {
			return fmt.Errorf("policy %s has %d versions", name, n)
		}
		return nil
	}
}

func policyVersionOutOfBand(t *testing.T, e *acctest.Env, name, doc string, setAsDefault bool) {
	req := ram.CreateCreatePolicyVersionRequest()
	req.PolicyName, req.PolicyDocument = name, doc
	req.SetAsDefault = requests.NewBoolean(setAsDefault)
	req.RotateStrategy = "DeleteOldestNonDefaultVersionWhenLimitExceeded"
	mustSDK(t, "CreatePolicyVersion")(e.RAM(t, e.A).CreatePolicyVersion(req))
}

// TestAccPolicy_lifecycle: create; an equivalent default version set out of band is no diff; document and
// description change in place with a new default version; the 5-version limit never blocks (rotation); a
// different default version set out of band is a diff that apply reverts; import; a new name replaces
// (destroying a policy that has non-default versions); destroy leaves nothing.
func TestAccPolicy_lifecycle(t *testing.T) {
	e := acctest.New(t)
	name, renamed := acctest.RandomName("rocketmq-orders"), acctest.RandomName("rocketmq-orders2")
	doc1 := rocketMQDoc(`"mq:PUB"`, "orders")
	// Same meaning, other spelling: list vs string, pretty-printed, keys reordered.
	doc1Equivalent := `{
  "Statement": [{"Resource": "acs:mq:*:*:MQ_INST_1234567890_BXdemo%orders", "Action": ["mq:PUB"], "Effect": "Allow"}],
  "Version": "1"
}`
	doc2 := rocketMQDoc(`["mq:PUB","mq:SUB"]`, "orders", "GID_orders")
	doc3 := rocketMQDoc(`["mq:PUB","mq:SUB"]`, "orders", "GID_orders", "refunds")
	foreign := rocketMQDoc(`"mq:*"`, "*")
	tags := `  tags = { contract = "0042" }`
	tags2 := `  tags = { contract = "0042", partner = "enterprise-b" }`
	e.Test(t, []resource.TestStep{
		{
			Config: policyConfig(e, name, doc1, `  description = "publish to orders"`+"\n"+tags),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("default_version"), knownvalue.StringExact("v1")),
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("attachment_count"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("create_date"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"contract": knownvalue.StringExact("0042")})),
				acctest.IfIdentity(statecheck.ExpectIdentity(policyAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(e.A.ID), "name": knownvalue.StringExact(name)})),
			},
			Check: checkPolicyInRAM(t, e, name, doc1, "publish to orders"),
		},
		{
			PreConfig: func() { policyVersionOutOfBand(t, e, name, doc1Equivalent, true) },
			Config:    policyConfig(e, name, doc1, `  description = "publish to orders"`+"\n"+tags),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		},
		{
			Config: policyConfig(e, name, doc2, `  description = "publish and subscribe on orders"`+"\n"+tags2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(policyAddr, tfjsonpath.New("default_version")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("default_version"), knownvalue.StringExact("v3")),
			},
			Check: resource.ComposeTestCheckFunc(
				checkPolicyInRAM(t, e, name, doc2, "publish and subscribe on orders"),
				checkPolicyTags(e, name, map[string]string{"contract": "0042", "partner": "enterprise-b"}),
			),
		},
		{
			// Fill the policy up to the 5-version limit out of band; the next change must still apply.
			PreConfig: func() {
				policyVersionOutOfBand(t, e, name, doc1, false)
				policyVersionOutOfBand(t, e, name, doc1, false)
			},
			Config: policyConfig(e, name, doc3, `  description = "publish and subscribe on orders"`+"\n"+tags2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkPolicyInRAM(t, e, name, doc3, "publish and subscribe on orders"),
		},
		{
			PreConfig: func() { policyVersionOutOfBand(t, e, name, foreign, true) },
			Config:    policyConfig(e, name, doc3, `  description = "publish and subscribe on orders"`+"\n"+tags2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
			}},
			Check: checkPolicyInRAM(t, e, name, doc3, "publish and subscribe on orders"),
		},
		{
			ResourceName:      policyAddr,
			ImportState:       true,
			ImportStateId:     name,
			ImportStateVerify: true,
		},
		importByIdentity(policyAddr),
		{
			Config: policyConfig(e, renamed, doc3, tags),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: checkPolicyGoneInA(t, e, name),
		},
	})
}

// checkPolicyGoneInA: the custom policy no longer exists in account A.
func checkPolicyGoneInA(t *testing.T, e *acctest.Env, name string) resource.TestCheckFunc {
	return checkGone("policy "+name, func() error { _, err := sdkGetPolicy(t, e, name); return err }, "EntityNotExist")
}

// checkPolicyTags asserts the policy's tags in the emulator (skipped on real Alibaba Cloud).
func checkPolicyTags(e *acctest.Env, name string, want map[string]string) resource.TestCheckFunc {
	return checkEmulatorTags(e, "policy", name, want)
}

// TestAccPolicy_disappears: a policy deleted out of band is planned again.
func TestAccPolicy_disappears(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("rocketmq-orders")
	config := policyConfig(e, name, rocketMQDoc(`"mq:PUB"`, "orders"), "")
	e.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: func() { byHand(t, e, e.A).deletePolicy(name) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionCreate),
			}},
		},
	})
}

// TestAccPolicy_attachedDestroy: destroying a policy still attached (out of band) fails and says where;
// once detached, destroy succeeds.
func TestAccPolicy_attachedDestroy(t *testing.T) {
	e := acctest.New(t)
	name, role := acctest.RandomName("rocketmq-orders"), acctest.RandomName("mq-ops")
	withRole := providerA(e) + roleHCL("test", role, e.B.ID)
	withPolicy := withRole + policyHCL("test", name, strconv.Quote(rocketMQDoc(`"mq:PUB"`, "orders")))
	e.Test(t, []resource.TestStep{
		{
			Config: withPolicy,
			Check: func(*terraform.State) error {
				byHand(t, e, e.A).attachToRole(role, "Custom", name)
				return nil
			},
		},
		{
			Config:      withRole,
			ExpectError: wrapRe(`(?s)still\s+attached\s+to\s+role\s+` + regexp.QuoteMeta(role) + `.*Detach`),
		},
		{
			PreConfig: func() { byHand(t, e, e.A).detachFromRole(role, "Custom", name) },
			Config:    withRole,
			Check:     checkPolicyGoneInA(t, e, name),
		},
	})
}

// TestAccPolicy_badInput: bad names and documents fail at plan time, naming the attribute, with no API call.
func TestAccPolicy_badInput(t *testing.T) {
	e := acctest.New(t)
	good := rocketMQDoc(`"mq:PUB"`, "orders")
	step := func(name, doc, want string) resource.TestStep {
		return resource.TestStep{Config: policyConfig(e, name, doc, ""), PlanOnly: true, ExpectError: wrapRe(want)}
	}
	e.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{
		step(strings.Repeat("p", 129), good, `(?s)name.*129\s+characters`),
		step("rocketmq_orders", good, `(?s)name.*not\s+allowed`),
		step("rocketmq-orders", `{"Version": "1", "Statement": [`, `(?s)document.*JSON`),
		step("rocketmq-orders", `["not", "a", "policy"]`, `(?s)document`),
		step("rocketmq-orders", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"publish","Resource":"*"}]}`, `(?s)document.*publish`),
		step("rocketmq-orders", `{"Version":"1","Statement":[{"Effect":"Maybe","Action":"mq:PUB","Resource":"*"}]}`, `(?s)document.*Effect`),
		{Config: policyConfig(e, "rocketmq-orders", good, `  description = ""`), PlanOnly: true,
			ExpectError: wrapRe(`(?s)description.*1\s+and\s+1024`)},
	})
	e.AssertNoAPICalls(t)
}

// TestAccPolicy_someoneElses: a custom policy of the same name that someone else made (no marker) is refused
// with the import block to add; its document gets no new version.
func TestAccPolicy_someoneElses(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("orders")
	theirs := rocketMQDoc(`"mq:PUB"`, "orders")
	req := ram.CreateCreatePolicyRequest()
	req.PolicyName, req.PolicyDocument = name, theirs
	mustSDK(t, "CreatePolicy")(e.RAM(t, e.A).CreatePolicy(req))
	acctest.Test(t, nil, []resource.TestStep{
		{
			Config:      policyConfig(e, name, rocketMQDoc(`["mq:PUB","mq:SUB"]`, "orders"), ""),
			ExpectError: importBlockError("aliram_policy", name),
		},
		{
			// Still theirs, unchanged: one version, their document.
			Config: providerA(e),
			Check: func(*terraform.State) error {
				if err := checkPolicyInRAM(t, e, name, theirs, "")(nil); err != nil {
					return err
				}
				req := ram.CreateListPolicyVersionsRequest()
				req.PolicyName, req.PolicyType = name, "Custom"
				vs, err := e.RAM(t, e.A).ListPolicyVersions(req)
				if err != nil || len(vs.PolicyVersions.PolicyVersion) != 1 {
					return fmt.Errorf("someone else's policy has versions %+v (%v), want its one", vs, err)
				}
				return nil
			},
		},
	})
}

// TestAccPolicy_marker: a policy is created with its tags and the provider's marker in one call; the marker
// never shows in tags.
func TestAccPolicy_marker(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandomName("orders")
	e.Test(t, []resource.TestStep{{
		PreConfig: e.ResetCalls,
		Config:    policyConfig(e, name, rocketMQDoc(`"mq:PUB"`, "orders"), `  tags = { contract = "0042" }`),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
				"contract": knownvalue.StringExact("0042")})),
		},
		Check: resource.ComposeTestCheckFunc(
			checkMarker(e, "policy", name, "aliram_policy:"),
			checkPolicyTags(e, name, map[string]string{"contract": "0042"}),
			checkCalls(e, map[string]int64{"Ram.TagResources": 0}),
		),
	}})
}
