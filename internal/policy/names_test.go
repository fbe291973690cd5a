package policy

import (
	"strings"
	"testing"
)

func TestNameValidators(t *testing.T) {
	tests := []struct {
		name  string
		fn    func(string) error
		value string
		want  string // "" = valid
	}{
		{"role ok", ValidateRoleName, "rocketmq-ops.B_1@x", ""},
		{"role 64", ValidateRoleName, strings.Repeat("r", 64), ""},
		{"role 65", ValidateRoleName, strings.Repeat("r", 65), "role name \"" + strings.Repeat("r", 65) + "\" is 65 characters long; it must be 1 to 64 characters"},
		{"role empty", ValidateRoleName, "", "is 0 characters long"},
		{"role chars", ValidateRoleName, "ops role/x", `role name "ops role/x" contains ' ', '/', which are not allowed`},
		{"user ok", ValidateUserName, "alice.b-c_d", ""},
		{"user at", ValidateUserName, "alice@x", `contains '@', which is not allowed`},
		{"policy ok", ValidatePolicyName, "RocketMQ-LeastPrivilege", ""},
		{"policy underscore", ValidatePolicyName, "a_b", "policy name \"a_b\" contains '_'"},
		{"policy 129", ValidatePolicyName, strings.Repeat("p", 129), "is 129 characters long; it must be 1 to 128"},
		{"session ok", ValidateSessionName, "ci@build.1", ""},
		{"session short", ValidateSessionName, "a", "session name \"a\" is 1 character long; it must be 2 to 64"},
		{"external id ok", ValidateExternalID, "abc+=,.@:/-_1", ""},
		{"external id short", ValidateExternalID, "a", "external ID is 1 character long"},
		{"external id long", ValidateExternalID, strings.Repeat("e", 1225), "external ID is 1225 characters long"},
		{"external id 1224", ValidateExternalID, strings.Repeat("e", 1224), ""},
		{"account ok", ValidateAccountID, "1000000000000001", ""},
		{"account short", ValidateAccountID, "100000000000001", "is not valid: an Alibaba Cloud account ID is exactly 16 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(tt.value)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
	// Patterns agree with the validators.
	for _, c := range []struct {
		re interface{ MatchString(string) bool }
		fn func(string) error
		v  []string
	}{
		{RoleNamePattern, ValidateRoleName, []string{"a", "a b", "a@b", strings.Repeat("x", 65)}},
		{UserNamePattern, ValidateUserName, []string{"a", "a@b", "a.b"}},
		{PolicyNamePattern, ValidatePolicyName, []string{"a-b", "a.b"}},
		{SessionNamePattern, ValidateSessionName, []string{"a", "ab", "a b"}},
	} {
		for _, v := range c.v {
			if c.re.MatchString(v) != (c.fn(v) == nil) {
				t.Errorf("pattern and validator disagree on %q", v)
			}
		}
	}
}

func TestParseARNs(t *testing.T) {
	acct, name, err := ParseRoleARN("acs:ram::1000000000000001:role/RocketMQ-Ops")
	if err != nil || acct != "1000000000000001" || name != "RocketMQ-Ops" {
		t.Errorf("ParseRoleARN = %q %q %v", acct, name, err)
	}
	for _, bad := range []string{"", "acs:ram::1000000000000001:user/alice", "acs:ram::1:role/x", "acs:ram:cn-hangzhou:1000000000000001:role/x",
		"acs:ram::1000000000000001:role/", "acs:ram::1000000000000001:role/a/b", "acs:ram::1000000000000001:root"} {
		if _, _, err := ParseRoleARN(bad); err == nil {
			t.Errorf("ParseRoleARN(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), "is not a role ARN: expected acs:ram::<16-digit account ID>:role/<role name>") {
			t.Errorf("ParseRoleARN(%q) error %q", bad, err)
		}
	}
	for _, ok := range []struct{ arn, acct, kind, name string }{
		{"acs:ram::1000000000000002:user/alice", "1000000000000002", "user", "alice"},
		{"acs:ram::1000000000000002:role/ops", "1000000000000002", "role", "ops"},
	} {
		a, k, n, err := ParsePrincipalARN(ok.arn)
		if err != nil || a != ok.acct || k != ok.kind || n != ok.name {
			t.Errorf("ParsePrincipalARN(%q) = %q %q %q %v", ok.arn, a, k, n, err)
		}
	}
	for _, c := range []struct{ arn, want string }{
		{"arn:aws:iam::1:user/x", `it must start with "acs:ram::"`},
		{"acs:ram::1000000000000002", "the resource part is missing"},
		{"acs:ram::12:user/x", `account ID "12" is not 16 digits`},
		{"acs:ram::1000000000000002:root", `the resource must be "user/<name>" or "role/<name>"`},
		{"acs:ram::1000000000000002:user/a@b", `user name "a@b" contains '@'`},
	} {
		_, _, _, err := ParsePrincipalARN(c.arn)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePrincipalARN(%q) error %v, want %q", c.arn, err, c.want)
		}
	}
	if RoleARN("1000000000000001", "x") != "acs:ram::1000000000000001:role/x" || UserARN("1000000000000001", "u") != "acs:ram::1000000000000001:user/u" ||
		AccountRootARN("1000000000000002") != "acs:ram::1000000000000002:root" {
		t.Error("ARN constructors")
	}
}
