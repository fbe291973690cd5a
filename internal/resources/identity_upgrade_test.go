package resources_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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
