package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

const (
	acctB = "1000000000000002"
	acctC = "1000000000000003"
	rootB = "acs:ram::1000000000000002:root"
	rootC = "acs:ram::1000000000000003:root"
)

func trustDoc(t *testing.T, s TrustSpec) string {
	t.Helper()
	doc, err := BuildTrustPolicy(s)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// base is the Kafka scenario's kind of trust: B's account, an external ID, MFA, one range, an end date.
func base() TrustSpec {
	return TrustSpec{
		AccountIDs: []string{acctB},
		ExternalID: "contract-42",
		RequireMFA: true,
		SourceIPs:  []string{"203.0.113.0/24"},
		ValidUntil: "2027-06-30T23:59:59Z",
	}
}

func with(edit func(*TrustSpec)) TrustSpec {
	s := base()
	edit(&s)
	return s
}

func TestTrustWideningsTyped(t *testing.T) {
	tests := []struct {
		name  string
		after TrustSpec
		want  []Widening
	}{
		{"unchanged", base(), nil},
		{"new account", with(func(s *TrustSpec) { s.AccountIDs = append(s.AccountIDs, acctC) }),
			[]Widening{{Kind: NewPrincipal, Principals: []string{rootC}}}},
		{"new user of another account", with(func(s *TrustSpec) { s.PrincipalARNs = []string{"acs:ram::1000000000000003:user/eve"} }),
			[]Widening{{Kind: NewPrincipal, Principals: []string{"acs:ram::1000000000000003:user/eve"}}}},
		{"a user of the trusted account is narrower than its root", with(func(s *TrustSpec) {
			s.AccountIDs = nil
			s.PrincipalARNs = []string{"acs:ram::1000000000000002:user/alice"}
		}), nil},
		{"external ID removed", with(func(s *TrustSpec) { s.ExternalID = "" }),
			[]Widening{{Kind: ExternalIDLoosened, Principals: []string{rootB}, Operator: "StringEquals", Key: "sts:ExternalId", Removed: true}}},
		{"external ID rotated", with(func(s *TrustSpec) { s.ExternalID = "contract-43" }), nil},
		{"MFA no longer required", with(func(s *TrustSpec) { s.RequireMFA = false }),
			[]Widening{{Kind: MFALoosened, Principals: []string{rootB}, Operator: "Bool", Key: "acs:MFAPresent", Removed: true, Before: []string{"true"}}}},
		{"a new source range", with(func(s *TrustSpec) { s.SourceIPs = append(s.SourceIPs, "198.51.100.0/24") }),
			[]Widening{{Kind: SourceIPLoosened, Principals: []string{rootB}, Operator: "IpAddress", Key: "acs:SourceIp",
				Before: []string{"203.0.113.0/24"}, After: []string{"198.51.100.0/24", "203.0.113.0/24"}, Admitted: []string{"198.51.100.0/24"}}}},
		{"a broader prefix", with(func(s *TrustSpec) { s.SourceIPs = []string{"203.0.0.0/16"} }),
			[]Widening{{Kind: SourceIPLoosened, Principals: []string{rootB}, Operator: "IpAddress", Key: "acs:SourceIp",
				Before: []string{"203.0.113.0/24"}, After: []string{"203.0.0.0/16"}, Admitted: []string{"203.0.0.0/16"}}}},
		{"source IPs removed", with(func(s *TrustSpec) { s.SourceIPs = nil }),
			[]Widening{{Kind: SourceIPLoosened, Principals: []string{rootB}, Operator: "IpAddress", Key: "acs:SourceIp", Removed: true, Before: []string{"203.0.113.0/24"}}}},
		{"valid_until later", with(func(s *TrustSpec) { s.ValidUntil = "2028-06-30T23:59:59Z" }),
			[]Widening{{Kind: ValidUntilLoosened, Principals: []string{rootB}, Operator: "DateLessThan", Key: "acs:CurrentTime",
				Before: []string{"2027-06-30T23:59:59Z"}, After: []string{"2028-06-30T23:59:59Z"}}}},
		{"valid_until removed", with(func(s *TrustSpec) { s.ValidUntil = "" }),
			[]Widening{{Kind: ValidUntilLoosened, Principals: []string{rootB}, Operator: "DateLessThan", Key: "acs:CurrentTime", Removed: true, Before: []string{"2027-06-30T23:59:59Z"}}}},
		{"the same end in another time zone", with(func(s *TrustSpec) { s.ValidUntil = "2027-07-01T07:59:59+08:00" }), nil},
		{"every restriction narrowed", with(func(s *TrustSpec) {
			s.SourceIPs = []string{"203.0.113.0/25", "203.0.113.200"}
			s.ValidUntil = "2026-12-31T23:59:59Z"
			s.PrincipalARNs = []string{"acs:ram::1000000000000002:role/ops"}
			s.AccountIDs = nil
		}), nil},
		{"several loosened at once, sorted by kind", with(func(s *TrustSpec) {
			s.AccountIDs = append(s.AccountIDs, acctC)
			s.ExternalID, s.RequireMFA, s.SourceIPs, s.ValidUntil = "", false, nil, ""
		}), []Widening{
			{Kind: NewPrincipal, Principals: []string{rootC}},
			{Kind: ExternalIDLoosened, Principals: []string{rootB}, Operator: "StringEquals", Key: "sts:ExternalId", Removed: true},
			{Kind: MFALoosened, Principals: []string{rootB}, Operator: "Bool", Key: "acs:MFAPresent", Removed: true, Before: []string{"true"}},
			{Kind: SourceIPLoosened, Principals: []string{rootB}, Operator: "IpAddress", Key: "acs:SourceIp", Removed: true, Before: []string{"203.0.113.0/24"}},
			{Kind: ValidUntilLoosened, Principals: []string{rootB}, Operator: "DateLessThan", Key: "acs:CurrentTime", Removed: true, Before: []string{"2027-06-30T23:59:59Z"}},
		}},
	}
	before := trustDoc(t, base())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TrustWidenings(before, trustDoc(t, tc.after))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("widenings:\n got %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

func TestTrustWideningsRaw(t *testing.T) {
	stmt := func(body string) string { return `{"Version":"1","Statement":[` + body + `]}` }
	tests := []struct {
		name          string
		before, after string
		want          []Widening
	}{
		{"reformatted: string vs list, key order, key case, whitespace",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"IpAddress":{"acs:SourceIp":"203.0.113.0/24"}}}`),
			"{\n \"Statement\": [{\"Condition\": {\"IpAddress\": {\"acs:sourceip\": [\"203.0.113.0/24\"]}},\n \"Principal\": {\"RAM\": [\"ACS:RAM::1000000000000002:ROOT\"]}, \"Action\": [\"sts:AssumeRole\"], \"Effect\": \"Allow\"}],\n \"Version\": \"1\"}",
			nil},
		{"a second statement without the external ID",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"}}},` +
				`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:user/ops"}}`),
			[]Widening{{Kind: ExternalIDLoosened, Principals: []string{"acs:ram::1000000000000002:user/ops"}, Operator: "StringEquals", Key: "sts:ExternalId", Removed: true}}},
		{"a second statement that is stricter",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"}}},` +
				`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:user/ops"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"},"Bool":{"acs:MFAPresent":true}}}`),
			nil},
		{"the external ID accepts a second value",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"StringEquals":{"sts:ExternalId":["x1","x2"]}}}`),
			[]Widening{{Kind: ExternalIDLoosened, Principals: []string{rootB}, Operator: "StringEquals", Key: "sts:ExternalId"}}},
		{"MFA condition set to false",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"Bool":{"acs:MFAPresent":"true"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"Bool":{"acs:MFAPresent":false}}}`),
			[]Widening{{Kind: MFALoosened, Principals: []string{rootB}, Operator: "Bool", Key: "acs:MFAPresent", Before: []string{"true"}, After: []string{"false"}}}},
		{"another condition removed, for both principals at once",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root","acs:ram::1000000000000003:root"]},"Condition":{"StringEquals":{"acs:SourceVpc":"vpc-1"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root","acs:ram::1000000000000003:root"]}}`),
			[]Widening{{Kind: ConditionLoosened, Principals: []string{rootB, rootC}, Operator: "StringEquals", Key: "acs:SourceVpc", Removed: true, Before: []string{"vpc-1"}}}},
		{"a Deny statement removed",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}},` +
				`{"Sid":"no-eve","Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:user/eve"}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}}`),
			[]Widening{{Kind: DenyRemoved}}},
		{"a Deny statement renamed only",
			stmt(`{"Sid":"a","Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:user/eve"}}`),
			stmt(`{"Sid":"b","Effect":"Deny","Action":["sts:AssumeRole"],"Principal":{"RAM":["acs:ram::1000000000000002:user/eve"]}}`),
			nil},
		{"a new service principal",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root","Service":"ecs.aliyuncs.com"}}`),
			[]Widening{{Kind: NewPrincipal, Principals: []string{"Service:ecs.aliyuncs.com"}}}},
		{"statements for other actions do not trust",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"}},` +
				`{"Effect":"Allow","Action":"sts:SetSourceIdentity","Principal":{"RAM":"acs:ram::1000000000000003:root"}}`),
			nil},
		{"a NotIpAddress range shrinks",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/16"}}}`),
			[]Widening{{Kind: ConditionLoosened, Principals: []string{rootB}, Operator: "NotIpAddress", Key: "acs:SourceIp", Before: []string{"10.0.0.0/8"}, After: []string{"10.0.0.0/16"}}}},
		{"a start date moved earlier",
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"DateGreaterThan":{"acs:CurrentTime":"2026-01-01T00:00:00Z"}}}`),
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"DateGreaterThan":{"acs:CurrentTime":"2025-01-01T00:00:00Z"}}}`),
			[]Widening{{Kind: ConditionLoosened, Principals: []string{rootB}, Operator: "DateGreaterThan", Key: "acs:CurrentTime", Before: []string{"2026-01-01T00:00:00Z"}, After: []string{"2025-01-01T00:00:00Z"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TrustWidenings(tc.before, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("widenings:\n got %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

// Narrowing is silent in every direction: each loosening above, reversed, reports nothing.
func TestTrustWideningsReversedIsSilent(t *testing.T) {
	wider := []TrustSpec{
		with(func(s *TrustSpec) { s.AccountIDs = append(s.AccountIDs, acctC) }),
		with(func(s *TrustSpec) { s.ExternalID = "" }),
		with(func(s *TrustSpec) { s.RequireMFA = false }),
		with(func(s *TrustSpec) { s.SourceIPs = []string{"203.0.0.0/16", "198.51.100.0/24"} }),
		with(func(s *TrustSpec) { s.SourceIPs = nil }),
		with(func(s *TrustSpec) { s.ValidUntil = "2030-01-01T00:00:00Z" }),
		with(func(s *TrustSpec) { s.ValidUntil = "" }),
	}
	narrow := trustDoc(t, base())
	for i, w := range wider {
		got, err := TrustWidenings(trustDoc(t, w), narrow)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Errorf("case %d: narrowing reported %s", i, show(got))
		}
	}
}

func TestTrustWideningsRefusesNonDocuments(t *testing.T) {
	good := trustDoc(t, base())
	for _, bad := range []string{"", "not json", `["a list"]`, `{"Statement":"x"}`} {
		if _, err := TrustWidenings(bad, good); err == nil {
			t.Errorf("before %q: no error", bad)
		}
		if _, err := TrustWidenings(good, bad); err == nil {
			t.Errorf("after %q: no error", bad)
		}
	}
}

// The secret never reaches a finding, so no warning built from one can print it.
func TestTrustWideningsKeepExternalIDOut(t *testing.T) {
	before := trustDoc(t, base())
	for _, after := range []string{
		trustDoc(t, with(func(s *TrustSpec) { s.ExternalID = "" })),
		strings.Replace(before, `["contract-42"]`, `["contract-42","contract-99"]`, 1),
	} {
		got, err := TrustWidenings(before, after)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Kind != ExternalIDLoosened {
			t.Fatalf("got %s, want one ExternalIDLoosened", show(got))
		}
		if s := fmt.Sprintf("%+v", got); strings.Contains(s, "contract-") {
			t.Errorf("the external ID is in the finding: %s", s)
		}
	}
}

func TestPrivilegedSystemPolicy(t *testing.T) {
	for _, n := range []string{"AdministratorAccess", "administratoraccess", "ALIYUNRAMFULLACCESS", "AliyunSTSAssumeRoleAccess"} {
		name, why, ok := PrivilegedSystemPolicy(n)
		if !ok || !strings.EqualFold(name, n) || why == "" {
			t.Errorf("%s: %q %q %v, want privileged with a reason", n, name, why, ok)
		}
	}
	for _, n := range []string{"AliyunKafkaFullAccess", "AliyunRAMReadOnlyAccess", "ReadOnlyAccess", ""} {
		if _, _, ok := PrivilegedSystemPolicy(n); ok {
			t.Errorf("%s is not privileged", n)
		}
	}
}

// Every privileged name is a real system policy: RAM's documented list, as the emulator's catalog holds it.
func TestPrivilegedSystemPoliciesExist(t *testing.T) {
	b, err := os.ReadFile("../ramemu/catalog/system_policies.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalog []struct{ Name string }
	if err := json.Unmarshal(b, &catalog); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, p := range catalog {
		known[p.Name] = true
	}
	list := PrivilegedSystemPolicies()
	if len(list) < 3 {
		t.Fatalf("only %v", list)
	}
	for _, n := range list {
		if !known[n] {
			t.Errorf("%s is not a RAM system policy", n)
		}
	}
}

func show(ws []Widening) string {
	b, _ := json.Marshal(ws)
	return string(b)
}

// FuzzTrustWidenings: a valid trust policy widens nothing against itself or its canonical form, in either
// direction, and never panics on anything.
func FuzzTrustWidenings(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:root"},"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","10.1.0.0/16"]},"DateLessThan":{"acs:CurrentTime":["2027-01-01T00:00:00Z","x"]}}},{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000002:user/eve"}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		if ValidateTrustPolicy(doc) != nil {
			_, _ = TrustWidenings(doc, doc) // must not panic
			return
		}
		n, err := Normalize(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, pair := range [][2]string{{doc, doc}, {doc, n}, {n, doc}} {
			got, err := TrustWidenings(pair[0], pair[1])
			if err != nil || len(got) > 0 {
				t.Fatalf("a document widens against itself: %s %v\n%s", show(got), err, doc)
			}
		}
	})
}

func TestTrustedPrincipals(t *testing.T) {
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000003:root","acs:ram::1000000000000002:user/ops"],"Service":"ecs.aliyuncs.com"}},` +
		`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000003:root"},"Condition":{"Bool":{"acs:MFAPresent":"true"}}},` +
		`{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1000000000000004:root"}}]}`
	got, err := TrustedPrincipals(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Service:ecs.aliyuncs.com", "acs:ram::1000000000000002:user/ops", "acs:ram::1000000000000003:root"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := TrustedPrincipals("nope"); err == nil {
		t.Error("no error for a non-document")
	}
}
