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
//   - Authorization resources: acs:ram:*:<acct>:role/<n>, user/<n>, policy/<n>; "*" for ListRoles, ListUsers,
//     ListPolicies, ListTagResources and the account alias. Root keys may do anything in their own account.
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
//   - Groups and MFA devices are not emulated.
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
