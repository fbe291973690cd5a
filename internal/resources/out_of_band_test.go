package resources_test

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// outOfBand does by hand what an administrator of one account would do in the console: each method is one
// RAM call with the raw SDK and the account's root key, and fails the test if RAM refuses it.
type outOfBand struct {
	t *testing.T
	c *ram.Client
}

// byHand is outOfBand in account acct.
func byHand(t *testing.T, e *acctest.Env, acct ramemu.Account) outOfBand {
	t.Helper()
	return outOfBand{t: t, c: e.RAM(t, acct)}
}

func (o outOfBand) attachToRole(role, policyType, policyName string) {
	req := ram.CreateAttachPolicyToRoleRequest()
	req.RoleName, req.PolicyType, req.PolicyName = role, policyType, policyName
	mustSDK(o.t, "AttachPolicyToRole")(o.c.AttachPolicyToRole(req))
}

func (o outOfBand) detachFromRole(role, policyType, policyName string) {
	req := ram.CreateDetachPolicyFromRoleRequest()
	req.RoleName, req.PolicyType, req.PolicyName = role, policyType, policyName
	mustSDK(o.t, "DetachPolicyFromRole")(o.c.DetachPolicyFromRole(req))
}

func (o outOfBand) updateTrust(role, doc string) {
	req := ram.CreateUpdateRoleRequest()
	req.RoleName = role
	req.NewAssumeRolePolicyDocument = doc
	mustSDK(o.t, "UpdateRole")(o.c.UpdateRole(req))
}

func (o outOfBand) deleteRole(name string) {
	req := ram.CreateDeleteRoleRequest()
	req.RoleName = name
	mustSDK(o.t, "DeleteRole")(o.c.DeleteRole(req))
}

func (o outOfBand) deletePolicy(name string) {
	req := ram.CreateDeletePolicyRequest()
	req.PolicyName = name
	mustSDK(o.t, "DeletePolicy")(o.c.DeletePolicy(req))
}

func (o outOfBand) createUser(name string) {
	req := ram.CreateCreateUserRequest()
	req.UserName = name
	mustSDK(o.t, "CreateUser")(o.c.CreateUser(req))
}

func (o outOfBand) attachToUser(user, policyType, policyName string) {
	req := ram.CreateAttachPolicyToUserRequest()
	req.UserName, req.PolicyType, req.PolicyName = user, policyType, policyName
	mustSDK(o.t, "AttachPolicyToUser")(o.c.AttachPolicyToUser(req))
}

func (o outOfBand) detachFromUser(user, policyType, policyName string) {
	req := ram.CreateDetachPolicyFromUserRequest()
	req.UserName, req.PolicyType, req.PolicyName = user, policyType, policyName
	mustSDK(o.t, "DetachPolicyFromUser")(o.c.DetachPolicyFromUser(req))
}

// createAccessKey gives user a new AccessKey and returns it.
func (o outOfBand) createAccessKey(user string) acctest.Key {
	req := ram.CreateCreateAccessKeyRequest()
	req.UserName = user
	resp, err := o.c.CreateAccessKey(req)
	mustSDK(o.t, "CreateAccessKey")(resp, err)
	return acctest.Key{ID: resp.AccessKey.AccessKeyId, Secret: resp.AccessKey.AccessKeySecret}
}

func (o outOfBand) deleteAccessKey(user, id string) {
	req := ram.CreateDeleteAccessKeyRequest()
	req.UserName, req.UserAccessKeyId = user, id
	mustSDK(o.t, "DeleteAccessKey")(o.c.DeleteAccessKey(req))
}

func (o outOfBand) createGroup(name string) {
	req := ram.CreateCreateGroupRequest()
	req.GroupName = name
	mustSDK(o.t, "CreateGroup")(o.c.CreateGroup(req))
}

func (o outOfBand) addToGroup(group, user string) {
	req := ram.CreateAddUserToGroupRequest()
	req.GroupName, req.UserName = group, user
	mustSDK(o.t, "AddUserToGroup")(o.c.AddUserToGroup(req))
}

// getRole reads a role as the console shows it; unlike the changes above, a refusal is returned, for checks.
func (o outOfBand) getRole(name string) (*ram.GetRoleResponse, error) {
	req := ram.CreateGetRoleRequest()
	req.RoleName = name
	return o.c.GetRole(req)
}
