package ramclient

import (
	"sync/atomic"
	"time"
)

// DefaultConsistencyWindow bounds how long after a create RAM's replication lag is assumed to explain a
// NotFound (or a list that does not show the new member yet).
const DefaultConsistencyWindow = 30 * time.Second

// consistencyWindowOverride (nanoseconds; 0 = default) is set only by tests, through
// SetConsistencyWindowForTesting.
var consistencyWindowOverride atomic.Int64

func defaultConsistencyWindow() time.Duration {
	if d := consistencyWindowOverride.Load(); d > 0 {
		return time.Duration(d)
	}
	return DefaultConsistencyWindow
}

// SetConsistencyWindowForTesting changes the consistency window of clients created from now on and returns
// a function that restores the previous value. Only for tests: acceptance tests use it to age "recently
// created" records in seconds instead of DefaultConsistencyWindow.
func SetConsistencyWindowForTesting(d time.Duration) (restore func()) {
	prev := consistencyWindowOverride.Swap(int64(d))
	return func() { consistencyWindowOverride.Store(prev) }
}

type entityKind int

const (
	entityRole entityKind = iota + 1
	entityPolicy
	entityUser
	entityLoginProfile
	entityAccessKey
	entityRoleAttachment
	entityUserAttachment
)

// Entity names something created in RAM, for RecentlyCreated. Build it with RoleEntity, PolicyEntity,
// UserEntity, LoginProfileEntity, AccessKeyEntity, RoleAttachmentEntity or UserAttachmentEntity.
type Entity struct {
	kind   entityKind
	name   string // role, custom policy or user name; for the others the role or user they belong to
	member string // attachment ("custom/name") or AccessKey ID
}

// RoleEntity is a role.
func RoleEntity(name string) Entity { return Entity{kind: entityRole, name: name} }

// PolicyEntity is a custom policy.
func PolicyEntity(name string) Entity { return Entity{kind: entityPolicy, name: name} }

// UserEntity is a RAM user.
func UserEntity(name string) Entity { return Entity{kind: entityUser, name: name} }

// LoginProfileEntity is a user's login profile (console password).
func LoginProfileEntity(userName string) Entity {
	return Entity{kind: entityLoginProfile, name: userName}
}

// AccessKeyEntity is one AccessKey of a user.
func AccessKeyEntity(userName, accessKeyID string) Entity {
	return Entity{kind: entityAccessKey, name: userName, member: accessKeyID}
}

// RoleAttachmentEntity is a policy attached to a role; policyType "" means Custom.
func RoleAttachmentEntity(roleName, policyType, policyName string) Entity {
	return Entity{kind: entityRoleAttachment, name: roleName, member: attachMember(orCustom(policyType), policyName)}
}

// UserAttachmentEntity is a policy attached to a user; policyType "" means Custom.
func UserAttachmentEntity(userName, policyType, policyName string) Entity {
	return Entity{kind: entityUserAttachment, name: userName, member: attachMember(orCustom(policyType), policyName)}
}

// RecentlyCreated tells the client that entities were created at `at`, usually by another provider process:
// Terraform runs every command in a new one, so the plan right after an apply reads with a client that has
// not seen the creates. The client then treats them as it treats its own creates: until a read has seen
// one, a NotFound for it (or a list that lacks it) is retried with backoff for what remains of the
// consistency window after `at`, never longer. It reports whether `at` is still inside the window; if not,
// nothing is recorded and an absence shows at once. A sub-entity (login profile, AccessKey, attachment)
// also vouches for its user or role: it could not have been created without them.
//
// `at` comes from another process, possibly another machine: a time in the future counts as now, so a
// skewed clock never stretches a wait beyond one window.
func (c *Client) RecentlyCreated(at time.Time, entities ...Entity) bool {
	now := c.now()
	if at.After(now) {
		at = now
	}
	if at.IsZero() || now.Sub(at) > c.consistencyWindow {
		return false
	}
	t := c.track
	for _, e := range entities {
		switch e.kind {
		case entityRole:
			t.markCreatedAt(roleKey(e.name), at)
		case entityPolicy:
			t.markCreatedAt(policyKey(e.name), at)
		case entityUser:
			t.markCreatedAt(userKey(e.name), at)
		case entityLoginProfile:
			t.markCreatedAt(userKey(e.name), at)
			t.markCreatedAt(loginKey(e.name), at)
		case entityAccessKey:
			t.markCreatedAt(userKey(e.name), at)
			t.addPendingAt(accessKeysKey(e.name), e.member, at)
		case entityRoleAttachment:
			t.markCreatedAt(roleKey(e.name), at)
			t.addPendingAt(rolePoliciesKey(e.name), e.member, at)
		case entityUserAttachment:
			t.markCreatedAt(userKey(e.name), at)
			t.addPendingAt(userPoliciesKey(e.name), e.member, at)
		}
	}
	return true
}
