// Package acctest is the acceptance-test harness: it starts the RAM+STS emulator in-process (one per test,
// so every test sees only its own calls and state), gives provider factories and two-account provider
// configurations, and points terraform-plugin-testing at the project's own CLI build (bin/tofu).
//
// With ALIRAM_TEST_REAL=1 the same tests run against real Alibaba Cloud: account A's credentials come from the
// standard ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET variables, account B's from
// ALIRAM_TEST_B_ACCESS_KEY_ID / ALIRAM_TEST_B_ACCESS_KEY_SECRET, and no endpoint is overridden.
package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	sdkcredentials "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/aliram/terraform-provider-aliram/internal/provider"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// ProtoV6ProviderFactories serves the provider in-process to the CLI under test, twice: "aliram" for account A
// and "aliramb" for account B (see servers.go for why each account needs its own server in tests).
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"aliram":  providerserver.NewProtocol6WithError(provider.New("test")()),
	"aliramb": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Real reports whether the tests target real Alibaba Cloud instead of the emulator.
func Real() bool { return os.Getenv("ALIRAM_TEST_REAL") == "1" }

// PreCheck prepares the CLI environment; call it from every TestCase.PreCheck.
func PreCheck(t *testing.T) {
	t.Helper()
	if err := setupCLI(); err != nil {
		t.Fatal(err)
	}
	if Real() {
		for _, v := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIRAM_TEST_B_ACCESS_KEY_ID", "ALIRAM_TEST_B_ACCESS_KEY_SECRET"} {
			if os.Getenv(v) == "" {
				t.Fatalf("ALIRAM_TEST_REAL=1 needs %s", v)
			}
		}
	}
}

// Key is an AccessKey pair of one caller.
type Key struct {
	ID, Secret, Token string
}

// Env is one test's world: the emulator (nil in real mode), its URL, and the two accounts.
type Env struct {
	Emulator *ramemu.Server
	CallLog  *CallLog // every call the emulator served, with its timing (nil in real mode)
	URL      string   // emulator base URL; "" in real mode
	A, B     ramemu.Account
}

// New starts a fresh emulator for the test (or describes the real accounts) and stops it when the test ends.
func New(t *testing.T) *Env {
	t.Helper()
	return NewWithOptions(t, ramemu.Options{})
}

func (e *Env) callerAccount(t *testing.T, acct ramemu.Account) string {
	t.Helper()
	resp, err := e.STS(t, Key{ID: acct.AccessKeyID, Secret: acct.AccessKeySecret}).GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	return resp.AccountId
}

// ProviderConfig returns the provider block of account A ("aliram", the default for aliram_* types) and of
// account B ("aliramb": resources in B say `provider = aliramb`).
func (e *Env) ProviderConfig() string {
	return e.ProviderBlock("", e.A) + e.NamedProviderBlock("aliramb", Key{ID: e.B.AccessKeyID, Secret: e.B.AccessKeySecret}, "")
}

// ProviderBlock renders one provider block for an account; alias "" means the default provider.
func (e *Env) ProviderBlock(alias string, acct ramemu.Account) string {
	return e.ProviderBlockWith(alias, Key{ID: acct.AccessKeyID, Secret: acct.AccessKeySecret}, "")
}

// ProviderBlockWith renders a provider block with explicit keys and extra arguments.
func (e *Env) ProviderBlockWith(alias string, key Key, extra string) string {
	var b strings.Builder
	b.WriteString("provider \"aliram\" {\n")
	if alias != "" {
		fmt.Fprintf(&b, "  alias = %q\n", alias)
	}
	fmt.Fprintf(&b, "  access_key = %q\n  secret_key = %q\n", key.ID, key.Secret)
	if key.Token != "" {
		fmt.Fprintf(&b, "  security_token = %q\n", key.Token)
	}
	if e.URL != "" {
		fmt.Fprintf(&b, "  endpoints {\n    ram = %q\n    sts = %q\n  }\n", e.URL, e.URL)
	}
	if extra != "" {
		b.WriteString(extra + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func (e *Env) sdkConfig() *sdk.Config {
	cfg := sdk.NewConfig()
	if e.URL != "" {
		cfg = cfg.WithScheme("HTTP")
	} else {
		cfg = cfg.WithScheme("HTTPS")
	}
	return cfg
}

func (e *Env) host() string { return strings.TrimPrefix(e.URL, "http://") }

// RAM returns a raw SDK client of an account's root key, for out-of-band changes in PreConfig and for checks.
func (e *Env) RAM(t *testing.T, acct ramemu.Account) *ram.Client {
	return e.RAMAs(t, Key{ID: acct.AccessKeyID, Secret: acct.AccessKeySecret})
}

// RAMAs returns a raw SDK RAM client for any key (a RAM user's, or an STS session's).
func (e *Env) RAMAs(t *testing.T, key Key) *ram.Client {
	t.Helper()
	return sdkClient(t, e, ram.NewClientWithOptions, key, func(c *ram.Client) *sdk.Client { return &c.Client })
}

// STS returns a raw SDK STS client for a key.
func (e *Env) STS(t *testing.T, key Key) *sts.Client {
	t.Helper()
	return sdkClient(t, e, sts.NewClientWithOptions, key, func(c *sts.Client) *sdk.Client { return &c.Client })
}

// sdkClient makes a raw SDK client (newClient: ram's or sts's NewClientWithOptions) signing with key and,
// on the emulator, talking to it: base gives its embedded sdk.Client, whose Domain is pointed there.
func sdkClient[C any](t *testing.T, e *Env, newClient func(string, *sdk.Config, auth.Credential) (*C, error), key Key,
	base func(*C) *sdk.Client) *C {
	t.Helper()
	c, err := newClient("cn-hangzhou", e.sdkConfig(), credential(key))
	if err != nil {
		t.Fatal(err)
	}
	if e.URL != "" {
		base(c).Domain = e.host()
	}
	return c
}

func credential(key Key) any {
	if key.Token != "" {
		return sdkcredentials.NewStsTokenCredential(key.ID, key.Secret, key.Token)
	}
	return sdkcredentials.NewAccessKeyCredential(key.ID, key.Secret)
}

// AssumeRole calls STS AssumeRole as key and returns the session's key, or the error.
func (e *Env) AssumeRole(t *testing.T, key Key, roleARN, externalID string) (Key, error) {
	t.Helper()
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn = roleARN
	req.RoleSessionName = "acctest"
	if externalID != "" {
		req.ExternalId = externalID
	}
	resp, err := e.STS(t, key).AssumeRole(req)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: resp.Credentials.AccessKeyId, Secret: resp.Credentials.AccessKeySecret, Token: resp.Credentials.SecurityToken}, nil
}

// AssumeRoleAfterGrant is AssumeRole as a script run right after an apply would do it: a key, an attachment
// or a trust document made moments ago takes effect for STS only once RAM has propagated it (answered
// InvalidAccessKeyId.NotFound or NoPermission until then), so those answers are retried with a short pause
// for at most the provider's consistency window (ramclient.DefaultConsistencyWindow). Anything else, and
// the last answer once the window is over, is returned. A revocation needs no such wait: check it with
// AssumeRole.
func (e *Env) AssumeRoleAfterGrant(t *testing.T, key Key, roleARN, externalID string) (Key, error) {
	t.Helper()
	deadline := time.Now().Add(ramclient.DefaultConsistencyWindow)
	for {
		k, err := e.AssumeRole(t, key, roleARN, externalID)
		if err == nil || !notPropagatedYet(err) || time.Now().After(deadline) {
			return k, err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// notPropagatedYet: STS's answers for a grant it does not know of yet.
func notPropagatedYet(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "InvalidAccessKeyId.NotFound") || strings.Contains(msg, "NoPermission")
}

// RoleARN is the ARN of a role in an account.
func RoleARN(accountID, roleName string) string {
	return fmt.Sprintf("acs:ram::%s:role/%s", accountID, roleName)
}

// namePrefix marks everything the tests create, so real-cloud runs can find and clean up their own entities.
const namePrefix = "tfacc-"

// RandomName returns "tfacc-<prefix>-<random>", valid as a role, user or policy name.
func RandomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return namePrefix + prefix + "-" + hex.EncodeToString(b)
}

// Context is a background context for SDK-free helpers.
func Context() context.Context { return context.Background() }

// Test runs steps through the CLI (resource.Test, after PreCheck) with the provider of
// ProtoV6ProviderFactories; checkDestroy, unless nil, runs after the final destroy. It is the TestCase
// almost every acceptance test writes, so that a test says only its steps and what it checks at the end.
func Test(t *testing.T, checkDestroy resource.TestCheckFunc, steps []resource.TestStep) {
	t.Helper()
	TestWith(t, ProtoV6ProviderFactories, checkDestroy, steps)
}

// TestWith is Test with other provider servers (FactoriesWith, Warnings.Factories).
func TestWith(t *testing.T, factories map[string]func() (tfprotov6.ProviderServer, error), checkDestroy resource.TestCheckFunc,
	steps []resource.TestStep) {
	t.Helper()
	runCase(t, false, factories, checkDestroy, steps)
}

// UnitTest is Test as a unit test, run without TF_ACC: for steps that need no cloud, such as a policy
// document's or a function's.
func UnitTest(t *testing.T, checkDestroy resource.TestCheckFunc, steps []resource.TestStep) {
	t.Helper()
	runCase(t, true, ProtoV6ProviderFactories, checkDestroy, steps)
}

// runCase runs the TestCase of Test, TestWith and UnitTest (unit: resource.UnitTest).
func runCase(t *testing.T, unit bool, factories map[string]func() (tfprotov6.ProviderServer, error),
	checkDestroy resource.TestCheckFunc, steps []resource.TestStep) {
	t.Helper()
	tc := resource.TestCase{
		PreCheck:                 func() { PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             checkDestroy,
		Steps:                    steps,
	}
	if unit {
		resource.UnitTest(t, tc)
		return
	}
	resource.Test(t, tc)
}

// Test is acctest.Test with CheckNothingLeft after the final destroy: every entity the steps made is gone.
func (e *Env) Test(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	Test(t, e.CheckNothingLeft(t), steps)
}

// WithoutAmbientCredentials hides every credential the environment could give the provider (the CLI and
// its plugin processes inherit it): the variables of both families, the CLI profile variables and
// ~/.aliyun/config.json (a fresh HOME, so call it after anything that needs the real one, such as a module
// mirror's Go build cache).
func WithoutAmbientCredentials(t *testing.T) {
	t.Helper()
	for _, v := range []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_ECS_METADATA",
		"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT",
	} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
}

// NeedsEmulator skips the test on real Alibaba Cloud, saying why: for what only the emulator can tell or
// do (call counts and timings, injected faults, simulated ECS instances).
func (e *Env) NeedsEmulator(t *testing.T, why string) {
	t.Helper()
	if e.Emulator == nil {
		t.Skip(why)
	}
}
