package resources

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// createHoldings is Create's last step, once the user exists (and CreateUser has bound the witness): the
// sts:AssumeRole grant, the login profile and the AccessKey. None of the three needs another, so their calls
// are made at once and a user's apply waits for the longest of the three instead of their sum.
//
// The authorship proof does not depend on their order (see ramclient/marker.go): what must come in order,
// the witness policy before the user and the binding right after it, is done by then, and each of the three
// is something the user may hold (CreateUserInput.MayHold), so an apply interrupted between any of them
// leaves a user the next apply adopts. Their results are then recorded in the order the state has always
// been written (grant, login, key): every part that was made is in the state, saved before an error of
// another part is reported, so a failed apply leaves the parts it made known (and the resource tainted).
func (r *delegatedUserResource) createHoldings(ctx context.Context, cfg tfsdkConfig, resp *resource.CreateResponse, plan delegatedUserModel,
	st *delegatedUserModel, arns []string, witness *ramclient.Policy, adopted bool) {
	name := plan.Name.ValueString()
	var pc *consoleLoginModel
	password := ""
	if !plan.ConsoleLogin.IsNull() {
		pc = &consoleLoginModel{}
		resp.Diagnostics.Append(plan.ConsoleLogin.As(ctx, pc, basetypes.ObjectAsOptions{})...)
		password = r.configPassword(ctx, cfg, *pc, &resp.Diagnostics)
	}
	var pp *programmaticAccessModel
	if !plan.ProgrammaticAccess.IsNull() {
		pp = &programmaticAccessModel{}
		resp.Diagnostics.Append(plan.ProgrammaticAccess.As(ctx, pp, basetypes.ObjectAsOptions{})...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	var wg sync.WaitGroup
	goDo := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	var grant struct {
		name, pType, version string
		err                  error
	}
	goDo(func() {
		grant.name, grant.pType, grant.version, grant.err = r.syncAssumePolicy(ctx, st, arns, nil, witness, !adopted)
	})
	var loginErr error
	if pc != nil {
		goDo(func() { loginErr = r.createLoginProfile(ctx, name, password, *pc) })
	}
	var keyDiags diag.Diagnostics
	if pp != nil {
		goDo(func() {
			// An AccessKey the interrupted create made has a secret nobody will ever see again: delete it, the
			// key created below replaces it.
			if adopted && !r.deleteAllAccessKeys(ctx, name, fmt.Sprintf("Deleting the AccessKeys an interrupted create left on RAM user %q", name), &keyDiags) {
				return
			}
			if err := r.createAccessKey(ctx, name, pp); err != nil {
				addAPIError(&keyDiags, fmt.Sprintf("Creating an AccessKey for RAM user %q", name), err, accessKeyHint(err))
			}
		})
	}
	wg.Wait()

	var failed diag.Diagnostics
	recordGrant(ctx, name, grant.name, grant.pType, grant.version, grant.err, plan.AssumableRoleARNs, st, resp.Private, &resp.State, &failed)
	if pc != nil {
		if loginErr != nil {
			addAPIError(&failed, fmt.Sprintf("Creating the login profile of RAM user %q", name), loginErr, passwordHint(loginErr))
		} else {
			resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdConsoleLogin)...)
			pc.PasswordWO = types.StringNull()
			st.ConsoleLogin = objectFrom(ctx, consoleLoginAttrTypes, *pc, &resp.Diagnostics)
		}
	}
	if pp != nil {
		if keyDiags.HasError() {
			failed.Append(keyDiags...)
		} else {
			resp.Diagnostics.Append(markCreatedNow(ctx, resp.Private, createdAccessKey)...)
			st.ProgrammaticAccess = objectFrom(ctx, programmaticAccessAttrTypes, *pp, &resp.Diagnostics)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, st)...)
	resp.Diagnostics.Append(failed...)
}
