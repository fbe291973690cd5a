package policy

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "string folded to list, keys sorted, whitespace dropped",
			in: `{ "Version": "1", "Statement": [ { "Effect": "Allow", "Action": "sts:AssumeRole",
			       "Principal": { "RAM": "acs:ram::1000000000000002:root" } } ] }`,
			want: `{"Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}],"Version":"1"}`,
		},
		{
			name: "lists sorted and de-duplicated",
			in:   `{"Version":"1","Statement":[{"Effect":"Deny","Action":["mq:SUB","mq:PUB","mq:SUB"],"Resource":["b","a"]}]}`,
			want: `{"Statement":[{"Action":["mq:PUB","mq:SUB"],"Effect":"Deny","Resource":["a","b"]}],"Version":"1"}`,
		},
		{
			name: "condition scalars become strings",
			in:   `{"Statement":[{"Condition":{"Bool":{"acs:MFAPresent":true},"NumericLessThan":{"k":[10,"2"]}}}]}`,
			want: `{"Statement":[{"Condition":{"Bool":{"acs:MFAPresent":["true"]},"NumericLessThan":{"k":["10","2"]}}}]}`,
		},
		{
			name: "statement order and effect kept",
			in:   `{"Statement":[{"Effect":"Deny","Sid":"b"},{"Effect":"Allow","Sid":"a"}],"Version":"1"}`,
			want: `{"Statement":[{"Effect":"Deny","Sid":"b"},{"Effect":"Allow","Sid":"a"}],"Version":"1"}`,
		},
		{
			name: "single statement object folded into a list",
			in:   `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Version":"1"}`,
			want: `{"Statement":[{"Action":["*"],"Effect":"Allow","Resource":["*"]}],"Version":"1"}`,
		},
		{
			name: "html characters and unicode kept readable, numbers kept as written",
			in:   `{"Version":1.0,"X":{"b":"<&>","a":"ü"}}`,
			want: `{"Version":1.0,"X":{"a":"ü","b":"<&>"}}`,
		},
		{
			name: "non-string action list left in place",
			in:   `{"Statement":[{"Action":["b",1,"a"]}]}`,
			want: `{"Statement":[{"Action":["b",1,"a"]}]}`,
		},
		{
			name: "principal star kept",
			in:   `{"Statement":[{"Principal":"*"}]}`,
			want: `{"Statement":[{"Principal":"*"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			again, err := Normalize(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: %s, %v", again, err)
			}
		})
	}
}

func TestNormalizeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "is not valid JSON: the document is empty"},
		{`{"Version":"1",}`, "is not valid JSON: invalid character '}' looking for beginning of object key string (line 1, column 16)"},
		{"{\n\"a\":\n", "is not valid JSON: unexpected end of input"},
		{`{} {}`, "is not valid JSON: unexpected data after the top-level value"},
		{`{}x`, "is not valid JSON"},
		{`[1]`, "must be a JSON object, got a list"},
		{`"x"`, "must be a JSON object, got a string"},
		{`null`, "must be a JSON object, got null"},
	}
	for _, tt := range tests {
		_, err := Normalize(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Normalize(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	base := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root","acs:ram::1000000000000001:user/alice"]}}]}`
	tests := []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"identical", base, base, true},
		{"string vs list, reordered principals, key order, whitespace", base, `
			{
			  "Statement": [
			    {
			      "Principal": {"RAM": ["acs:ram::1000000000000001:user/alice", "acs:ram::1000000000000002:root"]},
			      "Action": ["sts:AssumeRole"],
			      "Effect": "Allow"
			    }
			  ],
			  "Version": "1"
			}`, true},
		{"duplicate principal", base, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root","acs:ram::1000000000000001:user/alice","acs:ram::1000000000000002:root"]}}]}`, true},
		{"different effect", base, strings.Replace(base, "Allow", "Deny", 1), false},
		{"different action", base, strings.Replace(base, "sts:AssumeRole", "sts:*", 1), false},
		{"missing principal", base, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}]}`, false},
		{"statement order matters",
			`{"Statement":[{"Sid":"a"},{"Sid":"b"}]}`, `{"Statement":[{"Sid":"b"},{"Sid":"a"}]}`, false},
		{"bool true vs string", `{"Statement":[{"Condition":{"Bool":{"acs:MFAPresent":true}}}]}`,
			`{"Statement":[{"Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}`, true},
		{"number vs string", `{"Statement":[{"Condition":{"NumericEquals":{"k":[1, 2]}}}]}`,
			`{"Statement":[{"Condition":{"NumericEquals":{"k":["2","1"]}}}]}`, true},
		{"version number vs string is different", `{"Version":1}`, `{"Version":"1"}`, false},
		{"invalid a", `{`, base, false},
		{"invalid both identical", `{`, `{`, false},
		{"not an object", `[]`, `[]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.a, tt.b); got != tt.equal {
				t.Errorf("Equal(a, b) = %v, want %v", got, tt.equal)
			}
			if got := Equal(tt.b, tt.a); got != tt.equal {
				t.Errorf("Equal(b, a) = %v, want %v", got, tt.equal)
			}
		})
	}
}
