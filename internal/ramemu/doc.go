// Package ramemu emulates the Alibaba Cloud RAM (2015-05-01) and STS (2015-04-01) RPC APIs closely enough
// that github.com/aliyun/alibaba-cloud-sdk-go cannot tell it from the real endpoints. It shares no code with
// the provider: it has its own policy parser and evaluator, so a provider bug cannot hide an emulator bug.
//
// Behaviour follows /work/shared/ram-api.md; where that document says "unconfirmed" its recommendation is
// used. Choices worth knowing:
//
//   - Pipeline: parameters (query ∪ form body, form wins) → Version/Action → latency and fault injection →
//     authentication (AccessKeyId, STS token, timestamp ±15 min, signature v1, nonce replay) → per-account
//     throttle → action: parameter validation → existence (404) → authorization (403) → conflicts/limits (409).
//   - Timestamps and nonces are checked against the real wall clock (clients sign with it); everything else
//     (dates, STS expiry, acs:CurrentTime, consistency delay) uses Options.Clock so tests can move time.
//   - Throttling.User is answered with HTTP 400 (the usual POP gateway status; 429 is unconfirmed for RAM).
//     The v1 SDK does not retry it; ServiceUnavailable (503) it does retry when AutoRetry is on.
//   - Names are unique case-insensitively and echoed in their original case. RAM Arn keeps the case; STS
//     AssumedRoleUser.Arn and GetCallerIdentity lower-case the role name. Resource/principal matching in
//     policies is case-insensitive.
//   - Authorization resources: acs:ram:*:<acct>:role/<n>, user/<n>, policy/<n>, mfa/<n> (device create and
//     delete; bind, unbind and MFA info act on the user); "*" for ListRoles, ListUsers, ListPolicies,
//     ListTagResources, ListVirtualMFADevices, the account alias, the password policy and the security
//     preference. Root keys may do anything in their own account.
//   - A token of a deleted role fails with InvalidSecurityToken.Expired (the role-ID check fails, also when a
//     role of the same name was re-created).
//   - DeletePolicy of a role-attached policy answers DeleteConflict.Role.Policy; DetachPolicyFromRole of a
//     policy not attached answers EntityNotExist.Role.Policy (404).
//   - With a consistency delay, new roles/users/policies/attachments are invisible to Get/List reads for the
//     delay, and a detach is still seen by deletes (DeleteConflict.*) for the delay. Writes see the truth.
//   - Explicit clears (ram-api.md §9): an Update action's optional field sent present-and-empty clears it,
//     absent keeps it — UpdateUser's NewDisplayName, NewMobilePhone, NewEmail, NewComments, UpdateRole's and
//     UpdatePolicyDescription's NewDescription. NewDisplayName is clearable too (unconfirmed): CreateUser
//     makes users without a display name, so an empty one is a state RAM has. On Create actions empty is absent.
//   - Tag filters: ListRoles and ListPolicies take Tag ([{"Key","Value"}], JSON) and list only entities whose
//     tags match every pair, paging (MaxItems, Marker) over the matches; a pair without a Value matches any
//     value of its key, as in ListTagResources (unconfirmed). System policies have no tags, so never match.
//   - Trust grammar (ram-api.md §9): a trust statement's Action may hold sts:SetSourceIdentity beside
//     sts:AssumeRole; a statement with only sts:SetSourceIdentity is accepted but lets nobody assume the role
//     (unconfirmed). An empty principal-type list ("RAM": []) is as if absent; a Principal with no non-empty
//     list, or an empty string, is MalformedPolicyDocument.
//   - Propagation (ram-api.md §9; the delay is the same consistency delay): a new or re-activated AccessKey
//     answers InvalidAccessKeyId.NotFound (404) to STS and RAM until the delay has passed; a new policy
//     attachment grants nothing (NoPermission, AccountLevelIdentityBasedPolicy) and a new or changed trust
//     document admits nobody new (NoPermission, AssumeRolePolicy) until then — within the delay AssumeRole
//     needs both the new document and the one it replaced (none for a new role) to allow. Revocations are
//     immediate (deleted or disabled keys, detaches, a narrowed trust): real RAM's revocation lags too, but
//     the provider's revocation tests rely on deletion biting. Unconfirmed and not lagged: a new default
//     policy version, a role's first appearance to AssumeRole (answered NoPermission, not EntityNotExist.Role).
//   - AccessKeys (ram-api.md §2.23): at most 2 per user, Active or Inactive alike; a third CreateAccessKey is
//     LimitExceeded.User.AccessKey (409) and creates nothing, so a rotation must delete before it creates.
//     UpdateAccessKey takes only Active/Inactive (else InvalidParameter.Status); an Inactive key is refused
//     by the gateway (InvalidAccessKeyId.Inactive, 400) but still listed, with its status, by ListAccessKeys.
//   - Lost answers (Options.DropResponseRate, --drop-response-rate, seeded by Seed): after a write action has
//     run and its state is persisted, the connection is closed (reset) without an answer, whatever the
//     action's outcome — a failed write loses its error answer too, as on a real network. Read actions
//     always answer. Stats count such calls in Calls and Dropped, not in Errors; the log shows status=0.
//     POST /_emulator/faults {"drop_response_rate":P} changes the rate of a running emulator.
//   - System tags (Options.SystemTags, --system-tags): new roles and custom policies get acs:tag:createdby
//     (the Tag service's createdby tag: customer:<AccountId>, sub:<UserId>:<UserName>,
//     assumedRoleUser:<RoleName>:<ID of whoever assumed it>) and acs:rm:rgId (a stable default resource
//     group ID per account; that RAM adds it is unconfirmed). They show wherever tags show (ListTagResources,
//     ListRoles, ListPolicies), match Tag filters, do not count towards the 20 tags per resource (documented
//     for createdby), cannot be set or removed (InvalidParameter.TagKey.Reserved) and survive UntagResources
//     All=true.
//   - User groups (groups.go): a RAM user's permissions, for RAM calls and for AssumeRole's identity check, are
//     its own policies plus the policies of every group it is in. Under a consistency delay joining a group
//     and attaching a policy to a group are grants (in effect after the delay, see Propagation); leaving and
//     detaching revoke at once. Limits are ram-api.md §5's current figures: 300 groups per account, 10 groups
//     per user, 20 System + 10 Custom policies per group (older documents say 50, 5 and 20 + 5). GroupId is
//     "g-" and 16 letters/digits, shaped like the reference's examples. Authorization resources are
//     acs:ram:*:<acct>:group/<n>; AddUserToGroup and RemoveUserFromGroup need the group and the user;
//     ListGroups is "*" like the other List actions. Existence is checked group first, then user.
//     ListUsersForGroup entries carry UserName, DisplayName and JoinDate only, and ListEntitiesForPolicy's
//     groups GroupName, Comments and AttachDate, as the RAM 2015-05-01 reference lists them. UpdateGroup's
//     NewComments is clearable (present and empty clears). Delete conflicts are reported in the order
//     DeleteUser: AccessKey, LoginProfile, Policy, Group, MFADevice (the catalogue's order); DeleteGroup:
//     Group.User, Group.Policy; DeletePolicy: Policy.User, Policy.Group, Role.Policy. With a consistency delay
//     a removal from a group, like a detach, is still seen by DeleteUser and DeleteGroup for the delay.
//   - Virtual MFA devices: SerialNumber acs:ram::<acct>:mfa/<name>; names 1–64 letters, digits, "." and "-",
//     unique case-insensitively; at most one device per possible user (LimitExceeded.VirtualMFADevice). The
//     seed is 40 random bytes, base32 without padding (64 characters, like RAM's). QRCodePNG is a valid
//     base64 PNG carrying the otpauth:// URI as rows of pixels, not a scannable QR symbol.
//     ListVirtualMFADevices returns every device (the 2015-05-01 API has no paging parameters); an unbound one
//     has an empty User and no ActivateDate. The seed is in CreateVirtualMFADevice's answer and in the state
//     file (needed to check codes after a restart), nowhere else: not in /_emulator/state, the log or a list.
//   - BindMFADevice takes two consecutive RFC 6238 codes (HMAC-SHA1, 30 s, 6 digits) checked against
//     Options.Clock: previous+current or current+next. Order: 6 digits (InvalidParameter.AuthenticationCode.
//     Format 400) → user, device (404; a SerialNumber outside the caller's account names no device) →
//     authorization → the user has a device (EntityAlreadyExists.User.MFADevice 409), the device has a user
//     (EntityAlreadyExists.VirtualMFADevice.User 409) → codes (CheckAuthenticationCodeFail 403). Used codes are
//     not remembered. GetUserMFAInfo and UnbindMFADevice of a user without a device answer
//     EntityNotExist.User.MFADevice 404; Type is "VMFA". MFA actions are authorized by policies only
//     (AllowUserToManageMFADevices is kept and returned, not applied). TOTP is exported as test support.
//   - ChangePassword (codes from RAM's ChangePassword reference): a root key or a role session gets
//     NotSupport.Account 400; no login profile EntityNotExist.User.LoginProfile 404; a wrong OldPassword
//     InvalidParameter.OldPassword.Incorrect 400; a weak NewPassword InvalidParameter.NewPassword.TooWeak 400, a
//     recent one InvalidParameter.NewPassword.ReusePrevention 400. The user's own call needs no policy while
//     the security preference AllowUserToChangePassword is true (the default); an explicit Deny of
//     ram:ChangePassword always refuses, an Allow always permits. Success clears PasswordResetRequired.
//   - Password policy defaults (SetPasswordPolicy reference, ram-api.md §2.22): MinimumPasswordLength 8, no
//     character classes, MaxPasswordAge 0, PasswordReusePrevention 0, MaxLoginAttemps 0, HardExpiry false.
//     SetPasswordPolicy and SetSecurityPreference keep the current value of an absent parameter (unconfirmed).
//     An integer out of range is InvalidParameter.<P>.Range with RAM's "MUST be in the range of a and b"
//     (documented for MinimumPasswordLength only). Enforced on every password set: policy minimum to 32
//     printable ASCII characters without spaces, the required classes (a symbol is any other printable
//     character), and PasswordReusePrevention N (the current password and the N-1 before it; hashes are kept
//     with the login profile, so deleting the profile forgets them). CreateLoginProfile and UpdateLoginProfile
//     answer InvalidParameter.Password.TooWeak for every rule, reuse included (the catalogue has no other
//     code for them). MaxPasswordAge, HardExpiry and MaxLoginAttemps concern console logons: kept only.
//   - Security preference defaults as documented: users may change their password and manage MFA devices,
//     not AccessKeys or public keys; LoginSessionDuration 6 (1–24, else InvalidParameter.LoginSessionDuration.
//     Range); LoginNetworkMasks up to 25 addresses/CIDRs joined by ";" (else InvalidParameter.
//     LoginNetworkMasks.Format), present and empty clears them.
//   - System policies come from catalog/system_policies.json (embedded; parsed once per process and shared
//     read-only by every Server and account, so neither account state nor the state file copies them). The
//     names are RAM's documented ones (catalog/README.md gives the sources); names outside the catalog answer
//     EntityNotExist.Policy. Where RAM's document text is not known it is generated and marked "generated":
//     FullAccess grants "<code>:*", every other policy only "<code>:Describe*", "List*" and "Get*", with
//     <code> the service's RAM code; descriptions of catalog-only entries are written from the service name.
//     All system policies are dated 2015-04-28T08:00:00Z. ListPolicies lists them in file order before
//     custom policies.
//   - ECS instance metadata (ecs.go): POST /_emulator/ecs/instances {"account_id","instance_id"?,"role_name"?,
//     "imdsv2_required"?} (or Server.AddECSInstance) declares a simulated instance with its instance RAM role;
//     GET lists, DELETE /_emulator/ecs/instances/<id> removes one. Declaring refuses, as ECS's
//     AttachInstanceRamRole does, a role missing from the instance's account (InvalidRamRole.NotFound) or one
//     whose trust policy does not let the service ecs.aliyuncs.com assume it (InvalidRamRole.NotEcsRole).
//     Each instance gets its own metadata service on a loopback listener (metadata_endpoint,
//     http://127.0.0.1:<port>): the address is how it knows which instance asks, as the real 100.100.100.200
//     knows by the instance's network. It answers requests made to it directly and, as an HTTP proxy,
//     absolute-form requests for http://100.100.100.200/ only (403 for any other host): credentials-go
//     (v1.4.14) hard-codes the metadata host and has no host override, only HttpOptions.Proxy (and the
//     environment's HTTP_PROXY through Go's default transport); ALIBABA_CLOUD_ECS_METADATA only names the role.
//     Served: PUT /latest/api/token (X-aliyun-ecs-metadata-token-ttl-seconds 1–21600, else 400; answers the
//     token), and GET with or without X-aliyun-ecs-metadata-token (an unknown or expired token 401; none 401
//     where imdsv2_required, ECS's hardened mode) of /latest/meta-data/instance-id,
//     /latest/meta-data/ram/security-credentials/ (the role name; 404 without a role) and .../<role> (exact
//     name, else 404) with ECS's JSON AccessKeyId, AccessKeySecret, Expiration, SecurityToken, LastUpdated,
//     Code "Success". The credentials are an STS session of the role (session name: the instance ID, caller
//     ARN acs:ram::<acct>:assumed-role/<role>/<instance-id>; unconfirmed), valid 6 hours (ECS's documented
//     example) whatever the role's MaxSessionDuration, handed out unchanged until less than 1 hour is left and
//     then replaced (unconfirmed); the old set stays valid to its expiry. Every hand-out re-checks the trust
//     through the same evaluation as AssumeRole (with the Service principal): a role that no longer trusts ECS
//     answers 403, a deleted one 404 (unconfirmed codes), and deleting the role revokes what was handed out
//     like any session. Trust evaluation of API callers matches RAM principals only, so a role trusted only by
//     a Service cannot be assumed through STS AssumeRole. Instances are not persisted (their listeners would
//     not survive a restart); the sessions they hand out are, like any session. Times use Options.Clock.
//
// Adding an action: write a func (rq *request) xxx() any that takes its parameters with the request's
// checking helpers (rq.mandatory, rq.text, rq.flag, rq.roleName, ...), finds and authorizes its entity with
// one typed lookup (rq.role(name, "ram:Xxx", forRead), rq.user(...), rq.policy(...)), tests rq.err once,
// answers conflicts with `return rq.fail(errConflict(...))`, then mutates and returns its answer (nil for
// just the RequestId; listPage and markerList for a paginated list; creatable for a create). The first
// failed check wins, so the order of the calls is the order of RAM's errors. List it in server.go's route
// table as reads(...) or writes(...): writes run under the write lock and are persisted. action.go holds the
// helpers and a worked example; TestErrorPrecedence pins the order.
package ramemu
