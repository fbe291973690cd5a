package resources_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

const roleDataAddr = "data.aliram_role.test"

func attachedPolicies(typeAndName ...string) knownvalue.Check {
	var items []knownvalue.Check
	for i := 0; i < len(typeAndName); i += 2 {
		items = append(items, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"policy_type": knownvalue.StringExact(typeAndName[i]),
			"policy_name": knownvalue.StringExact(typeAndName[i+1]),
		}))
	}
	return knownvalue.ListExact(items)
}

// aliram_role reads a role of its block's account: bad input is refused at plan; a role this configuration
// manages reads as the resource holds it; a role of another account is not found, with a message saying where
// to look; a role nobody here manages (made with the SDK, as another team would) reads with a canonical trust.
func TestAccRoleDataSource(t *testing.T) {
	e := acctest.New(t)
	managed := acctest.RandomName("role-ds")
	policyName := acctest.RandomName("policy-ds")
	unmanaged := acctest.RandomName("role-other")
	unmanagedTrust := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::%s:root"}}]}`, e.B.ID)

	managedConfig := providerA(e) +
		roleHCL("test", managed, e.B.ID, `description = "Kafka operators of enterprise B"`, "max_session_duration = 7200") +
		policyHCL("test", policyName, allowHCL("alikafka:GetInstanceList", "*")) +
		attachmentHCL("system", "test", "System", `"AliyunKafkaFullAccess"`) +
		attachmentHCL("custom", "test", "Custom", "aliram_policy.test.name") + `
data "aliram_role" "test" {
  name       = aliram_cross_account_role.test.name
  depends_on = [aliram_role_policy_attachment.system, aliram_role_policy_attachment.custom]
}
`

	same := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(roleAddr, tfjsonpath.New(attr), roleDataAddr, tfjsonpath.New(attr), compare.ValuesSame())
	}
	// The role made by hand is removed by hand; then nothing is left.
	checkDestroy := func(st *terraform.State) error {
		if err := deleteRoleInA(t, e, unmanaged); err != nil {
			return err
		}
		return e.CheckNothingLeft(t)(st)
	}
	acctest.Test(t, checkDestroy, []resource.TestStep{
		{
			Config:      providerA(e) + `data "aliram_role" "test" { name = "not a role" }`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)role name "not a role" contains ' ', which is not allowed`),
		},
		{
			Config: managedConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("arn"), knownvalue.StringExact(acctest.RoleARN(e.A.ID, managed))),
				same("arn"), same("role_id"), same("assume_role_policy"), same("max_session_duration"), same("description"),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("max_session_duration"), knownvalue.Int64Exact(7200)),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("description"), knownvalue.StringExact("Kafka operators of enterprise B")),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("create_date"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("attached_policies"), attachedPolicies("Custom", policyName, "System", "AliyunKafkaFullAccess")),
			},
		},
		{
			// The block's own account only: B has no such role, and the message says where to look.
			Config: e.ProviderConfig() +
				fmt.Sprintf(`data "aliram_role" "test" {
  provider = aliramb
  name     = %q
}`, unmanaged),
			ExpectError: regexp.MustCompile(`(?s)RAM role not found.*There is no RAM role "` + unmanaged + `" in account ` + e.B.ID + `.*provider::aliram::role_arn`),
		},
		{
			// A role another team made by hand: its trust document comes back canonical.
			PreConfig: func() {
				req := ram.CreateCreateRoleRequest()
				req.RoleName = unmanaged
				req.AssumeRolePolicyDocument = unmanagedTrust
				mustSDK(t, "CreateRole")(e.RAM(t, e.A).CreateRole(req))
			},
			Config: providerA(e) + fmt.Sprintf(`data "aliram_role" "test" { name = %q }`, unmanaged),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("arn"), knownvalue.StringExact(acctest.RoleARN(e.A.ID, unmanaged))),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("assume_role_policy"), knownvalue.StringExact(fmt.Sprintf(
					`{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"RAM":["acs:ram::%s:root"]}}],"Version":"1"}`, e.B.ID))),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("max_session_duration"), knownvalue.Int64Exact(3600)),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(roleDataAddr, tfjsonpath.New("attached_policies"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		},
	})
}

// The documented example, as written (credentials from the environment), reads a role set up by hand, and its
// check passes while only the contract's policy is attached.
func TestAccRoleDataSource_example(t *testing.T) {
	e := acctest.New(t)
	example, err := os.ReadFile("../../examples/data-sources/aliram_role/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	role := "kafka-operators"
	roleInA(t, e, role)
	t.Cleanup(func() {
		if err := deleteRoleInA(t, e, role); err != nil {
			t.Error(err)
		}
	})
	byHand(t, e, e.A).attachToRole(role, "System", "AliyunKafkaFullAccess")
	t.Cleanup(func() { byHand(t, e, e.A).detachFromRole(role, "System", "AliyunKafkaFullAccess") })
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", e.A.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", e.A.AccessKeySecret)
	t.Setenv("ALIBABA_CLOUD_RAM_ENDPOINT", e.URL)
	t.Setenv("ALIBABA_CLOUD_STS_ENDPOINT", e.URL)
	acctest.UnitTest(t, nil, []resource.TestStep{{
		Config: string(example),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("kafka_role", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"arn":                  knownvalue.StringExact(acctest.RoleARN(e.A.ID, role)),
				"trusted_principals":   knownvalue.ListExact([]knownvalue.Check{knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("acs:ram::" + e.B.ID + ":root")})}),
				"max_session_duration": knownvalue.Int64Exact(3600),
				"policies":             knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("System:AliyunKafkaFullAccess")}),
			})),
		},
	}})
}
