// Package demo holds the proofs `make demo` runs against the emulator after applying a delegation scenario.
// They go through the raw Alibaba Cloud SDK (services/ram and services/sts), the way enterprise B's own code
// would, and share nothing with the provider: if the provider got the delegation wrong, these checks see it.
package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkcredentials "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"

	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// Key is one caller's credentials: an AccessKey pair, plus a security token for an STS session.
type Key struct {
	ID     string `json:"access_key_id"`
	Secret string `json:"access_key_secret"`
	Token  string `json:"security_token,omitempty"`
}

// ReadKey loads a key saved by WriteKey.
func ReadKey(path string) (Key, error) {
	var k Key
	b, err := os.ReadFile(path)
	if err != nil {
		return k, err
	}
	if err := json.Unmarshal(b, &k); err != nil {
		return k, fmt.Errorf("%s: %w", path, err)
	}
	if k.ID == "" || k.Secret == "" {
		return k, fmt.Errorf("%s holds no AccessKey", path)
	}
	return k, nil
}

// WriteKey saves a key readable only by its owner (it is a secret).
func WriteKey(path string, k Key) error {
	b, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// Cloud reaches RAM and STS at one endpoint (the emulator, or a real one).
type Cloud struct {
	scheme, host string
	base         string
}

// NewCloud parses an endpoint URL such as http://127.0.0.1:18080.
func NewCloud(endpoint string) (*Cloud, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("endpoint %q must be an http:// or https:// URL", endpoint)
	}
	return &Cloud{scheme: strings.ToUpper(u.Scheme), host: u.Host, base: u.Scheme + "://" + u.Host}, nil
}

func (c *Cloud) config() *sdk.Config {
	// No SDK retries: a refusal must surface as the first answer, not be retried away.
	return sdk.NewConfig().WithScheme(c.scheme).WithAutoRetry(false).WithTimeout(20 * time.Second)
}

func credential(k Key) any {
	if k.Token != "" {
		return sdkcredentials.NewStsTokenCredential(k.ID, k.Secret, k.Token)
	}
	return sdkcredentials.NewAccessKeyCredential(k.ID, k.Secret)
}

// RAM is a RAM client acting as k.
func (c *Cloud) RAM(k Key) (*ram.Client, error) {
	cl, err := ram.NewClientWithOptions("cn-hangzhou", c.config(), credential(k))
	if err != nil {
		return nil, err
	}
	cl.Domain = c.host
	return cl, nil
}

// STS is an STS client acting as k.
func (c *Cloud) STS(k Key) (*sts.Client, error) {
	cl, err := sts.NewClientWithOptions("cn-hangzhou", c.config(), credential(k))
	if err != nil {
		return nil, err
	}
	cl.Domain = c.host
	return cl, nil
}

// Code is the API error code of err ("" when err is not an API answer).
func Code(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	return ""
}

// Describe is err without anything secret: the code and message of an API error, else err itself.
func Describe(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		msg := se.Message()
		if i := strings.Index(msg, sdkerrors.MessageContain); i >= 0 {
			// A signature error's message ends with the server's string to sign, which holds the
			// AccessKeyId and any SecurityToken.
			msg = strings.TrimSpace(msg[:i])
		}
		return fmt.Sprintf("%s (HTTP %d): %s", se.ErrorCode(), se.HttpStatus(), msg)
	}
	return err.Error()
}

// Identity is the answer of STS GetCallerIdentity.
type Identity struct {
	AccountID, ARN, IdentityType string
}

// CallerIdentity asks STS who k is.
func (c *Cloud) CallerIdentity(k Key) (*Identity, error) {
	cl, err := c.STS(k)
	if err != nil {
		return nil, err
	}
	resp, err := cl.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if err != nil {
		return nil, err
	}
	return &Identity{AccountID: resp.AccountId, ARN: resp.Arn, IdentityType: resp.IdentityType}, nil
}

// Session is the result of a successful AssumeRole.
type Session struct {
	Key
	AssumedRoleARN string
	Expiration     string
}

// AssumeRole calls STS AssumeRole as k.
func (c *Cloud) AssumeRole(k Key, roleARN, sessionName, externalID string) (*Session, error) {
	cl, err := c.STS(k)
	if err != nil {
		return nil, err
	}
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn = roleARN
	req.RoleSessionName = sessionName
	if externalID != "" {
		req.ExternalId = externalID
	}
	resp, err := cl.AssumeRole(req)
	if err != nil {
		return nil, err
	}
	return &Session{
		Key:            Key{ID: resp.Credentials.AccessKeyId, Secret: resp.Credentials.AccessKeySecret, Token: resp.Credentials.SecurityToken},
		AssumedRoleARN: resp.AssumedRoleUser.Arn,
		Expiration:     resp.Credentials.Expiration,
	}, nil
}

// ExpectRefused runs call and succeeds only when it fails with an API error whose code starts with wantCode.
func ExpectRefused(what string, wantCode string, call func() error) (string, error) {
	err := call()
	if err == nil {
		return "", fmt.Errorf("%s succeeded; it must be refused with %s", what, wantCode)
	}
	got := Code(err)
	if got == "" || !strings.HasPrefix(got, wantCode) {
		return "", fmt.Errorf("%s failed, but not with %s: %s", what, wantCode, Describe(err))
	}
	return got, nil
}

// TryWrites attempts, as k, changes to the RAM of the role's account that a delegated operator must not make:
// create a user, create a role, and widen its own role with AdministratorAccess. Each must be refused with
// NoPermission; the returned list names the refused actions.
func (c *Cloud) TryWrites(k Key, roleName string) ([]string, error) {
	cl, err := c.RAM(k)
	if err != nil {
		return nil, err
	}
	attempts := []struct {
		action string
		call   func() error
	}{
		{"CreateUser", func() error {
			req := ram.CreateCreateUserRequest()
			req.UserName = "demo-intruder"
			_, err := cl.CreateUser(req)
			return err
		}},
		{"CreateRole", func() error {
			req := ram.CreateCreateRoleRequest()
			req.RoleName = "demo-intruder"
			req.AssumeRolePolicyDocument = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}]}`
			_, err := cl.CreateRole(req)
			return err
		}},
		{"AttachPolicyToRole", func() error {
			req := ram.CreateAttachPolicyToRoleRequest()
			req.RoleName = roleName
			req.PolicyType = "System"
			req.PolicyName = "AdministratorAccess"
			_, err := cl.AttachPolicyToRole(req)
			return err
		}},
	}
	var refused []string
	for _, a := range attempts {
		if _, err := ExpectRefused(a.action, "NoPermission", a.call); err != nil {
			return refused, err
		}
		refused = append(refused, a.action)
	}
	return refused, nil
}

// CreateUserWithKey creates a RAM user with an AccessKey and no policy, acting as k (an account's root key).
func (c *Cloud) CreateUserWithKey(k Key, name string) (Key, error) {
	cl, err := c.RAM(k)
	if err != nil {
		return Key{}, err
	}
	req := ram.CreateCreateUserRequest()
	req.UserName = name
	req.Comments = "created by make demo outside Terraform; deleted by the demo"
	if _, err := cl.CreateUser(req); err != nil {
		return Key{}, err
	}
	kreq := ram.CreateCreateAccessKeyRequest()
	kreq.UserName = name
	resp, err := cl.CreateAccessKey(kreq)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: resp.AccessKey.AccessKeyId, Secret: resp.AccessKey.AccessKeySecret}, nil
}

// AttachUserPolicy attaches a policy to a user, acting as k.
func (c *Cloud) AttachUserPolicy(k Key, user, policyType, policyName string) error {
	cl, err := c.RAM(k)
	if err != nil {
		return err
	}
	req := ram.CreateAttachPolicyToUserRequest()
	req.UserName, req.PolicyType, req.PolicyName = user, policyType, policyName
	_, err = cl.AttachPolicyToUser(req)
	return err
}

// DeleteUser removes a user completely, acting as k: its policies, AccessKeys, login profile, then the user.
func (c *Cloud) DeleteUser(k Key, name string) error {
	cl, err := c.RAM(k)
	if err != nil {
		return err
	}
	preq := ram.CreateListPoliciesForUserRequest()
	preq.UserName = name
	pols, err := cl.ListPoliciesForUser(preq)
	if err != nil {
		return err
	}
	for _, p := range pols.Policies.Policy {
		req := ram.CreateDetachPolicyFromUserRequest()
		req.UserName, req.PolicyType, req.PolicyName = name, p.PolicyType, p.PolicyName
		if _, err := cl.DetachPolicyFromUser(req); err != nil {
			return err
		}
	}
	kreq := ram.CreateListAccessKeysRequest()
	kreq.UserName = name
	keys, err := cl.ListAccessKeys(kreq)
	if err != nil {
		return err
	}
	for _, ak := range keys.AccessKeys.AccessKey {
		req := ram.CreateDeleteAccessKeyRequest()
		req.UserName, req.UserAccessKeyId = name, ak.AccessKeyId
		if _, err := cl.DeleteAccessKey(req); err != nil {
			return err
		}
	}
	lreq := ram.CreateDeleteLoginProfileRequest()
	lreq.UserName = name
	if _, err := cl.DeleteLoginProfile(lreq); err != nil && !strings.HasPrefix(Code(err), "EntityNotExist") {
		return err
	}
	ureq := ram.CreateDeleteUserRequest()
	ureq.UserName = name
	_, err = cl.DeleteUser(ureq)
	return err
}

// State reads the emulator's GET /_emulator/state (no secrets in it).
func (c *Cloud) State() (*ramemu.StateDump, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(c.base + "/_emulator/state")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_emulator/state: HTTP %d", resp.StatusCode)
	}
	var d ramemu.StateDump
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("GET /_emulator/state: %w", err)
	}
	return &d, nil
}

// Holdings lists what an account holds besides what every account has (system policies): "role/x",
// "policy/y", "attachment/Role:x:System:z", "user/u". Empty means the account is as it was created.
func Holdings(a ramemu.AccountDump) []string {
	var out []string
	for _, r := range a.Roles {
		out = append(out, "role/"+r.Name)
	}
	for _, p := range a.Policies {
		out = append(out, "policy/"+p.Name)
	}
	for _, at := range a.Attachments {
		out = append(out, fmt.Sprintf("attachment/%s:%s:%s:%s", at.PrincipalType, at.PrincipalName, at.PolicyType, at.PolicyName))
	}
	for _, u := range a.Users {
		out = append(out, "user/"+u.Name)
	}
	return out
}

// CheckEmpty succeeds when each of the accounts exists in the emulator and holds nothing.
func (c *Cloud) CheckEmpty(accountIDs ...string) error {
	d, err := c.State()
	if err != nil {
		return err
	}
	byID := map[string]ramemu.AccountDump{}
	for _, a := range d.Accounts {
		byID[a.ID] = a
	}
	var problems []string
	for _, id := range accountIDs {
		a, ok := byID[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("account %s is not in the emulator", id))
			continue
		}
		if h := Holdings(a); len(h) > 0 {
			problems = append(problems, fmt.Sprintf("account %s still holds %s", id, strings.Join(h, ", ")))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
