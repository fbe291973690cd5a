package policy

import (
	"strings"
	"testing"
)

func TestValidateAccountAliasOrID(t *testing.T) {
	tests := []struct {
		value string
		want  string // "" = valid
	}{
		{"enterprise-b", ""},
		{"a1b", ""},
		{"1000000000000002", ""},
		{strings.Repeat("a", 64), ""},
		{"ab", `account alias "ab" is 2 characters long; it must be 3 to 64 characters`},
		{strings.Repeat("a", 65), "is 65 characters long"},
		{"Enterprise_B", `account alias "Enterprise_B" contains 'E', '_', 'B', which are not allowed`},
		{"-ent", `starts or ends with '-'`},
		{"ent-", `starts or ends with '-'`},
		{"ent--b", `contains "--"`},
		{"enterprise-b.onaliyun.com", `account alias "enterprise-b.onaliyun.com" is a logon domain; give the alias alone, "enterprise-b"`},
		{"123456", `"123456" is neither an account alias nor an account ID: an Alibaba Cloud account ID is exactly 16 digits`},
		{"", "is 0 characters long"},
	}
	for _, tt := range tests {
		err := ValidateAccountAliasOrID(tt.value)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tt.value, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want it to contain %q", tt.value, err, tt.want)
		}
	}
	if got := LogonName("alice", "enterprise-b"); got != "alice@enterprise-b.onaliyun.com" {
		t.Errorf("LogonName = %q", got)
	}
}
