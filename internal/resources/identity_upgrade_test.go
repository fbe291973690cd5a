package resources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// TestUpgradeIdentity: a state written before identities held the account ID (identity schema version 0,
// the name alone) is upgraded by the CLI (UpgradeResourceIdentity) to the current identity, with the
// account of the provider block, so the next Read's identity (which the framework requires to be unchanged)
// matches it. Every resource, over the provider's gRPC interface.
func TestUpgradeIdentity(t *testing.T) {
	accounts := ramemu.DefaultAccounts()
	emu, err := ramemu.New(ramemu.Options{Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(emu)
	defer hs.Close()
	ctx := context.Background()
	server, _ := configuredProvider(t, ctx, hs.URL, accounts[0])
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || diagErr(ids.Diagnostics) != nil {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, diagErr(ids.Diagnostics))
	}
	for typeName, old := range map[string]map[string]string{
		"aliram_cross_account_role":                {"name": "kafka-ops"},
		"aliram_delegated_role":                    {"name": "orders-app"},
		"aliram_policy":                            {"name": "kafka-orders-rw"},
		"aliram_delegated_user":                    {"name": "kafka-bot"},
		"aliram_role_policy_attachments_exclusive": {"role_name": "kafka-ops"},
		"aliram_role_policy_attachment":            {"role_name": "kafka-ops", "policy_type": "System", "policy_name": "AliyunKafkaFullAccess"},
	} {
		t.Run(typeName, func(t *testing.T) {
			schema := ids.IdentitySchemas[typeName]
			if schema == nil || schema.Version != 1 {
				t.Fatalf("identity schema of %s: %+v, want version 1", typeName, schema)
			}
			raw, _ := json.Marshal(old)
			resp, err := server.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{
				TypeName: typeName, Version: 0, RawIdentity: &tfprotov6.RawState{JSON: raw},
			})
			if err != nil || diagErr(resp.Diagnostics) != nil {
				t.Fatalf("UpgradeResourceIdentity: %v %v", err, diagErr(resp.Diagnostics))
			}
			attrs := map[string]tftypes.Type{}
			for _, a := range schema.IdentityAttributes {
				attrs[a.Name] = a.Type
			}
			typ := tftypes.Object{AttributeTypes: attrs}
			v, err := resp.UpgradedIdentity.IdentityData.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]tftypes.Value
			if err := v.As(&got); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"account_id": accounts[0].ID}
			for k, s := range old {
				want[k] = s
			}
			if len(got) != len(want) {
				t.Fatalf("upgraded identity %v, want %v", got, want)
			}
			for k, s := range want {
				var g string
				if err := got[k].As(&g); err != nil || g != s {
					t.Errorf("upgraded identity: %s = %v, want %q", k, got[k], s)
				}
			}
		})
	}
}

// TestAccUpgradeIdentity_fromNameOnly: a state written by a provider whose identities had no account_id
// (identity schema version 0), served here by the provider behind a translation to that old identity, is
// upgraded by the CLI on the next plan: the plan is empty, and the identities now hold the account of each
// block (B's for the delegated user and role).
func TestAccUpgradeIdentity_fromNameOnly(t *testing.T) {
	e := acctest.New(t)
	role, pol, user := acctest.RandomName("upg-role"), acctest.RandomName("upg-pol"), acctest.RandomName("upg-bot")
	config := strings.Replace(attachmentsConfig(e, role, pol), providerA(e), e.ProviderConfig(), 1) + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider            = aliramb
  name                = %q
  assumable_role_arns = [aliram_cross_account_role.test.arn]
}

resource "aliram_delegated_role" "test" {
  provider            = aliramb
  name                = %q
  assumable_role_arns = [aliram_cross_account_role.test.arn]
}
`, user, user+"-role")
	identities := map[string]map[string]string{
		roleAddr:                             {"name": role},
		"aliram_policy.test":                 {"name": pol},
		"aliram_role_policy_attachment.test": {"role_name": role, "policy_type": "Custom", "policy_name": pol},
		"aliram_role_policy_attachments_exclusive.test": {"role_name": role},
		userAddr:          {"name": user},
		delegatedRoleAddr: {"name": user + "-role"},
	}
	var old, upgraded []statecheck.StateCheck
	for addr, id := range identities {
		want := map[string]knownvalue.Check{}
		for k, v := range id {
			want[k] = knownvalue.StringExact(v)
		}
		old = append(old, statecheck.ExpectIdentity(addr, want))
		account := e.A.ID
		if addr == userAddr || addr == delegatedRoleAddr {
			account = e.B.ID
		}
		upgraded = append(upgraded, identityCheck(addr, account, id))
	}
	oldFactories := map[string]func() (tfprotov6.ProviderServer, error){}
	for name, f := range acctest.FactoriesWith("aliramb") {
		account := e.A.ID
		if name == "aliramb" {
			account = e.B.ID
		}
		oldFactories[name] = func() (tfprotov6.ProviderServer, error) {
			s, err := f()
			if err != nil {
				return nil, err
			}
			return newNameOnlyIdentities(s, account)
		}
	}
	acctest.TestWith(t, nil, checkNothingLeftAfter(t, e), []resource.TestStep{
		{
			ProtoV6ProviderFactories: oldFactories,
			Config:                   config,
			ConfigStateChecks:        old,
			SkipFunc:                 acctest.WithoutIdentity,
		},
		{
			ProtoV6ProviderFactories: acctest.FactoriesWith("aliramb"),
			Config:                   config,
			ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks:        upgraded,
			SkipFunc:                 acctest.WithoutIdentity,
		},
	})
}

// nameOnlyIdentities serves the provider as a version without account_id in its identities did: identity
// schemas of version 0 without the attribute, identities in answers without it, and identities in requests
// given it back (the block's account) on their way in.
type nameOnlyIdentities struct {
	tfprotov6.ProviderServer
	account  string
	old, cur map[string]tftypes.Object // identity types by resource type
}

func newNameOnlyIdentities(s tfprotov6.ProviderServer, account string) (tfprotov6.ProviderServer, error) {
	resp, err := s.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	n := &nameOnlyIdentities{ProviderServer: s, account: account, old: map[string]tftypes.Object{}, cur: map[string]tftypes.Object{}}
	for typeName, schema := range resp.IdentitySchemas {
		cur, old := map[string]tftypes.Type{}, map[string]tftypes.Type{}
		for _, a := range schema.IdentityAttributes {
			cur[a.Name] = a.Type
			if a.Name != "account_id" {
				old[a.Name] = a.Type
			}
		}
		n.cur[typeName], n.old[typeName] = tftypes.Object{AttributeTypes: cur}, tftypes.Object{AttributeTypes: old}
	}
	return n, nil
}

func (n *nameOnlyIdentities) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	resp, err := n.ProviderServer.GetResourceIdentitySchemas(ctx, req)
	if err != nil {
		return resp, err
	}
	for typeName, schema := range resp.IdentitySchemas {
		var attrs []*tfprotov6.ResourceIdentitySchemaAttribute
		for _, a := range schema.IdentityAttributes {
			if a.Name != "account_id" {
				attrs = append(attrs, a)
			}
		}
		resp.IdentitySchemas[typeName] = &tfprotov6.ResourceIdentitySchema{Version: 0, IdentityAttributes: attrs}
	}
	return resp, nil
}

// convert re-encodes an identity from one identity type to the other, adding or dropping account_id.
func (n *nameOnlyIdentities) convert(typeName string, id *tfprotov6.ResourceIdentityData, toOld bool) *tfprotov6.ResourceIdentityData {
	if id == nil || id.IdentityData == nil {
		return id
	}
	from, to := n.cur[typeName], n.old[typeName]
	if !toOld {
		from, to = to, from
	}
	v, err := id.IdentityData.Unmarshal(from)
	if err != nil {
		panic(err)
	}
	if v.IsNull() || !v.IsKnown() { // a null or unknown identity stays so
		val := tftypes.NewValue(to, nil)
		if !v.IsKnown() {
			val = tftypes.NewValue(to, tftypes.UnknownValue)
		}
		dv, _ := tfprotov6.NewDynamicValue(to, val)
		return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		panic(err)
	}
	delete(attrs, "account_id")
	if !toOld {
		attrs["account_id"] = tftypes.NewValue(tftypes.String, n.account)
	}
	dv, err := tfprotov6.NewDynamicValue(to, tftypes.NewValue(to, attrs))
	if err != nil {
		panic(err)
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
}

// through passes a request to the provider (call) with its identity *in made current, and makes the identity
// of the response (out) old again.
func through[Resp any](n *nameOnlyIdentities, typeName string, in **tfprotov6.ResourceIdentityData, call func() (*Resp, error),
	out func(*Resp) **tfprotov6.ResourceIdentityData) (*Resp, error) {
	*in = n.convert(typeName, *in, false)
	resp, err := call()
	if resp != nil {
		id := out(resp)
		*id = n.convert(typeName, *id, true)
	}
	return resp, err
}

func (n *nameOnlyIdentities) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return through(n, req.TypeName, &req.CurrentIdentity, func() (*tfprotov6.ReadResourceResponse, error) { return n.ProviderServer.ReadResource(ctx, req) },
		func(r *tfprotov6.ReadResourceResponse) **tfprotov6.ResourceIdentityData { return &r.NewIdentity })
}

func (n *nameOnlyIdentities) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return through(n, req.TypeName, &req.PriorIdentity, func() (*tfprotov6.PlanResourceChangeResponse, error) {
		return n.ProviderServer.PlanResourceChange(ctx, req)
	},
		func(r *tfprotov6.PlanResourceChangeResponse) **tfprotov6.ResourceIdentityData {
			return &r.PlannedIdentity
		})
}

func (n *nameOnlyIdentities) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return through(n, req.TypeName, &req.PlannedIdentity, func() (*tfprotov6.ApplyResourceChangeResponse, error) {
		return n.ProviderServer.ApplyResourceChange(ctx, req)
	},
		func(r *tfprotov6.ApplyResourceChangeResponse) **tfprotov6.ResourceIdentityData { return &r.NewIdentity })
}
