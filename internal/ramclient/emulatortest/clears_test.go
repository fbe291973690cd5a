package emulatortest

import (
	"context"
	"testing"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// TestExplicitClears: an Update field set to "" clears that field in RAM (sent present and empty), a nil one
// keeps it.
func TestExplicitClears(t *testing.T) {
	_, url := startEmu(t, ramemu.Options{})
	a := rootClient(t, url, acctA, acctA)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if _, err := a.CreateUser(ctx, ramclient.CreateUserInput{Name: "alice", DisplayName: "Alice", Email: "alice@example.com",
		MobilePhone: "86-18600000000", Comments: "an engineer"}); err != nil {
		t.Fatal(err)
	}
	u, err := a.UpdateUser(ctx, ramclient.UpdateUserInput{Name: "alice", Email: sp(""), Comments: sp("")})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "" || u.Comments != "" || u.DisplayName != "Alice" || u.MobilePhone != "86-18600000000" {
		t.Errorf("UpdateUser's answer %+v", u)
	}
	if _, err := a.UpdateUser(ctx, ramclient.UpdateUserInput{Name: "alice", DisplayName: sp(""), MobilePhone: sp("")}); err != nil {
		t.Fatal(err)
	}
	got, err := a.GetUser(ctx, "alice")
	if err != nil || got.Email != "" || got.Comments != "" || got.DisplayName != "" || got.MobilePhone != "" {
		t.Errorf("user after clears %+v %v", got, err)
	}

	trust := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` + acctB + `:root"]}}]}`
	if _, err := a.CreateRole(ctx, ramclient.CreateRoleInput{Name: "r", TrustPolicy: trust, Description: "kept?"}); err != nil {
		t.Fatal(err)
	}
	ms := int64(7200)
	if _, err := a.UpdateRole(ctx, ramclient.UpdateRoleInput{Name: "r", MaxSessionDuration: &ms}); err != nil {
		t.Fatal(err)
	}
	if r, err := a.GetRole(ctx, "r"); err != nil || r.Description != "kept?" {
		t.Errorf("a nil Description changed the role: %+v %v", r, err)
	}
	if r, err := a.UpdateRole(ctx, ramclient.UpdateRoleInput{Name: "r", Description: sp("")}); err != nil || r.Description != "" {
		t.Errorf("UpdateRole clear: %+v %v", r, err)
	}
	if r, err := a.GetRole(ctx, "r"); err != nil || r.Description != "" || r.MaxSessionDuration != 7200 {
		t.Errorf("role after clear %+v %v", r, err)
	}

	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:GetUser","Resource":"*"}]}`
	if _, err := a.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "p", Document: doc, Description: "to clear"}); err != nil {
		t.Fatal(err)
	}
	if err := a.UpdatePolicyDescription(ctx, "p", ""); err != nil {
		t.Fatal(err)
	}
	if p, err := a.GetPolicy(ctx, "p", "Custom"); err != nil || p.Description != "" {
		t.Errorf("policy after clear %+v %v", p, err)
	}
}
