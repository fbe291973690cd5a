package policy

import (
	"strings"
	"testing"
)

func TestBuildTrustPolicy(t *testing.T) {
	tests := []struct {
		name string
		spec TrustSpec
		want string
	}{
		{
			name: "one account",
			spec: TrustSpec{AccountIDs: []string{"1000000000000002"}},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`,
		},
		{
			name: "accounts and principals sorted and de-duplicated",
			spec: TrustSpec{
				AccountIDs:    []string{"1000000000000003", "1000000000000002", "1000000000000003"},
				PrincipalARNs: []string{"acs:ram::1000000000000002:user/alice", "acs:ram::1000000000000002:role/ops"},
			},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:role/ops","acs:ram::1000000000000002:root","acs:ram::1000000000000002:user/alice","acs:ram::1000000000000003:root"]}}],"Version":"1"}`,
		},
		{
			name: "every condition",
			spec: TrustSpec{
				AccountIDs: []string{"1000000000000002"},
				ExternalID: "contract-42",
				RequireMFA: true,
				SourceIPs:  []string{"203.0.113.0/24", "198.51.100.7"},
				ValidUntil: "2027-01-01T08:00:00+08:00",
			},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Condition":{"Bool":{"acs:MFAPresent":["true"]},"DateLessThan":{"acs:CurrentTime":["2027-01-01T00:00:00Z"]},"IpAddress":{"acs:SourceIp":["198.51.100.7","203.0.113.0/24"]},"StringEquals":{"sts:ExternalId":["contract-42"]}},"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`,
		},
		{
			name: "a service and a principal of the same account",
			spec: TrustSpec{Services: []string{"ecs.aliyuncs.com", "fc.aliyuncs.com", "ecs.aliyuncs.com"}, PrincipalARNs: []string{"acs:ram::1000000000000002:role/deployer"}},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:role/deployer"],"Service":["ecs.aliyuncs.com","fc.aliyuncs.com"]}}],"Version":"1"}`,
		},
		{
			name: "a service only",
			spec: TrustSpec{Services: []string{"ecs.aliyuncs.com"}},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`,
		},
		{
			name: "valid_until fractional seconds truncated",
			spec: TrustSpec{AccountIDs: []string{"1000000000000002"}, ValidUntil: "2026-12-31T23:59:59.999Z"},
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Condition":{"DateLessThan":{"acs:CurrentTime":["2026-12-31T23:59:59Z"]}},"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildTrustPolicy(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if err := ValidateTrustPolicy(got); err != nil {
				t.Errorf("built policy does not validate: %v", err)
			}
			// The hand-written form users know is equal to the generated one.
			if tt.name == "one account" && !Equal(got, `{"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`) {
				t.Error("not equal to the hand-written form")
			}
		})
	}
}

func TestBuildTrustPolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		spec TrustSpec
		want []string
	}{
		{"no principal", TrustSpec{ExternalID: "abc"}, []string{"needs at least one trusted account ID, principal ARN or service"}},
		{"bad account", TrustSpec{AccountIDs: []string{"123"}}, []string{`trusted account: account ID "123" is not valid: an Alibaba Cloud account ID is exactly 16 digits`}},
		{"bad principal", TrustSpec{PrincipalARNs: []string{"acs:ram::1000000000000002:group/x"}}, []string{`trusted principal: "acs:ram::1000000000000002:group/x" is not a RAM user or role ARN`}},
		{"bad ip", TrustSpec{AccountIDs: []string{"1000000000000002"}, SourceIPs: []string{"10.0.0.300"}}, []string{`allowed source IP: "10.0.0.300" is not a valid IP address or CIDR block`}},
		{"bad valid_until", TrustSpec{AccountIDs: []string{"1000000000000002"}, ValidUntil: "2026-12-31"}, []string{`valid_until "2026-12-31" is not an RFC 3339 timestamp`}},
		{"bad external id, not echoed", TrustSpec{AccountIDs: []string{"1000000000000002"}, ExternalID: "s3cret with spaces"}, []string{"external ID contains characters that are not allowed"}},
		{"several problems at once", TrustSpec{AccountIDs: []string{"1"}, ValidUntil: "x"}, []string{"trusted account", "valid_until"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildTrustPolicy(tt.spec)
			checkErr(t, err, tt.want)
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error leaks the external ID: %v", err)
			}
		})
	}
}

func TestValidateServicePrincipal(t *testing.T) {
	for _, ok := range []string{"ecs.aliyuncs.com", "fc.aliyuncs.com", "connector.alikafka.aliyuncs.com", "cs-k8s.aliyuncs.com"} {
		if err := ValidateServicePrincipal(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "ecs", "aliyuncs.com", "ECS.aliyuncs.com", "*.aliyuncs.com", "ecs.amazonaws.com",
		"acs:ram::1000000000000002:root", "ecs.aliyuncs.com.evil.example", "-ecs.aliyuncs.com", "ecs..aliyuncs.com"} {
		err := ValidateServicePrincipal(bad)
		if err == nil || !strings.Contains(err.Error(), "service domain") {
			t.Errorf("%q: want a service-domain error, got %v", bad, err)
		}
	}
	if _, err := BuildTrustPolicy(TrustSpec{Services: []string{"ecs"}}); err == nil || !strings.Contains(err.Error(), "trusted service") {
		t.Errorf("BuildTrustPolicy of a bad service: %v", err)
	}
}
