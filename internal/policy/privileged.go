package policy

import (
	"sort"
	"strings"
)

// privilegedSystemPolicies are the system policies that give a role (or user) more than operating one
// service: full control of the account, or a way to gain it or to reach other accounts. Attached to a role
// that another enterprise assumes, each hands that enterprise this power; the plan warns about it (see
// PrivilegedSystemPolicy). Keys are lower-cased: RAM compares policy names without regard to case. The text
// is the reason, shown to the reviewer.
var privilegedSystemPolicies = map[string]struct{ name, why string }{
	// Every action on every resource of the account.
	"administratoraccess": {"AdministratorAccess",
		"it allows every action on every resource of the account"},
	// RAM's own API: create users and AccessKeys, attach AdministratorAccess, rewrite trust policies. One call
	// turns it into full control, and what it creates outlives the delegation.
	"aliyunramfullaccess": {"AliyunRAMFullAccess",
		"it allows every RAM action: creating users and AccessKeys, attaching AdministratorAccess, changing trust " +
			"policies, which is full control of the account with a way to keep it after the delegation ends"},
	// sts:AssumeRole on "*": from the role's session, any other role that trusts this account (or the
	// session's role) can be assumed, which leaves the permissions this role was given.
	"aliyunstsassumeroleaccess": {"AliyunSTSAssumeRoleAccess",
		"it allows sts:AssumeRole on every role: a session of this role can switch on to any other role whose " +
			"trust policy admits this account, in this account or another, and leave this role's permissions behind"},
	// The resource directory: member accounts, their creation and removal, and the access roles into them.
	"aliyunresourcedirectoryfullaccess": {"AliyunResourceDirectoryFullAccess",
		"it manages the resource directory: member accounts, and access into them, beyond this account"},
	// CloudSSO assigns users access configurations on every account of the directory.
	"aliyuncloudssofullaccess": {"AliyunCloudSSOFullAccess",
		"it manages CloudSSO, which grants users access to every account of the resource directory"},
}

// PrivilegedSystemPolicy reports whether the system policy named name (any case) is privileged, with its
// name as RAM spells it and why it is.
func PrivilegedSystemPolicy(name string) (canonical, why string, ok bool) {
	p, ok := privilegedSystemPolicies[strings.ToLower(name)]
	return p.name, p.why, ok
}

// PrivilegedSystemPolicies lists the privileged system policies' names, sorted.
func PrivilegedSystemPolicies() []string {
	out := make([]string, 0, len(privilegedSystemPolicies))
	for _, p := range privilegedSystemPolicies {
		out = append(out, p.name)
	}
	sort.Strings(out)
	return out
}
