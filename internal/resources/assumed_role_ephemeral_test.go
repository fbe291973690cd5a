package resources_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

func factoriesWithEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for k, v := range acctest.ProtoV6ProviderFactories {
		f[k] = v
	}
	return f
}

// userInB creates a RAM user in account B out of band, with an AccessKey and, if delegated, the system
// policy AliyunSTSAssumeRoleAccess. It returns the user's key.
func userInB(t *testing.T, e *acctest.Env, name string, delegated bool) acctest.Key {
	t.Helper()
	b := byHand(t, e, e.B)
	b.createUser(name)
	key := b.createAccessKey(name)
	if delegated {
		b.attachToUser(name, "System", "AliyunSTSAssumeRoleAccess")
	}
	return key
}

// TestAccAssumedRoleEphemeral_echo: the temporary credentials of A's role, obtained with a B user's key,
// are what STS issued (asserted through the echo provider; nothing of it is in aliram's state).
func TestAccAssumedRoleEphemeral_echo(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	user := acctest.RandomName("reader")
	key := userInB(t, e, user, true)
	config := e.ProviderBlockWith("user", key, "") + fmt.Sprintf(`
ephemeral "aliram_assumed_role" "test" {
  provider         = aliram.user
  role_arn         = %q
  session_name     = "echo-session"
  duration_seconds = 900
}

provider "echo" {
  data = ephemeral.aliram_assumed_role.test
}

resource "echo" "test" {}
`, arn)
	data := tfjsonpath.New("data")
	acctest.TestWith(t, factoriesWithEcho(), checkNothingLeftWithOutsider(t, e, user, role), []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("access_key_id"), knownvalue.StringRegexp(regexp.MustCompile(`^STS\.`))),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("access_key_secret"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("security_token"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("arn"),
					knownvalue.StringExact("acs:ram::"+e.A.ID+":role/"+strings.ToLower(role)+"/echo-session")),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("assumed_role_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+:echo-session$`))),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("expiration"),
					knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("session_name"), knownvalue.StringExact("echo-session")),
				statecheck.ExpectKnownValue("echo.test", data.AtMapKey("duration_seconds"), knownvalue.Int64Exact(900)),
			},
		},
		{
			// Defaults: a generated session name and one hour.
			// (echo only records data when created, hence a new echo resource.)
			Config: strings.NewReplacer(`session_name     = "echo-session"`, "", `duration_seconds = 900`, "",
				`resource "echo" "test"`, `resource "echo" "defaults"`).Replace(config),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.defaults", data.AtMapKey("session_name"), knownvalue.StringRegexp(regexp.MustCompile(`^terraform-\d+$`))),
				statecheck.ExpectKnownValue("echo.defaults", data.AtMapKey("duration_seconds"), knownvalue.Int64Exact(3600)),
			},
		},
	})
}

// TestAccAssumedRoleEphemeral_delegationChain is seed 003's STS method in one configuration: a delegated user
// of B, its own AccessKey, AssumeRole into A's role, and a provider block configured with the session, which
// reads the caller identity as A's role.
func TestAccAssumedRoleEphemeral_delegationChain(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	name := acctest.RandomName("app")
	endpoints := ""
	if e.URL != "" {
		endpoints = fmt.Sprintf("  endpoints {\n    ram = %q\n    sts = %q\n  }\n", e.URL, e.URL)
	}
	user := delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  programmatic_access = {}
`, arn))
	chain := user + fmt.Sprintf(`
provider "aliramuser" {
  access_key = aliram_delegated_user.test.programmatic_access.access_key_id
  secret_key = aliram_delegated_user.test.programmatic_access.access_key_secret
%[1]s}

ephemeral "aliram_assumed_role" "session" {
  provider     = aliramuser
  role_arn     = %[2]q
  session_name = "seed-003"
}

provider "aliramassumed" {
  access_key     = ephemeral.aliram_assumed_role.session.access_key_id
  secret_key     = ephemeral.aliram_assumed_role.session.access_key_secret
  security_token = ephemeral.aliram_assumed_role.session.security_token
%[1]s}

data "aliram_caller_identity" "assumed" {
  provider = aliramassumed
}

output "assumed_arn" {
  value = data.aliram_caller_identity.assumed.arn
}

output "assumed_account_id" {
  value = data.aliram_caller_identity.assumed.account_id
}
`, endpoints, arn)

	acctest.TestWith(t, acctest.FactoriesWith("aliramb", "aliramuser", "aliramassumed"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{Config: user},
		{
			Config: chain,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("assumed_arn",
					knownvalue.StringExact("acs:ram::"+e.A.ID+":assumed-role/"+strings.ToLower(role)+"/seed-003")),
				statecheck.ExpectKnownOutputValue("assumed_account_id", knownvalue.StringExact(e.A.ID)),
			},
		},
	})
}

// TestAccAssumedRoleEphemeral_propagation: a session opened with a B user's AccessKey and AssumeRole grant made
// a moment before (as a pipeline's earlier stage makes them), against an emulator that, like RAM, makes a new
// key, grant and trust usable only seconds after their creation (InvalidAccessKeyId.NotFound, then
// NoPermission, until then): the ephemeral resource waits that window out instead of failing the plan.
// (A delegated user's key cannot configure a provider block in the apply that creates it: the CLI needs
// provider arguments known at plan. And that apply's own follow-up refresh waits for the new user longer than
// the key takes to propagate, so TestAccAssumedRoleEphemeral_delegationChain covers the key the user resource makes.)
func TestAccAssumedRoleEphemeral_propagation(t *testing.T) {
	const delay = 5 * time.Second
	e := acctest.NewWithOptions(t, ramemu.Options{ConsistencyDelay: delay})
	role, arn := randomRoleInA(t, e)
	user := acctest.RandomName("fresh")
	key := userInB(t, e, user, true)
	checkDestroy := func(s *terraform.State) error {
		deleteUserOutOfBandAfter(t, e, user, delay)
		return checkNothingLeftAfter(t, e, role)(s)
	}
	acctest.TestWith(t, factoriesWithEcho(), checkDestroy, []resource.TestStep{{
		Config: e.ProviderBlockWith("user", key, "") + fmt.Sprintf(`
ephemeral "aliram_assumed_role" "test" {
  provider     = aliram.user
  role_arn     = %q
  session_name = "fresh-key"
}

provider "echo" {
  data = ephemeral.aliram_assumed_role.test
}

resource "echo" "test" {}
`, arn),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("arn"),
				knownvalue.StringExact("acs:ram::"+e.A.ID+":role/"+strings.ToLower(role)+"/fresh-key")),
		},
	}})
}

// TestAccAssumedRoleEphemeral_refused: a B user without a delegation gets NoPermission with advice.
func TestAccAssumedRoleEphemeral_refused(t *testing.T) {
	e := acctest.New(t)
	role, arn := randomRoleInA(t, e)
	user := acctest.RandomName("outsider")
	key := userInB(t, e, user, false)
	acctest.TestWith(t, factoriesWithEcho(), checkNothingLeftWithOutsider(t, e, user, role), []resource.TestStep{
		{
			Config: e.ProviderBlockWith("user", key, "") + fmt.Sprintf(`
ephemeral "aliram_assumed_role" "test" {
  provider = aliram.user
  role_arn = %q
}

provider "echo" {
  data = ephemeral.aliram_assumed_role.test
}

resource "echo" "test" {}
`, arn),
			ExpectError: regexp.MustCompile(`(?s)NoPermission.*sts:AssumeRole`),
		},
	})
}

// TestAccAssumedRoleEphemeral_badInput: bad arguments fail at plan naming the attribute, with no API call.
func TestAccAssumedRoleEphemeral_badInput(t *testing.T) {
	e := acctest.New(t)
	config := func(body string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
ephemeral "aliram_assumed_role" "test" {
  %s
}

provider "echo" {
  data = ephemeral.aliram_assumed_role.test
}

resource "echo" "test" {}
`, body)
	}
	ok := `role_arn = "acs:ram::1000000000000001:role/ops"`
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: config(body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	e.ResetCalls()
	acctest.TestWith(t, factoriesWithEcho(), nil, []resource.TestStep{
		step(`role_arn = "acs:ram::1000000000000001:user/ops"`, `(?s)role_arn.*not a role ARN`),
		step(ok+"\n  session_name = \"x\"", `(?s)session_name.*2 to 64`),
		step(ok+"\n  session_name = \"has space\"", `(?s)session_name.*not allowed`),
		step(ok+"\n  duration_seconds = 60", `(?s)duration_seconds.*900`),
		step(ok+"\n  external_id = \"a\"", `(?s)external_id.*2 to 1224`),
		step(ok+"\n  policy = \"{not json\"", `(?s)policy`),
		step(ok+"\n  policy = jsonencode({Version = \"1\", Statement = [{Effect = \"Allow\", Action = \"oss:GetObject\"}]})", `(?s)policy.*Resource`),
	})
	e.AssertNoAPICalls(t)
}

// checkNothingLeftWithOutsider is checkNothingLeftAfter(role) once the user the test made in B outside
// Terraform (userInB) is deleted too.
func checkNothingLeftWithOutsider(t *testing.T, e *acctest.Env, user, role string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		deleteUserOutOfBand(t, e, user)
		return checkNothingLeftAfter(t, e, role)(s)
	}
}
