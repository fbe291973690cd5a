package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// ecsInstance creates B's role app-role (trusted by ECS, reading RAM) and a simulated instance carrying it.
func ecsInstance(t *testing.T, env *acctest.Env) ramemu.ECSInstance {
	t.Helper()
	req := ram.CreateCreateRoleRequest()
	req.RoleName = "app-role"
	req.AssumeRolePolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`
	if _, err := env.RAM(t, env.B).CreateRole(req); err != nil {
		t.Fatal(err)
	}
	att := ram.CreateAttachPolicyToRoleRequest()
	att.RoleName, att.PolicyType, att.PolicyName = "app-role", "System", "AliyunRAMReadOnlyAccess"
	if _, err := env.RAM(t, env.B).AttachPolicyToRole(att); err != nil {
		t.Fatal(err)
	}
	in, err := env.Emulator.AddECSInstance(ramemu.ECSInstanceSpec{AccountID: env.B.ID, RoleName: "app-role", IMDSv2Required: true})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// The ecs_role_name credential source: the provider takes the instance role's credentials from the (simulated)
// metadata service, from the block or from the environment, and acts as that role's session.
func TestAccProvider_ecsRoleName(t *testing.T) {
	env := acctest.New(t)
	if env.Emulator == nil {
		t.Skip("needs the emulator's simulated ECS instance; on real Alibaba Cloud run it on an ECS instance")
	}
	in := ecsInstance(t, env)
	acctest.WithoutAmbientCredentials(t)
	data := `
data "aliram_caller_identity" "me" {}
data "aliram_role" "self" { name = "app-role" }
`
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("account_id"), knownvalue.StringExact(env.B.ID)),
		statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("identity_type"), knownvalue.StringExact("AssumedRoleUser")),
		statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("arn"),
			knownvalue.StringExact("acs:ram::"+env.B.ID+":assumed-role/app-role/"+in.InstanceID)),
		// A call the role's policy permits.
		statecheck.ExpectKnownValue("data.aliram_role.self", tfjsonpath.New("arn"), knownvalue.StringExact("acs:ram::"+env.B.ID+":role/app-role")),
	}
	block := func(role string) string {
		return fmt.Sprintf("provider \"aliram\" {\n  ecs_role_name = %q\n  endpoints {\n    ram = %q\n    sts = %q\n    ecs_metadata = %q\n  }\n}\n",
			role, env.URL, env.URL, in.MetadataEndpoint)
	}
	endpointsOnly := fmt.Sprintf("provider \"aliram\" {\n  endpoints {\n    ram = %q\n    sts = %q\n  }\n}\n", env.URL, env.URL)

	t.Run("block", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: block("app-role") + data, ConfigStateChecks: checks},
				// A role the instance does not carry gets no credentials; the error says which source failed.
				{Config: block("other-role") + data, ExpectError: regexp.MustCompile(`(?s)Reading the caller identity.*Ecs sts token err, httpStatus: 40[14]`)},
			},
		})
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ECS_METADATA", "app-role")
		t.Setenv("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", in.MetadataEndpoint)
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: endpointsOnly + data, ConfigStateChecks: checks}},
		})
	})
	t.Run("bad metadata endpoint", func(t *testing.T) {
		env.ResetCalls()
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      "provider \"aliram\" {\n  ecs_role_name = \"app-role\"\n  endpoints {\n    ecs_metadata = \"100.100.100.200\"\n  }\n}\n" + data,
				ExpectError: regexp.MustCompile(`(?s)endpoints\[0\]\.ecs_metadata.*https://`),
			}},
		})
		env.AssertNoAPICalls(t)
	})
}
