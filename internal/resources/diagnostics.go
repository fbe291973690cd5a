package resources

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// addAPIError turns a client error into a diagnostic that says what happened and what to do next.
// summary names the operation, e.g. "Creating RAM role \"ops\"". hint, when not empty, replaces the
// generic advice for the error's class with advice specific to the caller's situation.
func addAPIError(diags *diag.Diagnostics, summary string, err error, hint string) {
	diags.AddError(summary, apiErrorDetail(err, hint))
}

func apiErrorDetail(err error, hint string) string {
	detail := err.Error()
	if hint == "" {
		hint = adviceFor(err)
	}
	if hint != "" {
		detail += "\n\n" + hint
	}
	return detail
}

// adviceFor gives the generic next step for an error class.
func adviceFor(err error) string {
	var mismatch *ramclient.AccountMismatchError
	if errors.As(err, &mismatch) {
		return "Check that this provider block uses the credentials of the intended account, or correct expected_account_id."
	}
	if ramclient.IsNoCredentials(err) {
		return "This provider block has no usable credentials: set what the message names, in the block or in the environment. " +
			"Only what calls RAM or STS needs them; aliram_policy_document and the provider functions work without."
	}
	switch ramclient.ClassOf(err) {
	case ramclient.ClassPermission:
		return "The provider's credentials are not allowed to do this. Attach a policy that allows the action (for example AliyunRAMFullAccess) to the caller, or use the account's own credentials."
	case ramclient.ClassAuth:
		// What to check depends on where the block's credentials come from: the client's message names it.
		return "This provider block's credentials were refused or could not be obtained. Correct what the message says to check, then run the command again."
	case ramclient.ClassThrottled, ramclient.ClassRetryable:
		return "The service kept failing or throttling until the operation's timeout (or max_retries, when set). Run the command again later, or raise the resource's timeouts."
	case ramclient.ClassLimitExceeded:
		return "An account quota was reached. Remove unused entities or ask Alibaba Cloud to raise the quota."
	case ramclient.ClassInvalid:
		return "The service rejected a value. Correct the argument named in the message."
	}
	return ""
}

// addDeleteError reports what a client delete returned: nothing when it succeeded or the object was gone
// already (the goal is reached); blocked, when not empty, for what the client said still blocks the delete;
// lagHint with a conflict RAM kept reporting without listing a cause; else the error.
func addDeleteError(diags *diag.Diagnostics, summary string, err error, blocked, lagHint string) {
	switch {
	case err == nil || ramclient.IsNotFound(err):
	case blocked != "":
		diags.AddError(summary, blocked)
	case ramclient.IsConflict(err):
		addAPIError(diags, summary, err, lagHint)
	default:
		addAPIError(diags, summary, err, "")
	}
}

// notFoundWarning is what Read reports when the remote object is gone: the resource is dropped from state
// and planned again, as Terraform users expect after an out-of-band delete.
func notFoundWarning(diags *diag.Diagnostics, what string) {
	diags.AddWarning(fmt.Sprintf("%s no longer exists", what),
		"It was deleted outside Terraform, so it has been removed from the state. The next apply creates it again.")
}

// createConflictHint says what to do when a create met an entity of the same name that the provider cannot
// show it made (ramclient.NotCreatedHereError, or any EntityAlreadyExists): the exact import block, with the
// ID, and a placeholder for the resource's address, which only the configuration knows.
func createConflictHint(err error, resourceType, what, id string) string {
	if !ramclient.IsAlreadyExists(err) {
		return ""
	}
	return fmt.Sprintf("To manage the existing %s with Terraform, add this block to the configuration (with the "+
		"address of this resource in place of <name>) and apply again:\n\n"+
		"import {\n  to = %s.<name>\n  id = %q\n}\n\n"+
		"Otherwise choose another name, or delete the existing %s if it is not needed.", what, resourceType, id, what)
}
