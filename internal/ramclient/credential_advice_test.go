package ramclient

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// An auth error names the settings of the block's own credential source: advice to check access_key and
// secret_key sends the user of an ECS instance role, a CLI profile or an assume_role block the wrong way.
func TestAuthErrorAdviceFollowsCredentialSource(t *testing.T) {
	keyWords := []string{"secret_key", "access_key", "ALIBABA_CLOUD_ACCESS_KEY"}
	cases := []struct {
		name, source, code string
		obtainFails        bool // the source gave no credentials: no request was sent
		want               []string
		notWant            []string
	}{
		{name: "keys, wrong secret", source: SourceStaticAccessKey, code: "SignatureDoesNotMatch",
			want: []string{"secret_key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}},
		{name: "keys, unknown key", source: SourceStaticAccessKey, code: "InvalidAccessKeyId.NotFound",
			want: []string{"access_key", "ALIBABA_CLOUD_ACCESS_KEY_ID"}},
		{name: "session key without its token", source: SourceStaticAccessKey, code: "MissingSecurityToken",
			want: []string{"security_token"}},
		{name: "STS token expired", source: SourceStaticSTS, code: "InvalidSecurityToken.Expired",
			want: []string{"security_token", "expires"}},
		{name: "unknown source", source: "", code: "SignatureDoesNotMatch", want: []string{"secret_key"}},
		{name: "clock, any source", source: SourceECSRole, code: "InvalidTimeStamp.Expired",
			want: []string{"system clock"}, notWant: keyWords},
		{name: "ECS role session refused", source: SourceECSRole, code: "InvalidSecurityToken.Expired",
			want: []string{"ecs_role_name", "re-created"}, notWant: append(keyWords, "security_token")},
		{name: "ECS metadata gave nothing", source: SourceECSRole, obtainFails: true,
			want: []string{"ecs_role_name", "ecs.aliyuncs.com", "endpoints.ecs_metadata"}, notWant: keyWords},
		{name: "CLI profile key refused", source: SourceCLIProfile, code: "InvalidAccessKeyId.Inactive",
			want: []string{"profile", "shared_credentials_file", "ALIBABA_CLOUD_PROFILE"}, notWant: keyWords},
		{name: "CLI profile unreadable", source: SourceCLIProfile, obtainFails: true,
			want: []string{"profile", "ALIBABA_CLOUD_CONFIG_FILE"}, notWant: keyWords},
		{name: "assume_role refused", source: SourceStaticAccessKey + ViaAssumeRole, obtainFails: true,
			want: []string{"assume_role", "role_arn", "trust", "sts:AssumeRole"}, notWant: keyWords},
		{name: "assume_role session refused", source: SourceCLIProfile + ViaAssumeRole, code: "InvalidSecurityToken.Expired",
			want: []string{"assume_role.role_arn", "new session"}, notWant: append(keyWords, "security_token", "profile")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.on("GetRole", seq(resp(400, apiErr(tc.code, "Refused."))))
			c := newTestClient(t, f, func(c *Config) {
				c.CredentialSource = tc.source
				if tc.obtainFails {
					c.Credentials = UnavailableCredentials(errors.New("refresh sts token err"))
				}
			})
			_, err := c.GetRole(context.Background(), "r")
			if !IsAuth(err) {
				t.Fatalf("want an auth error, got %v", err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not name %q: %s", w, msg)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("error names %q, a setting this source does not have: %s", w, msg)
				}
			}
			if tc.obtainFails && f.count("GetRole") != 0 {
				t.Errorf("GetRole sent %d times without credentials", f.count("GetRole"))
			}
		})
	}
}
