package policy

import (
	"reflect"
	"testing"
)

func TestRenderPolicy(t *testing.T) {
	got, err := RenderPolicy([]Statement{
		{
			Sid:       "Topics",
			Actions:   []string{"mq:SUB", "mq:PUB"},
			Resources: []string{"acs:mq:*:*:MQ_INST_1%orders", "acs:mq:*:*:MQ_INST_1%GID_orders"},
		},
		{
			Effect:     "Deny",
			NotActions: []string{"mq:*"},
			Resources:  []string{"*"},
			Conditions: []Condition{
				{Test: "IpAddress", Variable: "acs:SourceIp", Values: []string{"10.0.0.0/8"}},
				{Test: "Bool", Variable: "acs:SecureTransport", Values: []string{"false"}},
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Statement":[{"Action":["mq:PUB","mq:SUB"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1%GID_orders","acs:mq:*:*:MQ_INST_1%orders"],"Sid":"Topics"},{"Condition":{"Bool":{"acs:SecureTransport":["false"]},"IpAddress":{"acs:SourceIp":["10.0.0.0/8"]}},"Effect":"Deny","NotAction":["mq:*"],"Resource":["*"]}],"Version":"1"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	back, err := ParseStatements(got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := RenderPolicy(back)
	if err != nil || again != got {
		t.Errorf("ParseStatements/RenderPolicy round trip: %s, %v", again, err)
	}
}

func TestRenderPolicyErrors(t *testing.T) {
	tests := []struct {
		name string
		st   []Statement
		want []string
	}{
		{"no statements", nil, []string{"Statement must not be empty"}},
		{"bad effect", []Statement{{Effect: "allow", Actions: []string{"*"}, Resources: []string{"*"}}}, []string{`Statement[0].Effect must be "Allow" or "Deny", got "allow"`}},
		{"no actions", []Statement{{Resources: []string{"*"}}}, []string{"Statement[0].Action is required (or NotAction)"}},
		{"bad action", []Statement{{Actions: []string{"mq PUB"}, Resources: []string{"*"}}}, []string{`Statement[0].Action[0]: "mq PUB" is not a valid action`}},
		{"empty actions", []Statement{{Actions: []string{}, Resources: []string{"*"}}}, []string{"Statement[0].Action must not be an empty list"}},
		{"no resources", []Statement{{Actions: []string{"*"}}}, []string{"Statement[0].Resource is required"}},
		{"bad operator", []Statement{{Actions: []string{"*"}, Resources: []string{"*"}, Conditions: []Condition{{Test: "Equals", Variable: "k", Values: []string{"v"}}}}}, []string{`unknown condition operator "Equals"`}},
		{"duplicate condition key", []Statement{{Actions: []string{"*"}, Resources: []string{"*"}, Conditions: []Condition{
			{Test: "StringEquals", Variable: "k", Values: []string{"a"}}, {Test: "StringEquals", Variable: "k", Values: []string{"b"}}}}},
			[]string{`Statement[0] has two StringEquals conditions on "k"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderPolicy(tt.st)
			checkErr(t, err, tt.want)
		})
	}
}

func TestMergeStatements(t *testing.T) {
	src := []Statement{{Sid: "a", Effect: "Allow"}, {Effect: "Allow"}, {Sid: "b", Effect: "Allow"}}
	cur := []Statement{{Sid: "b", Effect: "Deny"}, {Sid: "c"}}
	over := []Statement{{Sid: "a", Effect: "Deny"}, {}}
	got := MergeStatements(src, cur, over)
	want := []Statement{{Sid: "a", Effect: "Deny"}, {Effect: "Allow"}, {Sid: "b", Effect: "Deny"}, {Sid: "c"}, {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if src[0].Effect != "Allow" {
		t.Error("MergeStatements modified its input")
	}
}

func TestParseStatements(t *testing.T) {
	doc := `{"Version":"1","Statement":[{"Sid":"x","Effect":"Deny","Action":"*","NotResource":["acs:b:*:*:x","acs:a:*:*:x"],"Condition":{"Bool":{"acs:MFAPresent":false}}}]}`
	got, err := ParseStatements(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Statement{{Sid: "x", Effect: "Deny", Actions: []string{"*"}, NotResources: []string{"acs:a:*:*:x", "acs:b:*:*:x"},
		Conditions: []Condition{{Test: "Bool", Variable: "acs:MFAPresent", Values: []string{"false"}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	out, err := RenderPolicy(got)
	if err != nil || !Equal(out, doc) {
		t.Errorf("round trip: %s %v", out, err)
	}
	if _, err := ParseStatements(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*"}]}`); err == nil {
		t.Error("invalid policy accepted")
	}
	if _, err := ParseStatements(`{`); err == nil {
		t.Error("invalid JSON accepted")
	}
}
