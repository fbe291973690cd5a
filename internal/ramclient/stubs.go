package ramclient

import (
	"context"
	"errors"
)

var errNotImplemented = errors.New("ramclient: not implemented yet")

type Client struct{ cfg Config }

func New(cfg Config) (*Client, error) { return &Client{cfg: cfg}, nil }

func (c *Client) CallerIdentity(ctx context.Context) (*Identity, error) {
	return nil, errNotImplemented
}
func (c *Client) AccountID(ctx context.Context) (string, error)    { return "", errNotImplemented }
func (c *Client) AccountAlias(ctx context.Context) (string, error) { return "", errNotImplemented }

func (c *Client) CreateRole(ctx context.Context, in CreateRoleInput) (*Role, error) {
	return nil, errNotImplemented
}
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	return nil, errNotImplemented
}
func (c *Client) UpdateRole(ctx context.Context, in UpdateRoleInput) (*Role, error) {
	return nil, errNotImplemented
}
func (c *Client) DeleteRole(ctx context.Context, name string) error { return errNotImplemented }
func (c *Client) ListRoles(ctx context.Context) ([]Role, error)     { return nil, errNotImplemented }

func (c *Client) CreatePolicy(ctx context.Context, name, document, description string) (*Policy, error) {
	return nil, errNotImplemented
}
func (c *Client) GetPolicy(ctx context.Context, name, policyType string) (*Policy, error) {
	return nil, errNotImplemented
}
func (c *Client) UpdatePolicyDescription(ctx context.Context, name, description string) error {
	return errNotImplemented
}
func (c *Client) CreatePolicyVersion(ctx context.Context, name, document string, setAsDefault, rotate bool) (*PolicyVersion, error) {
	return nil, errNotImplemented
}
func (c *Client) GetPolicyVersion(ctx context.Context, name, policyType, versionID string) (*PolicyVersion, error) {
	return nil, errNotImplemented
}
func (c *Client) SetDefaultPolicyVersion(ctx context.Context, name, versionID string) error {
	return errNotImplemented
}
func (c *Client) ListPolicyVersions(ctx context.Context, name, policyType string) ([]PolicyVersion, error) {
	return nil, errNotImplemented
}
func (c *Client) DeletePolicyVersion(ctx context.Context, name, versionID string) error {
	return errNotImplemented
}
func (c *Client) DeletePolicy(ctx context.Context, name string) error { return errNotImplemented }
func (c *Client) ListPolicies(ctx context.Context, policyType string) ([]Policy, error) {
	return nil, errNotImplemented
}
func (c *Client) ListEntitiesForPolicy(ctx context.Context, name, policyType string) (*PolicyEntities, error) {
	return nil, errNotImplemented
}

func (c *Client) AttachPolicyToRole(ctx context.Context, roleName, policyType, policyName string) error {
	return errNotImplemented
}
func (c *Client) DetachPolicyFromRole(ctx context.Context, roleName, policyType, policyName string) error {
	return errNotImplemented
}
func (c *Client) ListPoliciesForRole(ctx context.Context, roleName string) ([]AttachedPolicy, error) {
	return nil, errNotImplemented
}
func (c *Client) AttachPolicyToUser(ctx context.Context, userName, policyType, policyName string) error {
	return errNotImplemented
}
func (c *Client) DetachPolicyFromUser(ctx context.Context, userName, policyType, policyName string) error {
	return errNotImplemented
}
func (c *Client) ListPoliciesForUser(ctx context.Context, userName string) ([]AttachedPolicy, error) {
	return nil, errNotImplemented
}

func (c *Client) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	return nil, errNotImplemented
}
func (c *Client) GetUser(ctx context.Context, name string) (*User, error) {
	return nil, errNotImplemented
}
func (c *Client) UpdateUser(ctx context.Context, in UpdateUserInput) (*User, error) {
	return nil, errNotImplemented
}
func (c *Client) DeleteUser(ctx context.Context, name string) error { return errNotImplemented }
func (c *Client) ListUsers(ctx context.Context) ([]User, error)     { return nil, errNotImplemented }

func (c *Client) CreateLoginProfile(ctx context.Context, in LoginProfileInput) (*LoginProfile, error) {
	return nil, errNotImplemented
}
func (c *Client) GetLoginProfile(ctx context.Context, userName string) (*LoginProfile, error) {
	return nil, errNotImplemented
}
func (c *Client) UpdateLoginProfile(ctx context.Context, in LoginProfileInput) error {
	return errNotImplemented
}
func (c *Client) DeleteLoginProfile(ctx context.Context, userName string) error {
	return errNotImplemented
}

func (c *Client) CreateAccessKey(ctx context.Context, userName string) (*AccessKey, error) {
	return nil, errNotImplemented
}
func (c *Client) ListAccessKeys(ctx context.Context, userName string) ([]AccessKey, error) {
	return nil, errNotImplemented
}
func (c *Client) UpdateAccessKey(ctx context.Context, userName, accessKeyID, status string) error {
	return errNotImplemented
}
func (c *Client) DeleteAccessKey(ctx context.Context, userName, accessKeyID string) error {
	return errNotImplemented
}

func (c *Client) ListTags(ctx context.Context, resourceType, name string) (map[string]string, error) {
	return nil, errNotImplemented
}
func (c *Client) TagResource(ctx context.Context, resourceType, name string, tags map[string]string) error {
	return errNotImplemented
}
func (c *Client) UntagResource(ctx context.Context, resourceType, name string, keys []string) error {
	return errNotImplemented
}

func (c *Client) AssumeRole(ctx context.Context, in AssumeRoleInput) (*TemporaryCredentials, error) {
	return nil, errNotImplemented
}

func (c *Client) CallCount() map[string]int64 { return map[string]int64{} }
func (c *Client) ResetCallCount()             {}
