package provider_test

import (
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// tlsCertFile is the emulator's self-signed certificate, trusted by this test binary through SSL_CERT_FILE.
// It must be set before anything loads the system certificate pool, hence TestMain.
var tlsCertFile, tlsKeyFile string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aliram-provider-test-tls")
	if err != nil {
		panic(err)
	}
	tlsCertFile, tlsKeyFile, err = ramemu.GenerateSelfSignedCert(dir)
	if err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", tlsCertFile)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func callerIdentityChecks(name, accountID, arn, identityType string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(name, tfjsonpath.New("account_id"), knownvalue.StringExact(accountID)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("arn"), knownvalue.StringExact(arn)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("identity_type"), knownvalue.StringExact(identityType)),
	}
}

// Two aliased provider blocks read both enterprises' identities in one configuration.
func TestAccProvider_twoAccounts(t *testing.T) {
	env := acctest.New(t)
	acctest.Test(t, nil, []resource.TestStep{{
		Config: env.ProviderConfig() + `
data "aliram_caller_identity" "a" {}
data "aliram_caller_identity" "b" { provider = aliramb }
`,
		ConfigStateChecks: append(
			callerIdentityChecks("data.aliram_caller_identity.a", env.A.ID, "acs:ram::"+env.A.ID+":root", "Account"),
			callerIdentityChecks("data.aliram_caller_identity.b", env.B.ID, "acs:ram::"+env.B.ID+":root", "Account")...),
	}})
	// The account ID is fetched once per provider block, however many things need it.
	if got := env.Calls()["Sts.GetCallerIdentity"]; got < 2 {
		t.Fatalf("expected GetCallerIdentity from both provider blocks, got %d", got)
	}
}

// Each credential environment variable family configures the provider on its own.
func TestAccProvider_environmentFamilies(t *testing.T) {
	env := acctest.New(t)
	endpointOnly := fmt.Sprintf("provider \"aliram\" {\n  endpoints {\n    ram = %q\n    sts = %q\n  }\n}\n", env.URL, env.URL)
	config := endpointOnly + `data "aliram_caller_identity" "me" {}`
	checks := callerIdentityChecks("data.aliram_caller_identity.me", env.A.ID, "acs:ram::"+env.A.ID+":root", "Account")

	families := map[string]map[string]string{
		"ALIBABA_CLOUD": {"ALIBABA_CLOUD_ACCESS_KEY_ID": env.A.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": env.A.AccessKeySecret},
		"ALICLOUD":      {"ALICLOUD_ACCESS_KEY": env.A.AccessKeyID, "ALICLOUD_SECRET_KEY": env.A.AccessKeySecret},
	}
	for name, vars := range families {
		t.Run(name, func(t *testing.T) {
			for k, v := range vars {
				t.Setenv(k, v)
			}
			acctest.Test(t, nil, []resource.TestStep{{Config: config, ConfigStateChecks: checks}})
		})
	}

	t.Run("endpoints and region from environment", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", env.B.AccessKeyID)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", env.B.AccessKeySecret)
		t.Setenv("ALIBABA_CLOUD_RAM_ENDPOINT", env.URL)
		t.Setenv("ALIBABA_CLOUD_STS_ENDPOINT", env.URL)
		t.Setenv("ALIBABA_CLOUD_REGION_ID", "ap-southeast-1")
		acctest.Test(t, nil, []resource.TestStep{{
			Config:            `data "aliram_caller_identity" "me" {}`,
			ConfigStateChecks: callerIdentityChecks("data.aliram_caller_identity.me", env.B.ID, "acs:ram::"+env.B.ID+":root", "Account"),
		}})
	})

	t.Run("a bad region from the environment is named", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", env.A.AccessKeyID)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", env.A.AccessKeySecret)
		t.Setenv("ALIBABA_CLOUD_REGION_ID", "Hangzhou 1")
		acctest.Test(t, nil, []resource.TestStep{{Config: config, ExpectError: regexp.MustCompile(`ALIBABA_CLOUD_REGION_ID`)}})
	})

	t.Run("security token family", func(t *testing.T) {
		// A B user with AliyunSTSAssumeRoleAccess assumes a role of A that trusts B; its session configures the provider.
		key := delegatedSession(t, env)
		t.Setenv("ALICLOUD_ACCESS_KEY", key.ID)
		t.Setenv("ALICLOUD_SECRET_KEY", key.Secret)
		t.Setenv("ALICLOUD_SECURITY_TOKEN", key.Token)
		acctest.Test(t, nil, []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("account_id"), knownvalue.StringExact(env.A.ID)),
				statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("identity_type"), knownvalue.StringExact("AssumedRoleUser")),
				statecheck.ExpectKnownValue("data.aliram_caller_identity.me", tfjsonpath.New("arn"),
					knownvalue.StringRegexp(regexp.MustCompile(`^acs:ram::`+env.A.ID+`:assumed-role/operators/acctest$`))),
			},
		}})
	})
}

// A profile of the Alibaba Cloud CLI configuration file (what `aliyun configure` writes).
func TestAccProvider_profile(t *testing.T) {
	env := acctest.New(t)
	file := filepath.Join(t.TempDir(), "config.json")
	content := fmt.Sprintf(`{"current":"other","profiles":[
  {"name":"other","mode":"AK","access_key_id":"LTAI5tNobody000000000000","access_key_secret":"nobody"},
  {"name":"enterprise-b","mode":"AK","access_key_id":%q,"access_key_secret":%q,"region_id":"cn-hangzhou"}]}`,
		env.B.AccessKeyID, env.B.AccessKeySecret)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	acctest.Test(t, nil, []resource.TestStep{{
		Config: fmt.Sprintf(`
provider "aliram" {
  profile                 = "enterprise-b"
  shared_credentials_file = %q
  endpoints {
    ram = %q
    sts = %q
  }
}
data "aliram_caller_identity" "me" {}
`, file, env.URL, env.URL),
		ConfigStateChecks: callerIdentityChecks("data.aliram_caller_identity.me", env.B.ID, "acs:ram::"+env.B.ID+":root", "Account"),
	}})
}

// A wrong secret names the error code and the argument to check, and never prints the secret.
func TestAccProvider_wrongSecret(t *testing.T) {
	env := acctest.New(t)
	wrong := acctest.Key{ID: env.A.AccessKeyID, Secret: "NotTheSecret000000000000000000"}
	acctest.Test(t, nil, []resource.TestStep{{
		Config:      env.ProviderBlockWith("", wrong, "") + `data "aliram_caller_identity" "me" {}`,
		ExpectError: regexp.MustCompile(`(?s)SignatureDoesNotMatch.*secret_key`),
	}})
}

// Bad provider arguments fail at plan with the attribute named, before any API call.
func TestAccProvider_invalidArguments(t *testing.T) {
	env := acctest.New(t)
	key := acctest.Key{ID: env.A.AccessKeyID, Secret: env.A.AccessKeySecret}
	cases := map[string]struct {
		block string
		want  string
	}{
		"endpoint URL":             {"provider \"aliram\" {\n  access_key = \"x\"\n  secret_key = \"y\"\n  endpoints {\n    ram = \"ftp://example.com/path\"\n  }\n}\n", `(?s)endpoints\[0\]\.ram.*https://`},
		"region":                   {env.ProviderBlockWith("", key, `region = "Hangzhou!"`), `(?s)region.*region ID`},
		"assume_role.role_arn":     {env.ProviderBlockWith("", key, `assume_role { role_arn = "acs:ram::123:user/bob" }`), `(?s)assume_role\[0\]\.role_arn.*not\s+a\s+role\s+ARN`},
		"assume_role.session_name": {env.ProviderBlockWith("", key, "assume_role {\n  role_arn     = \"acs:ram::1000000000000001:role/ops\"\n  session_name = \"x\"\n}"), `(?s)assume_role\[0\]\.session_name.*2\s+to\s+64\s+characters`},
		"assume_role.policy":       {env.ProviderBlockWith("", key, "assume_role {\n  role_arn = \"acs:ram::1000000000000001:role/ops\"\n  policy   = \"{not json\"\n}"), `(?s)assume_role\[0\]\.policy.*not\s+valid\s+JSON`},
		"expected_account_id":      {env.ProviderBlockWith("", key, `expected_account_id = "12345"`), `(?s)expected_account_id.*exactly\s+16\s+digits`},
		"max_retries":              {env.ProviderBlockWith("", key, `max_retries = 99`), `(?s)max_retries.*between 0 and 20`},
		"access_key w/o secret":    {"provider \"aliram\" {\n  access_key = \"LTAI5tOnlyTheId00000000\"\n}\n", `(?s)secret_key.*must be specified`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env.ResetCalls()
			acctest.Test(t, nil, []resource.TestStep{{
				Config:      tc.block + "\n" + `data "aliram_caller_identity" "me" {}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}})
			env.AssertNoAPICalls(t)
		})
	}
}

// The provider reaches an HTTPS endpoint that is trusted through SSL_CERT_FILE, and assume_role (which
// credentials-go always sends over HTTPS) exchanges B's user key for a session in A's role.
func TestAccProvider_tlsAndAssumeRole(t *testing.T) {
	env := acctest.New(t) // plain HTTP emulator, used only to prepare the accounts
	cert, err := tls.LoadX509KeyPair(tlsCertFile, tlsKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(env.Emulator)
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hs.StartTLS()
	t.Cleanup(hs.Close)

	user := delegatedUserKey(t, env)
	// block is a provider block on the TLS endpoint with key, exchanging it for a session of roleARN when set.
	block := func(name string, key acctest.Key, roleARN string) string {
		assume := ""
		if roleARN != "" {
			assume = fmt.Sprintf("  assume_role {\n    role_arn     = %q\n    session_name = \"ops-by-b\"\n  }\n", roleARN)
		}
		return fmt.Sprintf("provider %q {\n  access_key = %q\n  secret_key = %q\n%s  endpoints {\n    ram = %q\n    sts = %q\n  }\n}\n",
			name, key.ID, key.Secret, assume, hs.URL, hs.URL)
	}
	rootA := acctest.Key{ID: env.A.AccessKeyID, Secret: env.A.AccessKeySecret}
	acctest.Test(t, nil, []resource.TestStep{{
		Config: block("aliram", rootA, "") + block("aliramb", user, acctest.RoleARN(env.A.ID, "operators")) + `
data "aliram_caller_identity" "root" {}
data "aliram_caller_identity" "assumed" { provider = aliramb }
`,
		ConfigStateChecks: append(
			callerIdentityChecks("data.aliram_caller_identity.root", env.A.ID, "acs:ram::"+env.A.ID+":root", "Account"),
			statecheck.ExpectKnownValue("data.aliram_caller_identity.assumed", tfjsonpath.New("account_id"), knownvalue.StringExact(env.A.ID)),
			statecheck.ExpectKnownValue("data.aliram_caller_identity.assumed", tfjsonpath.New("arn"),
				knownvalue.StringExact("acs:ram::"+env.A.ID+":assumed-role/operators/ops-by-b")),
		),
	}, {
		// A role STS will not hand a session of: the error is STS's, and the advice is about the assume_role
		// block, whose keys are fine.
		Config: block("aliram", user, acctest.RoleARN(env.A.ID, "nobody")) + `data "aliram_caller_identity" "assumed" {}`,
		ExpectError: regexp.MustCompile(`(?s)Reading the caller identity.*EntityNotExist\.Role` +
			strings.ReplaceAll(`.*check the assume_role block: its role_arn must exist and trust the credentials under it`, " ", `\s+`)),
	}})
}

// seedRole creates a role with the raw SDK, as someone outside Terraform would, and attaches the System
// policies to it.
func seedRole(t *testing.T, c *ram.Client, name, trust string, systemPolicies ...string) {
	t.Helper()
	cr := ram.CreateCreateRoleRequest()
	cr.RoleName, cr.AssumeRolePolicyDocument = name, trust
	if _, err := c.CreateRole(cr); err != nil {
		t.Fatal(err)
	}
	for _, p := range systemPolicies {
		att := ram.CreateAttachPolicyToRoleRequest()
		att.RoleName, att.PolicyType, att.PolicyName = name, "System", p
		if _, err := c.AttachPolicyToRole(att); err != nil {
			t.Fatal(err)
		}
	}
}

// seedUserKey creates a user with the raw SDK, attaches a System policy to it and returns the AccessKey it
// creates for it.
func seedUserKey(t *testing.T, c *ram.Client, name, systemPolicy string) acctest.Key {
	t.Helper()
	cu := ram.CreateCreateUserRequest()
	cu.UserName = name
	if _, err := c.CreateUser(cu); err != nil {
		t.Fatal(err)
	}
	ap := ram.CreateAttachPolicyToUserRequest()
	ap.UserName, ap.PolicyType, ap.PolicyName = name, "System", systemPolicy
	if _, err := c.AttachPolicyToUser(ap); err != nil {
		t.Fatal(err)
	}
	ck := ram.CreateCreateAccessKeyRequest()
	ck.UserName = name
	resp, err := c.CreateAccessKey(ck)
	if err != nil {
		t.Fatal(err)
	}
	return acctest.Key{ID: resp.AccessKey.AccessKeyId, Secret: resp.AccessKey.AccessKeySecret}
}

// delegatedUserKey prepares the seeds' delegation with the raw SDK: a role "operators" in A trusting B, and a
// user in B with AliyunSTSAssumeRoleAccess and an AccessKey, which it returns.
func delegatedUserKey(t *testing.T, env *acctest.Env) acctest.Key {
	t.Helper()
	seedRole(t, env.RAM(t, env.A), "operators",
		fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::%s:root"]}}]}`, env.B.ID))
	return seedUserKey(t, env.RAM(t, env.B), "alice", "AliyunSTSAssumeRoleAccess")
}

func delegatedSession(t *testing.T, env *acctest.Env) acctest.Key {
	t.Helper()
	key, err := env.AssumeRole(t, delegatedUserKey(t, env), acctest.RoleARN(env.A.ID, "operators"), "")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// Nothing secret reaches a TF_LOG=trace log: not the secret keys, not the STS token. The secrets come from
// the environment and a CLI profile, as in real use (the test harness itself logs inline configuration text).
func TestAccProvider_noSecretsInTraceLog(t *testing.T) {
	env := acctest.New(t)
	logDir := t.TempDir()
	if d := os.Getenv("ALIRAM_KEEP_TRACE"); d != "" { // to inspect the log by hand
		logDir = d
	}
	session := delegatedSession(t, env)
	profile := filepath.Join(t.TempDir(), "config.json")
	content := fmt.Sprintf(`{"current":"s","profiles":[{"name":"s","mode":"StsToken","access_key_id":%q,"access_key_secret":%q,"sts_token":%q}]}`,
		session.ID, session.Secret, session.Token)
	if err := os.WriteFile(profile, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", env.A.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", env.A.AccessKeySecret)
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	acctest.Test(t, nil, []resource.TestStep{{
		Config: fmt.Sprintf(`
provider "aliram" {
  endpoints {
    ram = %[1]q
    sts = %[1]q
  }
}
provider "aliramb" {
  profile                 = "s"
  shared_credentials_file = %[2]q
  endpoints {
    ram = %[1]q
    sts = %[1]q
  }
}
data "aliram_caller_identity" "a" {}
data "aliram_caller_identity" "s" { provider = aliramb }
`, env.URL, profile),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.aliram_caller_identity.s", tfjsonpath.New("identity_type"), knownvalue.StringExact("AssumedRoleUser")),
		},
	}})
	logs, err := os.ReadDir(logDir)
	if err != nil || len(logs) == 0 {
		t.Fatalf("no trace log written: %v", err)
	}
	var all strings.Builder
	for _, f := range logs {
		b, err := os.ReadFile(filepath.Join(logDir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	text := all.String()
	if !strings.Contains(text, "GetCallerIdentity") {
		t.Fatalf("the trace log does not show the provider's API calls; the test would prove nothing")
	}
	for name, secret := range map[string]string{"A's secret key": env.A.AccessKeySecret, "the session secret": session.Secret, "the security token": session.Token} {
		if strings.Contains(text, secret) {
			t.Errorf("%s appears in the TF_LOG=trace output", name)
		}
	}
}

// A configuration written for A, applied with B's keys, fails before the first write and names both accounts.
func TestAccProvider_expectedAccountMismatch(t *testing.T) {
	env := acctest.New(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderBlockWith("", acctest.Key{ID: env.B.AccessKeyID, Secret: env.B.AccessKeySecret},
				fmt.Sprintf("expected_account_id = %q", env.A.ID)) + fmt.Sprintf(`
resource "aliram_cross_account_role" "ops" {
  name                = "kafka-operators"
  trusted_account_ids = [%q]
}
`, env.B.ID),
			ExpectError: regexp.MustCompile(`(?s)` + env.B.ID + `.*` + env.A.ID),
		}},
		CheckDestroy: env.CheckNothingLeft(t),
	})
	for call, n := range env.Calls() {
		if call != "Sts.GetCallerIdentity" && n > 0 {
			t.Errorf("the guard let %d %s call(s) through", n, call)
		}
	}
	if env.Calls()["Sts.GetCallerIdentity"] == 0 {
		t.Errorf("the guard never checked the identity")
	}
}

// ecsInstance creates B's role app-role (trusted by ECS, reading RAM) and a simulated instance carrying it.
func ecsInstance(t *testing.T, env *acctest.Env) ramemu.ECSInstance {
	t.Helper()
	seedRole(t, env.RAM(t, env.B), "app-role",
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`,
		"AliyunRAMReadOnlyAccess")
	in, err := env.ECSInstance(t, "app-role")
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
				// A role the instance does not carry gets no credentials; the error says which source failed
				// and what of that source to check (not access_key / secret_key, which this block has none of).
				{Config: block("other-role") + data, ExpectError: regexp.MustCompile(`(?s)Reading the caller identity.*Ecs sts token err, httpStatus: 40[14]` +
					strings.ReplaceAll(`.*check ecs_role_name: it must be the RAM role attached to this ECS instance.*Correct what the message says to check`, " ", `\s+`))},
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
