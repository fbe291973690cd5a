package functions_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// The functions through the CLI: a configuration without any provider block (nothing to authenticate, no API
// to call), outputs checked in the state, bad input refused at plan with the argument named.

func functionTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// argumentError matches the CLI's report of a function error on a named argument.
func argumentError(argument, text string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)Invalid value for "` + argument + `" parameter:.*` + spaced(text))
}

// spaced lets the CLI wrap a message anywhere a space is.
func spaced(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`)
}

func TestAccFunctionRoleARN(t *testing.T) {
	functionTest(t,
		resource.TestStep{
			Config: `output "arn" { value = provider::aliram::role_arn("1000000000000001", "kafka-operators") }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("arn", knownvalue.StringExact("acs:ram::1000000000000001:role/kafka-operators")),
			},
		},
		resource.TestStep{
			Config:      `output "arn" { value = provider::aliram::role_arn("12345", "kafka-operators") }`,
			ExpectError: argumentError("account_id", `account ID "12345" is not valid: an Alibaba Cloud account ID is exactly 16 digits`),
		},
		resource.TestStep{
			Config:      `output "arn" { value = provider::aliram::role_arn("1000000000000001", "kafka operators") }`,
			ExpectError: argumentError("role_name", `role name "kafka operators" contains ' ', which is not allowed`),
		},
	)
}

func TestAccFunctionLogonName(t *testing.T) {
	functionTest(t,
		resource.TestStep{
			Config: `
output "by_alias" { value = provider::aliram::logon_name("alice", "enterprise-b") }
output "by_id"    { value = provider::aliram::logon_name("kafka-ops-automation", "1000000000000002") }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("by_alias", knownvalue.StringExact("alice@enterprise-b.onaliyun.com")),
				statecheck.ExpectKnownOutputValue("by_id", knownvalue.StringExact("kafka-ops-automation@1000000000000002.onaliyun.com")),
			},
		},
		resource.TestStep{
			Config:      `output "n" { value = provider::aliram::logon_name("alice@b", "enterprise-b") }`,
			ExpectError: argumentError("user_name", `user name "alice@b" contains '@', which is not allowed`),
		},
		resource.TestStep{
			Config:      `output "n" { value = provider::aliram::logon_name("alice", "enterprise-b.onaliyun.com") }`,
			ExpectError: argumentError("account_alias_or_id", `account alias "enterprise-b.onaliyun.com" is a logon domain; give the alias alone, "enterprise-b"`),
		},
		resource.TestStep{
			Config:      `output "n" { value = provider::aliram::logon_name("alice", "Enterprise_B") }`,
			ExpectError: argumentError("account_alias_or_id", `account alias "Enterprise_B" contains 'E', '_', 'B', which are not allowed`),
		},
		resource.TestStep{
			Config:      `output "n" { value = provider::aliram::logon_name("alice", "100000000000002") }`,
			ExpectError: argumentError("account_alias_or_id", `"100000000000002" is neither an account alias nor an account ID`),
		},
	)
}

func TestAccFunctionParseARN(t *testing.T) {
	functionTest(t,
		resource.TestStep{
			Config: `
output "role" { value = provider::aliram::parse_arn("acs:ram::1000000000000001:role/kafka-operators") }
output "user" { value = provider::aliram::parse_arn("acs:ram::1000000000000002:user/alice").name }
# parse_arn and role_arn are inverses
output "round_trip" {
  value = provider::aliram::role_arn(
    provider::aliram::parse_arn("acs:ram::1000000000000001:role/ops").account_id,
    provider::aliram::parse_arn("acs:ram::1000000000000001:role/ops").name,
  )
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("role", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"account_id":    knownvalue.StringExact("1000000000000001"),
					"resource_type": knownvalue.StringExact("role"),
					"name":          knownvalue.StringExact("kafka-operators"),
				})),
				statecheck.ExpectKnownOutputValue("user", knownvalue.StringExact("alice")),
				statecheck.ExpectKnownOutputValue("round_trip", knownvalue.StringExact("acs:ram::1000000000000001:role/ops")),
			},
		},
		resource.TestStep{
			Config:      `output "p" { value = provider::aliram::parse_arn("kafka-operators") }`,
			ExpectError: argumentError("arn", `"kafka-operators" is not a RAM user or role ARN: it must start with "acs:ram::"`),
		},
		resource.TestStep{
			Config:      `output "p" { value = provider::aliram::parse_arn("acs:ram::123:role/ops") }`,
			ExpectError: argumentError("arn", `account ID "123" is not 16 digits`),
		},
		resource.TestStep{
			Config:      `output "p" { value = provider::aliram::parse_arn("acs:ram::1000000000000001:root") }`,
			ExpectError: argumentError("arn", `the resource must be "user/<name>" or "role/<name>"`),
		},
		resource.TestStep{
			Config:      `output "p" { value = provider::aliram::parse_arn("acs:ram::1000000000000001:role/a b") }`,
			ExpectError: argumentError("arn", `role name "a b" contains ' ', which is not allowed`),
		},
	)
}

// The documentation's examples evaluate to what their comments say.
func TestAccFunctionExamples(t *testing.T) {
	example := func(name string) string {
		b, err := os.ReadFile("../../examples/functions/" + name + "/function.tf")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	functionTest(t,
		resource.TestStep{
			Config: example("logon_name"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("alice_signs_in_as", knownvalue.StringExact("kafka-ops-alice@enterprise-b.onaliyun.com")),
				statecheck.ExpectKnownOutputValue("by_account_id", knownvalue.StringExact("kafka-ops-alice@1000000000000002.onaliyun.com")),
			},
		},
		resource.TestStep{
			Config: example("parse_arn"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("console_switch_role", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"enterprise_alias_or_account_id": knownvalue.StringExact("1000000000000001"),
					"role_name":                      knownvalue.StringExact("kafka-operators"),
				})),
			},
		},
		resource.TestStep{
			Config: example("parse_arn"),
			ConfigVariables: config.Variables{
				"owner_role_arn": config.StringVariable("acs:ram::1000000000000002:user/alice"),
			},
			ExpectError: regexp.MustCompile(`owner_role_arn must be a role ARN, not a user's`),
		},
	)
}
