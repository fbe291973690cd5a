package policy

import (
	"fmt"
	"strings"
)

// AccountAliasRule describes an account alias as RAM accepts it in a logon name.
//
// SetAccountAlias takes 3 to 32 characters today; accounts that set their alias under the older limit (up to
// 64 characters, ram-api.md §5) keep it and sign in with it, so a name check must accept those too: refusing
// an alias that signs in would be worse than letting a wrong one through.
const AccountAliasRule = "3 to 64 characters: lowercase letters, digits and '-', neither first nor last, never two in a row"

// LogonDomainSuffix is what RAM appends to an alias (or account ID) to form a RAM user's logon domain.
const LogonDomainSuffix = ".onaliyun.com"

// ValidateAccountAlias checks an account alias (the part before .onaliyun.com in a RAM user's logon name).
func ValidateAccountAlias(s string) error {
	if base, ok := strings.CutSuffix(s, LogonDomainSuffix); ok && base != "" {
		return fmt.Errorf("account alias %q is a logon domain; give the alias alone, %q", s, base)
	}
	if n := len(s); n < 3 || n > 64 {
		return fmt.Errorf("account alias %q is %d %s long; it must be %s", s, n, plural(n, "character", "characters"), AccountAliasRule)
	}
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') && !seen[r] {
			seen[r] = true
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	switch {
	case len(bad) > 0:
		return fmt.Errorf("account alias %q contains %s, which %s not allowed; it must be %s", s, strings.Join(bad, ", "), plural(len(bad), "is", "are"), AccountAliasRule)
	case strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-"):
		return fmt.Errorf("account alias %q starts or ends with '-'; it must be %s", s, AccountAliasRule)
	case strings.Contains(s, "--"):
		return fmt.Errorf("account alias %q contains \"--\"; it must be %s", s, AccountAliasRule)
	}
	return nil
}

// ValidateAccountAliasOrID accepts a 16-digit account ID or an account alias: what a logon name's domain is
// built from. An all-digit value of another length is reported as a mistyped account ID.
func ValidateAccountAliasOrID(s string) error {
	if AccountIDPattern.MatchString(s) {
		return nil
	}
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return fmt.Errorf("%q is neither an account alias nor an account ID: %s", s, AccountIDRule)
	}
	return ValidateAccountAlias(s)
}

// LogonName returns a RAM user's console sign-in name, <user>@<alias or account ID>.onaliyun.com.
func LogonName(userName, accountAliasOrID string) string {
	return userName + "@" + accountAliasOrID + LogonDomainSuffix
}
