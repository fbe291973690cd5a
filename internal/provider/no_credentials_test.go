package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
)

// noCredentials matches what a call without credentials reports: the operation, today's message naming what
// to set, and the advice that only API calls need credentials.
func noCredentials(operation string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)(?:` + operation + `).*CredentialsError.*no\s+credentials\s+found:\s+set\s+access_key\s+and\s+secret_key.*` +
		`ALIBABA_CLOUD_ACCESS_KEY_ID.*no\s+usable\s+credentials.*aliram_policy_document\s+and\s+the\s+provider\s+functions\s+work\s+without`)
}

// A provider block without credentials configures: what calls no API works, and each thing that calls RAM
// or STS fails with a message naming what to set, before any request is sent.
func TestAccProvider_noCredentials(t *testing.T) {
	env := acctest.New(t)
	acctest.WithoutAmbientCredentials(t)
	// Endpoints only: were anything sent, the test's emulator would count it.
	endpointsOnly := fmt.Sprintf("provider \"aliram\" {\n  endpoints {\n    ram = %q\n    sts = %q\n  }\n}\n", env.URL, env.URL)
	document := `
data "aliram_policy_document" "kafka" {
  statement {
    actions   = ["alikafka:GetInstanceList"]
    resources = ["*"]
  }
}
output "document" { value = data.aliram_policy_document.kafka.json }
output "role_arn" { value = provider::aliram::role_arn("1000000000000001", "kafka-operators") }
`
	documentChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("document", knownvalue.StringExact(`{"Statement":[{"Action":["alikafka:GetInstanceList"],"Effect":"Allow","Resource":["*"]}],"Version":"1"}`)),
		statecheck.ExpectKnownOutputValue("role_arn", knownvalue.StringExact("acs:ram::1000000000000001:role/kafka-operators")),
	}
	env.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{
		// No provider block at all: the default provider is configured from nothing.
		{Config: document, ConfigStateChecks: documentChecks},
		// A block that sets no credentials.
		{Config: endpointsOnly + document, ConfigStateChecks: documentChecks},
		// A data source that calls STS fails while planning.
		{
			Config:      endpointsOnly + document + `data "aliram_caller_identity" "me" {}`,
			ExpectError: noCredentials("Reading the caller identity"),
		},
		// A resource fails when it is created.
		{
			Config:      endpointsOnly + document + `resource "aliram_policy" "p" {` + "\n" + `  name = "kafka-read" ` + "\n" + `  document = data.aliram_policy_document.kafka.json` + "\n}\n",
			ExpectError: noCredentials(`Creating RAM policy "kafka-read"`),
		},
	})
	env.AssertNoAPICalls(t)
}

// The message names what is wrong with a source that is half set, too, at the first call instead of at
// configuration.
func TestAccProvider_halfSetCredentials(t *testing.T) {
	env := acctest.New(t)
	acctest.WithoutAmbientCredentials(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", env.A.AccessKeyID)
	env.ResetCalls()
	acctest.Test(t, nil, []resource.TestStep{{
		Config: fmt.Sprintf("provider \"aliram\" {\n  endpoints {\n    ram = %q\n    sts = %q\n  }\n}\n", env.URL, env.URL) +
			`data "aliram_caller_identity" "me" {}`,
		ExpectError: regexp.MustCompile(`(?s)Reading the caller identity.*both\s+an\s+access\s+key\s+ID\s+and\s+a\s+secret\s+are\s+needed:\s+set\s+access_key\s+and\s+secret_key`),
	}})
	env.AssertNoAPICalls(t)
}
