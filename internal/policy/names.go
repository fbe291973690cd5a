package policy

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Name rules from ram-api.md §5. RoleName follows its recommendation ([A-Za-z0-9._@-]): the API docs disagree
// on "_" and "@", and rejecting a name RAM accepts would be worse than letting RAM reject it at apply.
var (
	AccountIDPattern   = regexp.MustCompile(`^[0-9]{16}$`)
	RoleNamePattern    = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)
	UserNamePattern    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	PolicyNamePattern  = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`)
	SessionNamePattern = regexp.MustCompile(`^[A-Za-z0-9.@_-]{2,64}$`)
	ExternalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]+$`) // length 2–1224: Go regexps cap repeats at 1000
)

// Messages describing each rule, for schema descriptions and errors.
const (
	AccountIDRule   = "an Alibaba Cloud account ID is exactly 16 digits"
	RoleNameRule    = "1 to 64 characters: letters, digits, '.', '_', '@' and '-'"
	UserNameRule    = "1 to 64 characters: letters, digits, '.', '_' and '-'"
	PolicyNameRule  = "1 to 128 characters: letters, digits and '-'"
	SessionNameRule = "2 to 64 characters: letters, digits, '.', '@', '_' and '-'"
	ExternalIDRule  = "2 to 1224 characters: letters, digits, '_', '+', '=', ',', '.', '@', ':', '/' and '-'"
)

type nameRule struct {
	what     string // "role name"
	min, max int
	allowed  func(rune) bool
	rule     string
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func anyOf(extra string) func(rune) bool {
	return func(r rune) bool { return isAlnum(r) || strings.ContainsRune(extra, r) }
}

var (
	roleNameRule    = nameRule{"role name", 1, 64, anyOf("._@-"), RoleNameRule}
	userNameRule    = nameRule{"user name", 1, 64, anyOf("._-"), UserNameRule}
	policyNameRule  = nameRule{"policy name", 1, 128, anyOf("-"), PolicyNameRule}
	sessionNameRule = nameRule{"session name", 2, 64, anyOf(".@_-"), SessionNameRule}
	externalIDRule  = nameRule{"external ID", 2, 1224, anyOf("_+=,.@:/-"), ExternalIDRule}
)

// check reports the length problem or names the offending characters; values are quoted only when not secret.
func (n nameRule) check(s string, secret bool) error {
	shown := fmt.Sprintf(" %q", s)
	if secret {
		shown = ""
	}
	if l := utf8.RuneCountInString(s); l < n.min || l > n.max {
		return fmt.Errorf("%s%s is %d %s long; it must be %s", n.what, shown, l, plural(l, "character", "characters"), n.rule)
	}
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if !n.allowed(r) && !seen[r] {
			seen[r] = true
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	if len(bad) > 0 {
		if secret {
			return fmt.Errorf("%s contains characters that are not allowed; it must be %s", n.what, n.rule)
		}
		return fmt.Errorf("%s%s contains %s, which %s not allowed; it must be %s", n.what, shown, strings.Join(bad, ", "), plural(len(bad), "is", "are"), n.rule)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func ValidateRoleName(s string) error    { return roleNameRule.check(s, false) }
func ValidateUserName(s string) error    { return userNameRule.check(s, false) }
func ValidatePolicyName(s string) error  { return policyNameRule.check(s, false) }
func ValidateSessionName(s string) error { return sessionNameRule.check(s, false) }

// ValidateExternalID never echoes the value: external IDs are treated as secrets.
func ValidateExternalID(s string) error { return externalIDRule.check(s, true) }

func ValidateAccountID(s string) error {
	if AccountIDPattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("account ID %q is not valid: %s", s, AccountIDRule)
}

// ServicePrincipalRule says what a trusted service principal is.
const ServicePrincipalRule = "a service principal is an Alibaba Cloud service domain: lower-case labels of letters, digits and " +
	"hyphens ending in .aliyuncs.com, such as ecs.aliyuncs.com or fc.aliyuncs.com"

var servicePrincipalDomain = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+aliyuncs\.com$`)

// ValidateServicePrincipal checks a Service principal of a trust policy: the domain of the service allowed to
// assume the role (ecs.aliyuncs.com). An account, user or role is not a service, and neither is a wildcard.
func ValidateServicePrincipal(s string) error {
	if len(s) <= 128 && servicePrincipalDomain.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not a service principal: %s", s, ServicePrincipalRule)
}

// RoleARN returns acs:ram::<accountID>:role/<roleName>.
func RoleARN(accountID, roleName string) string {
	return "acs:ram::" + accountID + ":role/" + roleName
}

// UserARN returns acs:ram::<accountID>:user/<userName>.
func UserARN(accountID, userName string) string {
	return "acs:ram::" + accountID + ":user/" + userName
}

// AccountRootARN returns acs:ram::<accountID>:root, the principal standing for every identity of an account.
func AccountRootARN(accountID string) string {
	return "acs:ram::" + accountID + ":root"
}

// ParseRoleARN splits acs:ram::<16 digits>:role/<name>.
func ParseRoleARN(arn string) (accountID, roleName string, err error) {
	acct, kind, name, err := ParsePrincipalARN(arn)
	if err != nil || kind != "role" {
		return "", "", fmt.Errorf("%q is not a role ARN: expected acs:ram::<16-digit account ID>:role/<role name>", arn)
	}
	return acct, name, nil
}

// ParsePrincipalARN splits acs:ram::<16 digits>:user/<name> or acs:ram::<16 digits>:role/<name>; kind is
// "user" or "role" and the name must follow that kind's naming rule.
func ParsePrincipalARN(arn string) (accountID, kind, name string, err error) {
	bad := func(why string) error {
		return fmt.Errorf("%q is not a RAM user or role ARN: %s; expected acs:ram::<16-digit account ID>:user/<name> or acs:ram::<16-digit account ID>:role/<name>", arn, why)
	}
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	if !ok {
		return "", "", "", bad(`it must start with "acs:ram::"`)
	}
	acct, res, ok := strings.Cut(rest, ":")
	if !ok {
		return "", "", "", bad("the resource part is missing")
	}
	if !AccountIDPattern.MatchString(acct) {
		return "", "", "", bad(fmt.Sprintf("account ID %q is not 16 digits", acct))
	}
	kind, name, ok = strings.Cut(res, "/")
	if !ok || (kind != "user" && kind != "role") {
		return "", "", "", bad(`the resource must be "user/<name>" or "role/<name>"`)
	}
	var nerr error
	if kind == "user" {
		nerr = ValidateUserName(name)
	} else {
		nerr = ValidateRoleName(name)
	}
	if nerr != nil {
		return "", "", "", bad(nerr.Error())
	}
	return acct, kind, name, nil
}
