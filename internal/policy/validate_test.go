package policy

import (
	"errors"
	"strings"
	"testing"
)

const validTrust = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root"]},"Condition":{"StringEquals":{"sts:ExternalId":"abcd1234"}}}]}`

const validPermission = `{"Version":"1","Statement":[
 {"Effect":"Allow","Action":["mq:PUB","mq:SUB"],"Resource":["acs:mq:*:*:MQ_INST_1%orders","acs:mq:*:*:MQ_INST_1%GID_orders"]},
 {"Effect":"Deny","NotAction":"ecs:Describe*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":false},"IpAddress":{"acs:SourceIp":["10.0.0.0/8","2001:db8::1"]},"DateLessThan":{"acs:CurrentTime":"2026-12-31T23:59:59+08:00"},"NumericLessThan":{"k":3}}}
]}`

func TestValidatePermissionPolicy(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error; nil = valid
	}{
		{"valid", validPermission, nil},
		{"wildcards", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["*","*:List*","ecs:Describe?nstances"],"Resource":["*","acs:ram::1000000000000001:role/x"]}]}`, nil},
		{"sid allowed", `{"Version":"1","Statement":[{"Sid":"s1","Effect":"Allow","Action":"*","Resource":"*"}]}`, nil},
		{"not JSON", `{"Version":`, []string{"policy document is not valid JSON: "}},
		{"not an object", `[]`, []string{"must be a JSON object"}},
		{"version missing", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, []string{`Version is required and must be "1"`}},
		{"version number", `{"Version":1,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, []string{`Version must be the string "1", got the number 1`}},
		{"version 2012", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, []string{`Version must be the string "1", got "2012-10-17"`}},
		{"statement missing", `{"Version":"1"}`, []string{"Statement is required"}},
		{"statement empty", `{"Version":"1","Statement":[]}`, []string{"Statement must not be empty"}},
		{"statement object", `{"Version":"1","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, []string{"Statement must be a list of statements, got an object"}},
		{"statement not object", `{"Version":"1","Statement":["x"]}`, []string{`Statement[0] must be an object, got "x"`}},
		{"unknown top-level", `{"Version":"1","Id":"x","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, []string{`unknown top-level element "Id"`}},
		{"effect lower case", `{"Version":"1","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, []string{`Statement[0].Effect must be "Allow" or "Deny", got "allow"`}},
		{"effect missing", `{"Version":"1","Statement":[{"Action":"*","Resource":"*"}]}`, []string{`Statement[0].Effect is required`}},
		{"action missing", `{"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}`, []string{"Statement[0].Action is required (or NotAction)"}},
		{"action and notaction", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","NotAction":"ram:*","Resource":"*"}]}`, []string{"must not have both Action and NotAction"}},
		{"bad action", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","DescribeInstances","ecs: x"],"Resource":"*"}]}`,
			[]string{`Statement[0].Action[1]: "DescribeInstances" is not a valid action: use "*" or "<service>:<Api>"`, `Statement[0].Action[2]: "ecs: x" is not a valid action`}},
		{"action not string", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}`, []string{"Statement[0].Action[0] must be a string, got the number 1"}},
		{"action empty list", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, []string{"Statement[0].Action must not be an empty list"}},
		{"action object", `{"Version":"1","Statement":[{"Effect":"Allow","Action":{},"Resource":"*"}]}`, []string{"Statement[0].Action must be a string or a list of strings, got an object"}},
		{"resource missing", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*"}]}`, []string{"Statement[0].Resource is required (or NotResource)"}},
		{"bad resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":["arn:aws:s3:::x","acs:mq:*:*"]}]}`,
			[]string{`Statement[0].Resource[0]: "arn:aws:s3:::x" is not a valid resource`, `Statement[0].Resource[1]: "acs:mq:*:*" is not a valid resource`}},
		{"principal in permission policy", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"RAM":"acs:ram::1000000000000001:root"}}]}`, []string{"Statement[0].Principal is not allowed in a permission policy"}},
		{"unknown element with hint", `{"Version":"1","Statement":[{"Effect":"Allow","Actions":"*","Resource":"*"}]}`, []string{`Statement[0] has unknown element "Actions" (did you mean "Action"?)`, "Statement[0].Action is required"}},
		{"unknown operator", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StrEq":{"k":"v"}}}]}`, []string{`Statement[0].Condition: unknown condition operator "StrEq"; RAM accepts Bool, DateEquals`}},
		{"operator case hint", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"k":"v"}}}]}`, []string{`unknown condition operator "stringequals" (did you mean "StringEquals"?)`}},
		{"IfExists rejected", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"k":"v"}}}]}`, []string{`RAM has no ...IfExists operators; use "StringEquals"`}},
		{"condition not object", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}]}`, []string{"Statement[0].Condition must be an object of operators, got a list"}},
		{"condition operator not object", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":"true"}}]}`, []string{`Statement[0].Condition["Bool"] must be an object of condition keys to values, got "true"`}},
		{"condition empty values", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}`, []string{`Statement[0].Condition["StringEquals"]["k"] must have at least one value`}},
		{"condition empty operator", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{}}}]}`, []string{`Statement[0].Condition["StringEquals"] must have at least one condition key`}},
		{"condition values typed", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
			"Bool":{"acs:MFAPresent":"yes"},"IpAddress":{"acs:SourceIp":["10.0.0.0/33","1.2.3.4"]},"NumericEquals":{"n":"ten"},"DateLessThan":{"acs:CurrentTime":"tomorrow"},"StringEquals":{"s":{}}}}]}`,
			[]string{`Condition["Bool"]["acs:MFAPresent"]: Bool needs true or false, got "yes"`,
				`Condition["IpAddress"]["acs:SourceIp"][0]: IpAddress needs an IP address or CIDR block: "10.0.0.0/33" is not a valid CIDR block`,
				`Condition["NumericEquals"]["n"]: NumericEquals needs a number, got "ten"`,
				`Condition["DateLessThan"]["acs:CurrentTime"]: DateLessThan needs an ISO 8601 date`,
				`Condition["StringEquals"]["s"] must be a string, number or boolean, got an object`}},
		{"too long", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":"` + strings.Repeat("x", 6100) + `"}]}`,
			[]string{"the document is 6185 characters long; RAM allows at most 6144"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePermissionPolicy(tt.doc)
			checkErr(t, err, tt.want)
		})
	}
}

func TestValidateTrustPolicy(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"valid", validTrust, nil},
		{"service and federated", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs.aliyuncs.com","Federated":["acs:ram::1000000000000001:saml-provider/idp"]},"Condition":{"StringEquals":{"saml:recipient":"https://signin.alibabacloud.com/saml-role/sso"}}}]}`, nil},
		{"users and roles", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Principal":{"RAM":["acs:ram::1000000000000002:user/alice","acs:ram::1000000000000002:role/ops"]}}]}`, nil},
		{"not JSON", `{"Version":"1"`, []string{"policy document is not valid JSON"}},
		{"resource not allowed", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`, []string{"Statement[0].Resource is not allowed in a trust policy"}},
		{"principal missing", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, []string{"Statement[0].Principal is required in a trust policy"}},
		{"principal empty", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{}}]}`, []string{"Statement[0].Principal must name at least one principal"}},
		{"principal star", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}`, []string{`Statement[0].Principal must be an object with RAM, Service or Federated entries, got "*"`}},
		{"principal unknown key", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"x"}}]}`, []string{`Statement[0].Principal has unknown key "AWS"`}},
		{"principal key case", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"ram":"x"}}]}`, []string{`(did you mean "RAM"?)`}},
		{"bad RAM principal", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::123:root","1000000000000002"]}}]}`,
			[]string{`Statement[0].Principal.RAM[0]: "acs:ram::123:root" is not a valid RAM principal`, `Statement[0].Principal.RAM[1]: "1000000000000002" is not a valid RAM principal`}},
		{"action missing", `{"Version":"1","Statement":[{"Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`, []string{"Statement[0].Action is required: a trust policy statement grants sts:AssumeRole"}},
		{"non-sts action", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`, []string{`Statement[0].Action: "ecs:*" is not an STS action`}},
		{"notaction", `{"Version":"1","Statement":[{"Effect":"Allow","NotAction":"sts:AssumeRole","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}}]}`, []string{"Statement[0].NotAction is not allowed in a trust policy; use Action"}},
		{"bad effect and operator", `{"Version":"1","Statement":[{"Effect":"Permit","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"ArnLike":{"k":"v"}}}]}`,
			[]string{`Statement[0].Effect must be "Allow" or "Deny", got "Permit"`, `unknown condition operator "ArnLike"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateTrustPolicy(tt.doc), tt.want)
		})
	}
}

func checkErr(t *testing.T, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\ndoes not contain %q", err, w)
		}
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := ValidatePermissionPolicy(`{"Version":"2","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	want := "invalid permission policy (2 problems):\n  - Version must be the string \"1\", got \"2\"\n  - Statement[0].Effect must be \"Allow\" or \"Deny\", got \"allow\""
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err.Error(), want)
	}
	one := ValidateTrustPolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)
	if !strings.HasPrefix(one.Error(), "invalid trust policy: Statement[0].Principal is required") {
		t.Errorf("got %q", one)
	}
	// A flood of problems is capped.
	many := `{"Version":"1","Statement":[` + strings.Repeat(`{},`, 30) + `{}]}`
	if err := ValidatePermissionPolicy(many); !errors.As(err, &ve) || len(ve.Problems) != maxProblems+1 {
		t.Errorf("problems not capped: %d", len(ve.Problems))
	}
}

func TestElementValidators(t *testing.T) {
	for _, a := range []string{"*", "ecs:DescribeInstances", "mq:PUB", "mq-as:List*", "*:Get*", "oss:Get?bject", "log:Get.Log"} {
		if err := ValidateAction(a); err != nil {
			t.Errorf("ValidateAction(%q) = %v", a, err)
		}
	}
	for _, a := range []string{"", "ecs", "ecs:", ":Describe", "ecs:Describe Instances", "ecs:a:b", "**"} {
		if err := ValidateAction(a); err == nil {
			t.Errorf("ValidateAction(%q) = nil", a)
		}
	}
	for _, r := range []string{"*", "acs:mq:*:*:MQ_INST_1%topic", "acs:ram::1000000000000001:role/x", "acs:oss:*:*:bucket/a:b:c", "acs:*:*:*:*"} {
		if err := ValidateResource(r); err != nil {
			t.Errorf("ValidateResource(%q) = %v", r, err)
		}
	}
	for _, r := range []string{"", "acs", "acs:mq:*:*", "acs:mq:*:*:", "arn:mq:*:*:x", "acs::*:*:x", "acs:mq:*:*:a b"} {
		if err := ValidateResource(r); err == nil {
			t.Errorf("ValidateResource(%q) = nil", r)
		}
	}
	if len(ConditionOperators()) != 21 {
		t.Errorf("want the 21 operators of ram-api.md §4.4, got %d", len(ConditionOperators()))
	}
	for _, ok := range [][2]string{{"Bool", "TRUE"}, {"DateEquals", "2026-01-02"}, {"DateEquals", "1767312000"}, {"DateEquals", "2026-01-02T03:04:05"},
		{"NumericEquals", "-1.5"}, {"IpAddress", "::1"}, {"NotIpAddress", "192.168.0.0/16"}, {"StringLike", ""}} {
		if err := ValidateConditionValue(ok[0], ok[1]); err != nil {
			t.Errorf("ValidateConditionValue(%q, %q) = %v", ok[0], ok[1], err)
		}
	}
}
