package resources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/provider"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// How much a refresh costs in RAM API calls, counted by the emulator. A refresh reads every role with one
// GetRole, and every attachment through ListPoliciesForRole, which the client shares among all attachments
// of a role (Terraform reads them in parallel): one role with 10 attachments costs 2 calls, 5 such roles 10.

const benchAttachments = 10

// benchPolicyDoc is the document of the custom policies the attachments use (created out of band, so the
// refresh measured covers only roles and attachments).
const benchPolicyDoc = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"mq:SUB","Resource":"*"}]}`

func benchPolicyNames() []string {
	names := make([]string, benchAttachments)
	for i := range names {
		names[i] = fmt.Sprintf("bench-policy-%02d", i)
	}
	return names
}

func createBenchPolicies(c *ram.Client) error {
	for _, n := range benchPolicyNames() {
		req := ram.CreateCreatePolicyRequest()
		req.PolicyName, req.PolicyDocument = n, benchPolicyDoc
		if _, err := c.CreatePolicy(req); err != nil {
			return fmt.Errorf("CreatePolicy %s: %w", n, err)
		}
	}
	return nil
}

// checkNothingLeftButBenchPolicies is CheckNothingLeft once the bench's policies, made outside Terraform,
// are deleted.
func checkNothingLeftButBenchPolicies(t *testing.T, e *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := deleteBenchPolicies(e.RAM(t, e.A)); err != nil {
			return err
		}
		return e.CheckNothingLeft(t)(s)
	}
}

func deleteBenchPolicies(c *ram.Client) error {
	for _, n := range benchPolicyNames() {
		req := ram.CreateDeletePolicyRequest()
		req.PolicyName = n
		if _, err := c.DeletePolicy(req); err != nil && !strings.Contains(err.Error(), "EntityNotExist") {
			return fmt.Errorf("DeletePolicy %s: %w", n, err)
		}
	}
	return nil
}

// benchConfig: roles roles, each with the 10 custom policies attached (one resource block per attachment:
// the harness's state shim does not support for_each) and, with exclusive, an exclusive set listing them.
func benchConfig(e *acctest.Env, prefix string, roles int, exclusive bool) string {
	var b strings.Builder
	b.WriteString(providerA(e))
	for r := 0; r < roles; r++ {
		fmt.Fprintf(&b, `
resource "aliram_cross_account_role" "r%d" {
  name                = "%s-%d"
  trusted_account_ids = [%q]
}
`, r, prefix, r, e.B.ID)
		for i, p := range benchPolicyNames() {
			fmt.Fprintf(&b, `
resource "aliram_role_policy_attachment" "r%[1]d_%[2]d" {
  role_name   = aliram_cross_account_role.r%[1]d.name
  policy_name = %[3]q
  policy_type = "Custom"
}
`, r, i, p)
		}
		if exclusive {
			fmt.Fprintf(&b, `
resource "aliram_role_policy_attachments_exclusive" "r%[1]d" {
  role_name       = aliram_cross_account_role.r%[1]d.name
  custom_policies = [`, r)
			for i := range benchPolicyNames() {
				fmt.Fprintf(&b, "aliram_role_policy_attachment.r%d_%d.policy_name, ", r, i)
			}
			b.WriteString("]\n}\n")
		}
	}
	return b.String()
}

// ramCalls sums the emulator's RAM calls (STS calls, such as a caller-identity lookup, are not RAM calls).
func ramCalls(calls map[string]int64) (total int64, detail string) {
	var parts []string
	for k, v := range calls {
		if strings.HasPrefix(k, "Ram.") {
			total += v
			parts = append(parts, fmt.Sprintf("%s=%d", strings.TrimPrefix(k, "Ram."), v))
		}
	}
	sort.Strings(parts)
	return total, strings.Join(parts, " ")
}

// TestAccRefreshCost drives a real `tofu refresh` (and a plan) through terraform-plugin-testing and
// asserts the RAM calls it costs: exactly GetRole + one ListPoliciesForRole per role, also when an
// aliram_role_policy_attachments_exclusive watches the role (it shares the attachments' list).
func TestAccRefreshCost(t *testing.T) {
	for _, tc := range []struct {
		roles     int
		exclusive bool
	}{{1, false}, {5, false}, {1, true}} {
		roles := tc.roles
		name := fmt.Sprintf("roles=%d", roles)
		if tc.exclusive {
			name += "/exclusive"
		}
		t.Run(name, func(t *testing.T) {
			e := acctest.New(t)
			e.NeedsEmulator(t, "call counting needs the emulator")
			if err := createBenchPolicies(e.RAM(t, e.A)); err != nil {
				t.Fatal(err)
			}
			config := benchConfig(e, acctest.RandomName("bench"), roles, tc.exclusive)
			want := int64(2 * roles)
			var planCalls map[string]int64
			expect := func(what string, calls map[string]int64) error {
				total, detail := ramCalls(calls)
				t.Logf("%s of %d role(s) x %d attachments: %d RAM calls (%s)", what, roles, benchAttachments, total, detail)
				if total != want || calls["Ram.GetRole"] != int64(roles) || calls["Ram.ListPoliciesForRole"] != int64(roles) {
					return fmt.Errorf("%s cost %d RAM calls (%s), want %d: %d GetRole + %d ListPoliciesForRole", what, total, detail, want, roles, roles)
				}
				return nil
			}
			acctest.Test(t, checkNothingLeftButBenchPolicies(t, e), []resource.TestStep{
				{Config: config},
				{
					// Check runs right after `tofu refresh`, before the harness's own follow-up plan.
					PreConfig:    e.ResetCalls,
					RefreshState: true,
					Check: func(*terraform.State) error {
						return expect("refresh", e.Emulator.Stats().Calls)
					},
				},
				{
					PreConfig: e.ResetCalls,
					Config:    config,
					PlanOnly:  true,
				},
				{
					// What the plan-only step cost (a plan refreshes first), read before resetting again.
					PreConfig: func() {
						planCalls = e.Emulator.Stats().Calls
						e.ResetCalls()
					},
					RefreshState: true,
					Check: func(*terraform.State) error {
						return expect("plan", planCalls)
					},
				},
			})
		})
	}
}

// BenchmarkRefresh measures the same refresh without the CLI: for each iteration a fresh provider server
// (as every tofu command starts one) is configured and ReadResource is called for every role and attachment
// with Terraform's default parallelism of 10, roles before their attachments as the dependency graph
// orders them. It reports RAM calls per refresh; with -latency it shows the wall time at a realistic
// per-call latency.
//
//	go test ./internal/resources -run '^$' -bench Refresh -benchtime 20x
func BenchmarkRefresh(b *testing.B) {
	for _, tc := range []struct {
		roles   int
		latency time.Duration
	}{{1, 0}, {5, 0}, {1, 50 * time.Millisecond}, {5, 50 * time.Millisecond}} {
		b.Run(fmt.Sprintf("roles=%d/attachments=%d/latency=%s", tc.roles, benchAttachments, tc.latency), func(b *testing.B) {
			benchmarkRefresh(b, tc.roles, tc.latency)
		})
	}
}

func benchmarkRefresh(b *testing.B, roles int, latency time.Duration) {
	accounts := ramemu.DefaultAccounts()
	emu, err := ramemu.New(ramemu.Options{Accounts: accounts, Latency: latency})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(emu)
	defer hs.Close()
	env := &acctest.Env{Emulator: emu, URL: hs.URL, A: accounts[0], B: accounts[1]}
	c := sdkClient(b, hs.URL, accounts[0])
	if err := createBenchPolicies(c); err != nil {
		b.Fatal(err)
	}
	roleNames := make([]string, roles)
	for r := range roleNames {
		roleNames[r] = fmt.Sprintf("bench-role-%d", r)
		req := ram.CreateCreateRoleRequest()
		req.RoleName = roleNames[r]
		req.AssumeRolePolicyDocument = fmt.Sprintf(`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::%s:root"]}}],"Version":"1"}`, env.B.ID)
		if _, err := c.CreateRole(req); err != nil {
			b.Fatal(err)
		}
		for _, p := range benchPolicyNames() {
			ar := ram.CreateAttachPolicyToRoleRequest()
			ar.RoleName, ar.PolicyType, ar.PolicyName = roleNames[r], "Custom", p
			if _, err := c.AttachPolicyToRole(ar); err != nil {
				b.Fatal(err)
			}
		}
	}

	ctx := context.Background()
	var calls int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		emu.ResetStats()
		b.StartTimer()
		refreshOnce(b, ctx, hs.URL, accounts[0], roleNames)
		b.StopTimer()
		n, _ := ramCalls(emu.Stats().Calls)
		calls += n
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(calls)/float64(b.N), "ram-calls/refresh")
	if want := int64(2 * roles * b.N); calls != want {
		b.Errorf("%d RAM calls over %d refreshes, want %d", calls, b.N, want)
	}
}

// configuredProvider starts a provider server and configures it for acct against the emulator at url, as
// the CLI does at the start of every command.
func configuredProvider(tb testing.TB, ctx context.Context, url string, acct ramemu.Account) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	return configuredProviderWith(tb, ctx, url, map[string]tftypes.Value{
		"access_key": tftypes.NewValue(tftypes.String, acct.AccessKeyID),
		"secret_key": tftypes.NewValue(tftypes.String, acct.AccessKeySecret),
	})
}

// configuredProviderWith is a provider server configured with attrs and the endpoints at url.
func configuredProviderWith(tb testing.TB, ctx context.Context, url string, attrs map[string]tftypes.Value) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		tb.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagErr(schemas.Diagnostics) != nil {
		tb.Fatalf("GetProviderSchema: %v %v", err, diagErr(schemas.Diagnostics))
	}
	provType := schemas.Provider.ValueType().(tftypes.Object)
	endpointsType := provType.AttributeTypes["endpoints"].(tftypes.List)
	set := map[string]tftypes.Value{
		"endpoints": tftypes.NewValue(endpointsType, []tftypes.Value{objectValue(endpointsType.ElementType.(tftypes.Object), map[string]tftypes.Value{
			"ram": tftypes.NewValue(tftypes.String, url),
			"sts": tftypes.NewValue(tftypes.String, url),
		})}),
	}
	for k, v := range attrs {
		set[k] = v
	}
	cfg := dynamicValue(tb, provType, objectValue(provType, set))
	conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if err != nil || diagErr(conf.Diagnostics) != nil {
		tb.Fatalf("ConfigureProvider: %v %v", err, diagErr(conf.Diagnostics))
	}
	return server, schemas
}

// refreshOnce is one refresh as Terraform performs it, over the provider's gRPC interface.
func refreshOnce(b *testing.B, ctx context.Context, url string, acct ramemu.Account, roles []string) {
	server, schemas := configuredProvider(b, ctx, url, acct)

	roleType := schemas.ResourceSchemas["aliram_cross_account_role"].ValueType().(tftypes.Object)
	attType := schemas.ResourceSchemas["aliram_role_policy_attachment"].ValueType().(tftypes.Object)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	read := func(typeName string, typ tftypes.Object, attrs map[string]tftypes.Value) {
		state, err := tfprotov6.NewDynamicValue(typ, objectValue(typ, attrs))
		if err != nil {
			b.Error(err)
			return
		}
		resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: &state})
		if err != nil || diagErr(resp.Diagnostics) != nil {
			b.Errorf("ReadResource %s: %v %v", typeName, err, diagErr(resp.Diagnostics))
		}
	}
	sem := make(chan struct{}, 10) // Terraform's default -parallelism
	var wg sync.WaitGroup
	for _, role := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			read("aliram_cross_account_role", roleType, map[string]tftypes.Value{
				"id": str(role), "name": str(role),
				"trusted_account_ids":   tftypes.NewValue(roleType.AttributeTypes["trusted_account_ids"], []tftypes.Value{str(acct.ID)}),
				"max_session_duration":  tftypes.NewValue(tftypes.Number, 3600),
				"force_detach_policies": tftypes.NewValue(tftypes.Bool, false),
			})
			<-sem
			// The role's attachments become ready once the role is read.
			var inner sync.WaitGroup
			for _, p := range benchPolicyNames() {
				inner.Add(1)
				go func() {
					defer inner.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					read("aliram_role_policy_attachment", attType, map[string]tftypes.Value{
						"id": str(role + ":Custom:" + p), "role_name": str(role), "policy_name": str(p), "policy_type": str("Custom"),
					})
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
}

// dynamicValue is v, of type typ, as the protocol carries it; an error fails the test.
func dynamicValue(tb testing.TB, typ tftypes.Type, v tftypes.Value) tfprotov6.DynamicValue {
	tb.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		tb.Fatal(err)
	}
	return dv
}

// objectValue builds an object of typ with the given attributes and every other one null.
func objectValue(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func diagErr(diags []*tfprotov6.Diagnostic) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// startEmulator serves an emulator with the default accounts (A, B) until the test ends.
func startEmulator(tb testing.TB) ([]ramemu.Account, *ramemu.Server, *httptest.Server) {
	tb.Helper()
	accounts := ramemu.DefaultAccounts()
	emu, err := ramemu.New(ramemu.Options{Accounts: accounts})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(emu)
	tb.Cleanup(hs.Close)
	return accounts, emu, hs
}

// sdkClient is a raw RAM client of an account against the emulator at url (benchmarks have no *testing.T
// for acctest.Env.RAM).
func sdkClient(tb testing.TB, url string, acct ramemu.Account) *ram.Client {
	c, err := ram.NewClientWithAccessKey("cn-hangzhou", acct.AccessKeyID, acct.AccessKeySecret)
	if err != nil {
		tb.Fatal(err)
	}
	c.Domain = strings.TrimPrefix(url, "http://")
	return c
}

// deleteWhenGone calls the provider's delete (ApplyResourceChange with a null plan) for an object that no
// longer exists: destroy must succeed, since the goal, the object gone, is reached.
func deleteWhenGone(t *testing.T, typeName string, attrs map[string]string, setup func(*ram.Client)) {
	t.Helper()
	accounts, emu, hs := startEmulator(t)
	if setup != nil {
		setup(sdkClient(t, hs.URL, accounts[0]))
	}
	ctx := context.Background()
	server, schemas := configuredProvider(t, ctx, hs.URL, accounts[0])
	typ := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	set := map[string]tftypes.Value{}
	for k, v := range attrs {
		set[k] = tftypes.NewValue(tftypes.String, v)
	}
	if _, ok := typ.AttributeTypes["force_detach_policies"]; ok {
		set["force_detach_policies"] = tftypes.NewValue(tftypes.Bool, true)
	}
	prior, null := dynamicValue(t, typ, objectValue(typ, set)), dynamicValue(t, typ, tftypes.NewValue(typ, nil))
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: &prior, PlannedState: &null, Config: &null,
	})
	if err != nil || diagErr(resp.Diagnostics) != nil {
		t.Fatalf("deleting a %s that is already gone: %v %v", typeName, err, diagErr(resp.Diagnostics))
	}
	if n, detail := ramCalls(emu.Stats().Calls); n == 0 {
		t.Fatalf("no RAM call was made (%s): the test did not exercise the delete", detail)
	}
}

// TestDeleteWhenGone: each resource's destroy succeeds when the object is already gone (the role, the
// attachment with or without its role, the policy).
func TestDeleteWhenGone(t *testing.T) {
	t.Run("role", func(t *testing.T) {
		deleteWhenGone(t, "aliram_cross_account_role", map[string]string{"id": "gone", "name": "gone"}, nil)
	})
	t.Run("attachment of a gone role", func(t *testing.T) {
		deleteWhenGone(t, "aliram_role_policy_attachment", map[string]string{
			"id": "gone:System:AliyunKafkaFullAccess", "role_name": "gone", "policy_type": "System", "policy_name": "AliyunKafkaFullAccess"}, nil)
	})
	t.Run("attachment already detached", func(t *testing.T) {
		deleteWhenGone(t, "aliram_role_policy_attachment", map[string]string{
			"id": "ops:System:AliyunKafkaFullAccess", "role_name": "ops", "policy_type": "System", "policy_name": "AliyunKafkaFullAccess"},
			func(c *ram.Client) {
				req := ram.CreateCreateRoleRequest()
				req.RoleName = "ops"
				req.AssumeRolePolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`
				if _, err := c.CreateRole(req); err != nil {
					t.Fatal(err)
				}
			})
	})
	t.Run("policy", func(t *testing.T) {
		deleteWhenGone(t, "aliram_policy", map[string]string{"id": "gone", "name": "gone"}, nil)
	})
}

// The seeds' delegation: one role in A with 8 attachments (and an exclusive set over them), 5 console users in
// B. Its refresh budget is one identity call per provider block plus, per delegated user, at most 2 calls
// beyond the 3 it made before it owned the whole user: 17 + 2 + 2*5 = 29. The refresh costs 27 RAM calls: 1
// GetRole + 1 ListPoliciesForRole for the role, its attachments and its exclusive set; per user GetUser,
// ListPoliciesForUser and GetLoginProfile (what console_login needs) and, to see what the user holds beyond its
// configuration, ListAccessKeys and ListGroupsForUser.
const (
	seedAttachments    = 8
	seedUsers          = 5
	seedRefreshBudget  = 29 // RAM and STS calls
	seedProviderBlocks = 2
)

// seedRefreshCalls is what the seeds' refresh must cost, action by action (identity calls aside).
var seedRefreshCalls = map[string]int64{
	"Ram.GetRole": 1, "Ram.ListPoliciesForRole": 1,
	"Ram.GetUser": seedUsers, "Ram.ListPoliciesForUser": seedUsers, "Ram.GetLoginProfile": seedUsers,
	"Ram.ListAccessKeys": seedUsers, "Ram.ListGroupsForUser": seedUsers,
}

// identityActions may be called once per provider block (the account ID and alias behind ARNs and logon names).
var identityActions = map[string]bool{"Sts.GetCallerIdentity": true, "Ram.GetAccountAlias": true}

// checkSeedRefreshCalls compares a refresh's calls (RAM and STS) with seedRefreshCalls and the budget.
func checkSeedRefreshCalls(calls map[string]int64) (int64, error) {
	var total, identity int64
	var parts []string
	for action, n := range calls {
		total += n
		parts = append(parts, fmt.Sprintf("%s=%d", action, n))
		if identityActions[action] {
			identity += n
		} else if n != seedRefreshCalls[action] {
			return total, fmt.Errorf("%s called %d times, want %d (all: %v)", action, n, seedRefreshCalls[action], calls)
		}
	}
	for action, n := range seedRefreshCalls {
		if calls[action] != n {
			return total, fmt.Errorf("%s called %d times, want %d (all: %v)", action, calls[action], n, calls)
		}
	}
	sort.Strings(parts)
	if identity > seedProviderBlocks || total > seedRefreshBudget {
		return total, fmt.Errorf("refresh cost %d calls (%d for identity), budget %d with at most %d for identity: %s",
			total, identity, seedRefreshBudget, seedProviderBlocks, strings.Join(parts, " "))
	}
	return total, nil
}

// seedConfigWith is the seeds' delegation under the given provider blocks (aliram for A, aliramb for B).
func seedConfigWith(e *acctest.Env, prefix, providers string) string {
	var b strings.Builder
	b.WriteString(providers)
	fmt.Fprintf(&b, `
resource "aliram_cross_account_role" "seed" {
  name                = "%s-role"
  trusted_account_ids = [%q]
}
`, prefix, e.B.ID)
	var refs []string
	for i, p := range benchPolicyNames()[:seedAttachments] {
		fmt.Fprintf(&b, `
resource "aliram_role_policy_attachment" "a%d" {
  role_name   = aliram_cross_account_role.seed.name
  policy_name = %q
  policy_type = "Custom"
}
`, i, p)
		refs = append(refs, fmt.Sprintf("aliram_role_policy_attachment.a%d.policy_name", i))
	}
	fmt.Fprintf(&b, `
resource "aliram_role_policy_attachments_exclusive" "seed" {
  role_name       = aliram_cross_account_role.seed.name
  custom_policies = [%s]
}
`, strings.Join(refs, ", "))
	for u := 0; u < seedUsers; u++ {
		fmt.Fprintf(&b, `
resource "aliram_delegated_user" "u%d" {
  provider            = aliramb
  name                = "%s-user-%d"
  assumable_role_arns = [aliram_cross_account_role.seed.arn]
  console_login       = { password = "Seed-Passw0rd-%d" }
}
`, u, prefix, u, u)
	}
	return b.String()
}

// TestAccRefreshCost_seedDelegation: a real `tofu refresh` of the seeds' delegation, with two provider
// blocks, costs what seedRefreshCalls says and stays within the budget of 29; with expected_account_id in both
// blocks too (the guard of every call is one cached GetCallerIdentity per block).
func TestAccRefreshCost_seedDelegation(t *testing.T) {
	for _, guarded := range []bool{false, true} {
		t.Run(fmt.Sprintf("expected_account_id=%t", guarded), func(t *testing.T) {
			e := acctest.New(t)
			e.NeedsEmulator(t, "call counting needs the emulator")
			if err := createBenchPolicies(e.RAM(t, e.A)); err != nil {
				t.Fatal(err)
			}
			providers := e.ProviderConfig()
			if guarded {
				providers = e.ProviderBlockWith("", acctest.Key{ID: e.A.AccessKeyID, Secret: e.A.AccessKeySecret},
					fmt.Sprintf("expected_account_id = %q", e.A.ID)) +
					e.NamedProviderBlock("aliramb", acctest.Key{ID: e.B.AccessKeyID, Secret: e.B.AccessKeySecret},
						fmt.Sprintf("expected_account_id = %q", e.B.ID))
			}
			config := seedConfigWith(e, acctest.RandomName("seed"), providers)
			var firstPlan, planCalls map[string]int64
			acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftButBenchPolicies(t, e), []resource.TestStep{
				{
					// The first plan renders the ARNs and logon names: identity calls only (plan_known.go).
					PreConfig:        e.ResetCalls,
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planCallsCheck{e, &firstPlan}}},
					Check: func(*terraform.State) error {
						total, _ := ramCalls(firstPlan)
						t.Logf("first plan of the seeds' delegation: %d RAM calls, %v", total, firstPlan)
						for action, n := range firstPlan {
							if !identityActions[action] || (action == "Ram.GetAccountAlias" && n > 1) || n > seedProviderBlocks {
								return fmt.Errorf("the first plan called %v: want only one identity call per provider block and one GetAccountAlias", firstPlan)
							}
						}
						return nil
					},
				},
				{
					PreConfig:    e.ResetCalls,
					RefreshState: true,
					Check: func(*terraform.State) error {
						total, err := checkSeedRefreshCalls(e.Emulator.Stats().Calls)
						t.Logf("refresh of the seeds' delegation: %d calls (budget %d)", total, seedRefreshBudget)
						return err
					},
				},
				{PreConfig: e.ResetCalls, Config: config, PlanOnly: true},
				{
					// A plan of the applied delegation costs its refresh and nothing more: what it renders is
					// in the state.
					PreConfig: func() {
						planCalls = e.Emulator.Stats().Calls
						e.ResetCalls()
					},
					RefreshState: true,
					Check: func(*terraform.State) error {
						total, err := checkSeedRefreshCalls(planCalls)
						t.Logf("plan of the applied seeds' delegation: %d calls (budget %d)", total, seedRefreshBudget)
						return err
					},
				},
			})
		})
	}
}

// BenchmarkRefreshSeedDelegation is the same refresh without the CLI, over the provider's gRPC interface with
// one provider server per account, for `make bench`: it reports calls per refresh (RAM and STS).
func BenchmarkRefreshSeedDelegation(b *testing.B) {
	accounts, emu, hs := startEmulator(b)
	a, bc := sdkClient(b, hs.URL, accounts[0]), sdkClient(b, hs.URL, accounts[1])
	if err := createBenchPolicies(a); err != nil {
		b.Fatal(err)
	}
	role := "seed-role"
	roleARN := fmt.Sprintf("acs:ram::%s:role/%s", accounts[0].ID, role)
	cr := ram.CreateCreateRoleRequest()
	cr.RoleName = role
	cr.AssumeRolePolicyDocument = fmt.Sprintf(`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::%s:root"]}}],"Version":"1"}`, accounts[1].ID)
	must := func(_ any, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(a.CreateRole(cr))
	policies := benchPolicyNames()[:seedAttachments]
	for _, p := range policies {
		ar := ram.CreateAttachPolicyToRoleRequest()
		ar.RoleName, ar.PolicyType, ar.PolicyName = role, "Custom", p
		must(a.AttachPolicyToRole(ar))
	}
	users := make([]string, seedUsers)
	for u := range users {
		users[u] = fmt.Sprintf("seed-user-%d", u)
		cu := ram.CreateCreateUserRequest()
		cu.UserName = users[u]
		must(bc.CreateUser(cu))
		lp := ram.CreateCreateLoginProfileRequest()
		lp.UserName, lp.Password = users[u], "Seed-Passw0rd"
		must(bc.CreateLoginProfile(lp))
		cp := ram.CreateCreatePolicyRequest()
		cp.PolicyName = "AssumeRole-" + users[u]
		cp.PolicyDocument = fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":[%q]}]}`, roleARN)
		must(bc.CreatePolicy(cp))
		ap := ram.CreateAttachPolicyToUserRequest()
		ap.UserName, ap.PolicyType, ap.PolicyName = users[u], "Custom", cp.PolicyName
		must(bc.AttachPolicyToUser(ap))
	}

	ctx := context.Background()
	var calls int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		emu.ResetStats()
		b.StartTimer()
		refreshSeedOnce(b, ctx, hs.URL, accounts, role, roleARN, policies, users)
		b.StopTimer()
		n, err := checkSeedRefreshCalls(emu.Stats().Calls)
		if err != nil {
			b.Error(err)
		}
		calls += n
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(calls)/float64(b.N), "calls/refresh")
	b.ReportMetric(seedRefreshBudget, "budget-calls/refresh")
}

// refreshSeedOnce reads the seeds' delegation as Terraform refreshes it: each account's provider server
// configured afresh, the role before its attachments and exclusive set, users in parallel.
func refreshSeedOnce(b *testing.B, ctx context.Context, url string, accounts []ramemu.Account, role, roleARN string, policies, users []string) {
	serverA, schemasA := configuredProvider(b, ctx, url, accounts[0])
	serverB, schemasB := configuredProvider(b, ctx, url, accounts[1])
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	read := func(server tfprotov6.ProviderServer, schemas *tfprotov6.GetProviderSchemaResponse, typeName string, attrs map[string]tftypes.Value, private []byte) {
		typ := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
		state, err := tfprotov6.NewDynamicValue(typ, objectValue(typ, attrs))
		if err != nil {
			b.Error(err)
			return
		}
		resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: &state, Private: private})
		if err != nil || diagErr(resp.Diagnostics) != nil {
			b.Errorf("ReadResource %s: %v %v", typeName, err, diagErr(resp.Diagnostics))
		}
	}
	userType := schemasB.ResourceSchemas["aliram_delegated_user"].ValueType().(tftypes.Object)
	loginType := userType.AttributeTypes["console_login"].(tftypes.Object)
	outType := userType.AttributeTypes["out_of_band"].(tftypes.Object)
	strSet := func(typ tftypes.Type, items ...string) tftypes.Value {
		vals := make([]tftypes.Value, len(items))
		for i, s := range items {
			vals[i] = str(s)
		}
		return tftypes.NewValue(typ, vals)
	}
	// The managed policy's version, as Create records it: the refresh need not read the document.
	private, _ := json.Marshal(map[string][]byte{"assume_role_policy_version": []byte(`{"version":"v1"}`)})

	sem := make(chan struct{}, 10) // Terraform's default -parallelism
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f()
		}()
	}
	run(func() {
		roleType := schemasA.ResourceSchemas["aliram_cross_account_role"].ValueType().(tftypes.Object)
		read(serverA, schemasA, "aliram_cross_account_role", map[string]tftypes.Value{
			"id": str(role), "name": str(role),
			"trusted_account_ids":   tftypes.NewValue(roleType.AttributeTypes["trusted_account_ids"], []tftypes.Value{str(accounts[1].ID)}),
			"max_session_duration":  tftypes.NewValue(tftypes.Number, 3600),
			"force_detach_policies": tftypes.NewValue(tftypes.Bool, false),
		}, nil)
		exclusiveType := schemasA.ResourceSchemas["aliram_role_policy_attachments_exclusive"].ValueType().(tftypes.Object)
		for _, p := range policies {
			run(func() {
				read(serverA, schemasA, "aliram_role_policy_attachment", map[string]tftypes.Value{
					"id": str(role + ":Custom:" + p), "role_name": str(role), "policy_name": str(p), "policy_type": str("Custom"),
				}, nil)
			})
		}
		run(func() {
			read(serverA, schemasA, "aliram_role_policy_attachments_exclusive", map[string]tftypes.Value{
				"id": str(role), "role_name": str(role),
				"system_policies": strSet(exclusiveType.AttributeTypes["system_policies"]),
				"custom_policies": strSet(exclusiveType.AttributeTypes["custom_policies"], policies...),
			}, nil)
		})
	})
	for _, u := range users {
		run(func() {
			read(serverB, schemasB, "aliram_delegated_user", map[string]tftypes.Value{
				"id": str("id-" + u), "user_id": str("id-" + u), "name": str(u),
				"arn":                     str(fmt.Sprintf("acs:ram::%s:user/%s", accounts[1].ID, u)),
				"logon_name":              str(u + "@" + accounts[1].ID + ".onaliyun.com"),
				"assumable_role_arns":     strSet(userType.AttributeTypes["assumable_role_arns"], roleARN),
				"assume_role_policy_name": str("AssumeRole-" + u),
				"assume_role_policy_type": str("Custom"),
				"console_login": objectValue(loginType, map[string]tftypes.Value{
					"password":                str("Seed-Passw0rd"),
					"password_reset_required": tftypes.NewValue(tftypes.Bool, false),
					"mfa_bind_required":       tftypes.NewValue(tftypes.Bool, false),
				}),
				"exclusive": tftypes.NewValue(tftypes.Bool, true),
				"out_of_band": objectValue(outType, map[string]tftypes.Value{
					"policies":       strSet(outType.AttributeTypes["policies"]),
					"access_key_ids": strSet(outType.AttributeTypes["access_key_ids"]),
					"login_profile":  tftypes.NewValue(tftypes.Bool, false),
					"groups":         strSet(outType.AttributeTypes["groups"]),
				}),
			}, private)
		})
	}
	wg.Wait()
}
