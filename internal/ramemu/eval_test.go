package ramemu

import (
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"ram:get*", "ram:getrole", true}, {"ram:get*", "ram:listroles", false},
		{"ram:get?ole", "ram:getrole", true}, {"ram:get?ole", "ram:getrrole", false}, {"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false}, {"*role", "ram:getrole", true}, {"", "", true}, {"", "x", false}, {"a**", "a", true},
	} {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q,%q)=%v", c.p, c.s, got)
		}
	}
}

func TestArnMatch(t *testing.T) {
	res := roleRes("1000000000000001", "App")
	for _, c := range []struct {
		p    string
		want bool
	}{
		{"*", true}, {"acs:ram:*:*:*", true}, {"acs:ram::1000000000000001:role/app", true}, {"acs:ram:*:1000000000000001:role/*", true},
		{"acs:ram:cn-hangzhou:1000000000000001:role/App", true}, {"acs:ram:*:1000000000000002:role/App", false},
		{"acs:ram:*:*:user/App", false}, {"acs:ecs:*:*:*", false}, {"acs:ram:*:*:role/Ap?", true},
	} {
		if got := arnMatch(c.p, res); got != c.want {
			t.Errorf("arnMatch(%q)=%v", c.p, got)
		}
	}
}

func TestConditionOperators(t *testing.T) {
	ctx := evalCtx{
		"acs:sourceip":        {"192.168.1.7"},
		"acs:currenttime":     {"2030-06-01T12:00:00Z"},
		"acs:securetransport": {"false"},
		"sts:externalid":      {"Abc-123"},
		"n":                   {"10"},
	}
	for _, c := range []struct {
		cond string
		want bool
	}{
		{`{"StringEquals":{"sts:ExternalId":"Abc-123"}}`, true},
		{`{"StringEquals":{"sts:ExternalId":"abc-123"}}`, false},
		{`{"StringEqualsIgnoreCase":{"sts:ExternalId":"abc-123"}}`, true},
		{`{"StringNotEquals":{"sts:ExternalId":["x","y"]}}`, true},
		{`{"StringNotEqualsIgnoreCase":{"sts:ExternalId":"ABC-123"}}`, false},
		{`{"StringLike":{"sts:ExternalId":"Abc-*"}}`, true},
		{`{"StringNotLike":{"sts:ExternalId":"Abc-*"}}`, false},
		{`{"StringEquals":{"missing:Key":"x"}}`, false},
		{`{"StringNotEquals":{"missing:Key":"x"}}`, true},
		{`{"StringEqualsIfExists":{"missing:Key":"x"}}`, true},
		{`{"NumericEquals":{"n":"10"}}`, true},
		{`{"NumericNotEquals":{"n":10}}`, false},
		{`{"NumericLessThan":{"n":"11"}}`, true},
		{`{"NumericLessThanEquals":{"n":"10"}}`, true},
		{`{"NumericGreaterThan":{"n":"10"}}`, false},
		{`{"NumericGreaterThanEquals":{"n":"9.5"}}`, true},
		{`{"DateLessThan":{"acs:CurrentTime":"2030-06-02T00:00:00Z"}}`, true},
		{`{"DateLessThanEquals":{"acs:CurrentTime":"2030-06-01T12:00:00Z"}}`, true},
		{`{"DateGreaterThan":{"acs:CurrentTime":"2030-06-02T00:00:00+08:00"}}`, false},
		{`{"DateGreaterThanEquals":{"acs:CurrentTime":"2030-01-01"}}`, true},
		{`{"DateEquals":{"acs:CurrentTime":"2030-06-01T12:00:00Z"}}`, true},
		{`{"DateNotEquals":{"acs:CurrentTime":"2030-06-01T12:00:00Z"}}`, false},
		{`{"Bool":{"acs:SecureTransport":"false"}}`, true},
		{`{"Bool":{"acs:SecureTransport":true}}`, false},
		{`{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`, true},
		{`{"IpAddress":{"acs:SourceIp":"192.168.1.8"}}`, false},
		{`{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`, true},
		{`{"StringEquals":{"sts:ExternalId":"Abc-123"},"Bool":{"acs:SecureTransport":"true"}}`, false},
	} {
		doc := `{"Statement":[{"Action":"x:y","Effect":"Allow","Resource":"*","Condition":` + c.cond + `}],"Version":"1"}`
		d, err := parsePolicy(doc, permissionDoc)
		if err != nil {
			t.Errorf("%s: %v", c.cond, err)
			continue
		}
		if got := evaluate([]*pdoc{d}, "x:y", "r", ctx) == allowed; got != c.want {
			t.Errorf("%s: got %v", c.cond, got)
		}
	}
}

func TestParsePolicyGrammar(t *testing.T) {
	good := []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Version":"1","Statement":{"Effect":"Deny","Action":["ecs:*"],"Resource":["acs:ecs:*:*:*"],"Sid":"x"}}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","NotAction":"ram:*","NotResource":"acs:ram:*:*:*"}]}`,
	}
	for _, d := range good {
		if _, err := parsePolicy(d, permissionDoc); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
	bad := []string{
		`[]`, `{}`, `{"Version":"1"}`, `{"Version":1,"Statement":[]}`, `{"Version":"1","Statement":[]}`,
		`{"Version":"1","Statement":[{"Action":"*","Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"nope"}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k":"maybe"}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"k":"ten"}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]} trailing`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"Other":1}`,
	}
	for _, d := range bad {
		if _, err := parsePolicy(d, permissionDoc); err == nil {
			t.Errorf("accepted %s", d)
		}
	}
	trustBad := []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Bogus":"x"}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"arn:aws:iam::1:root"}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[]}}]}`,
	}
	for _, d := range trustBad {
		if _, err := parsePolicy(d, trustDoc); err == nil {
			t.Errorf("trust accepted %s", d)
		}
	}
	if _, err := parsePolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Principal":{"RAM":["acs:ram::1:root"],"Service":"ecs.aliyuncs.com"}}]}`, trustDoc); err != nil {
		t.Error(err)
	}
}

func TestStringToSignMatchesSpecExample(t *testing.T) {
	p := map[string]string{
		"AccessKeyId": "testid", "Action": "GetRole", "Format": "JSON", "RegionId": "cn-hangzhou", "RoleName": "nope",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "50de2992995b178c975d116e99b1a703", "SignatureType": "",
		"SignatureVersion": "1.0", "Timestamp": "2026-11-23T14:30:40Z", "Version": "2015-05-01",
	}
	s := stringToSign("POST", p)
	if !strings.HasPrefix(s, "POST&%2F&AccessKeyId%3Dtestid%26Action%3DGetRole%26Format%3DJSON%26") ||
		!strings.Contains(s, "%26SignatureType%3D%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-23T14%253A30%253A40Z%26Version%3D2015-05-01") {
		t.Fatal(s)
	}
	if percentEncode("a b*~/+") != "a%20b%2A~%2F%2B" {
		t.Fatal(percentEncode("a b*~/+"))
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	f.Add(trustB)
	f.Fuzz(func(t *testing.T, doc string) {
		for _, k := range []docKind{permissionDoc, trustDoc} {
			if d, err := parsePolicy(doc, k); err == nil {
				_ = evaluate([]*pdoc{d}, "ram:GetRole", "*", evalCtx{})
			}
		}
	})
}
