package ramclient

import "time"

// Identity is the caller identity reported by STS GetCallerIdentity.
type Identity struct {
	AccountID, ARN, IdentityType, PrincipalID, UserID, RoleID string
}

// Role is a RAM role. TrustPolicy is the AssumeRolePolicyDocument as RAM returns it
// (empty in ListRoles results, which do not carry it).
type Role struct {
	ID, Name, ARN, Description, TrustPolicy string
	MaxSessionDuration                      int64
	CreateDate, UpdateDate                  string
	// Adopted: CreateRole found the role existing with its marker (see marker.go); Tags are then its tags
	// as RAM holds them (reserved keys left out).
	Adopted bool
	Tags    map[string]string
}

type CreateRoleInput struct {
	Name, TrustPolicy, Description string
	MaxSessionDuration             int64             // 0 => RAM default (3600)
	Tags                           map[string]string // set in the same call
	Marker                         Marker            // proof of authorship; zero: none written, nothing adopted
}

// UpdateRoleInput changes only the non-nil fields; a Description pointing to "" clears it.
type UpdateRoleInput struct {
	Name               string
	TrustPolicy        *string
	Description        *string
	MaxSessionDuration *int64
}

// Policy is a RAM policy; Document is the default version's document (GetPolicy only).
type Policy struct {
	Name, Type, Description, DefaultVersion, CreateDate, UpdateDate string
	AttachmentCount                                                 int64
	Document                                                        string
	// Adopted: CreatePolicy found the policy existing with its marker (see marker.go); Tags are then its
	// tags (reserved keys left out) and BoundUserID its WitnessUserIDTagKey tag.
	Adopted     bool
	Tags        map[string]string
	BoundUserID string
}

// CreatePolicyInput creates a custom policy; Tags and the Marker's tag are set in the same call.
type CreatePolicyInput struct {
	Name, Document, Description string
	Tags                        map[string]string
	Marker                      Marker
}

type PolicyVersion struct {
	ID         string
	IsDefault  bool
	Document   string
	CreateDate string
}

type PolicyEntities struct {
	Users, Roles, Groups []string
}

type AttachedPolicy struct {
	Name, Type, Description, DefaultVersion, AttachDate string
}

type User struct {
	ID, Name, DisplayName, MobilePhone, Email, Comments, CreateDate, UpdateDate string
	// Adopted: CreateUser found the user existing and its witness vouched for it (see marker.go).
	Adopted bool
}

type CreateUserInput struct {
	Name, DisplayName, MobilePhone, Email, Comments string
	// Witness is the user's witness policy as CreatePolicy returned it (created with a Marker naming the
	// user, just before the user); nil: no proof, an existing user is never adopted.
	Witness *Policy
	// MayHold is what an interrupted create of this configuration may already have given the user; an
	// existing user holding anything else is not adopted on the weaker proof (witness not yet bound).
	MayHold UserHoldings
}

// UserHoldings lists what a user may hold: attached policies (Type and Name matter), a login profile,
// AccessKeys.
type UserHoldings struct {
	Policies                 []AttachedPolicy
	LoginProfile, AccessKeys bool
}

// UpdateUserInput changes only the non-nil fields, a field pointing to "" is cleared; NewName renames the user.
type UpdateUserInput struct {
	Name                                               string
	NewName, DisplayName, MobilePhone, Email, Comments *string
}

// MFADevice is an MFA device bound to a user; Type is MFATypeVirtual for a virtual one.
type MFADevice struct {
	SerialNumber, Type string
}

// MFATypeVirtual is the Type of a virtual MFA device (an authenticator app).
const MFATypeVirtual = "VMFA"

type LoginProfile struct {
	UserName                               string
	PasswordResetRequired, MFABindRequired bool
	CreateDate                             string
}

// LoginProfileInput creates a login profile (CreateLoginProfile).
type LoginProfileInput struct {
	UserName, Password                     string
	PasswordResetRequired, MFABindRequired bool
}

// Update is the UpdateLoginProfile that sets everything in, as CreateLoginProfile would.
func (in LoginProfileInput) Update() UpdateLoginProfileInput {
	reset, mfa := in.PasswordResetRequired, in.MFABindRequired
	return UpdateLoginProfileInput{UserName: in.UserName, Password: in.Password, PasswordResetRequired: &reset, MFABindRequired: &mfa}
}

// UpdateLoginProfileInput changes what it sets: an empty Password and a nil flag are not sent, so RAM keeps
// them (a flag the user's own actions changed, such as PasswordResetRequired after ChangePassword, stays
// as the user left it).
type UpdateLoginProfileInput struct {
	UserName, Password                     string
	PasswordResetRequired, MFABindRequired *bool
}

// AccessKey: Secret is only set in the CreateAccessKey result.
type AccessKey struct {
	ID, Secret, Status, CreateDate string
}

type AssumeRoleInput struct {
	RoleARN, SessionName, ExternalID, Policy string
	DurationSeconds                          int64 // 0 => STS default (3600)
}

type TemporaryCredentials struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	Expiration                                  time.Time
	AssumedRoleARN, AssumedRoleID               string
}
