package functions_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/functions"
)

// call runs a function the way the framework does: a result initialised from the definition's return type,
// the arguments as strings.
func call(t *testing.T, f function.Function, args ...string) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	if len(def.Definition.Parameters) != len(args) {
		t.Fatalf("the function takes %d arguments, the test gave %d", len(def.Definition.Parameters), len(args))
	}
	result, ferr := def.Definition.Return.NewResultData(ctx)
	if ferr != nil {
		t.Fatal(ferr)
	}
	values := make([]attr.Value, len(args))
	for i, a := range args {
		values[i] = types.StringValue(a)
	}
	resp := function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(values)}, &resp)
	return resp.Result.Value(), resp.Error
}

type badInput struct {
	name     string
	args     []string
	position int64  // the argument the error is on
	want     string // in the error text
}

func expectErrors(t *testing.T, f function.Function, cases []badInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ferr := call(t, f, tc.args...)
			if ferr == nil {
				t.Fatalf("no error, result %v", got)
			}
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != tc.position {
				t.Errorf("error on argument %v, want %d", ferr.FunctionArgument, tc.position)
			}
			if !strings.Contains(ferr.Text, tc.want) {
				t.Errorf("error %q, want it to contain %q", ferr.Text, tc.want)
			}
		})
	}
}

func TestRoleARN(t *testing.T) {
	got, ferr := call(t, functions.NewRoleARNFunction(), "1000000000000001", "Kafka-Operators.B_1@x")
	if ferr != nil {
		t.Fatal(ferr)
	}
	if want := types.StringValue("acs:ram::1000000000000001:role/Kafka-Operators.B_1@x"); !got.Equal(want) {
		t.Errorf("role_arn = %v, want %v", got, want)
	}
	expectErrors(t, functions.NewRoleARNFunction(), []badInput{
		{"short account ID", []string{"100000000000001", "ops"}, 0, `account ID "100000000000001" is not valid: an Alibaba Cloud account ID is exactly 16 digits`},
		{"account alias for an ID", []string{"enterprise-a", "ops"}, 0, `account ID "enterprise-a" is not valid`},
		{"empty role name", []string{"1000000000000001", ""}, 1, `role name "" is 0 characters long; it must be 1 to 64 characters`},
		{"long role name", []string{"1000000000000001", strings.Repeat("r", 65)}, 1, "is 65 characters long"},
		{"role name characters", []string{"1000000000000001", "ops role/x"}, 1, `role name "ops role/x" contains ' ', '/', which are not allowed`},
		{"both wrong: the first is named", []string{"1", "a b"}, 0, `account ID "1"`},
	})
}

func TestLogonName(t *testing.T) {
	for _, tc := range []struct{ user, account, want string }{
		{"alice", "enterprise-b", "alice@enterprise-b.onaliyun.com"},
		{"kafka-ops.app_1", "1000000000000002", "kafka-ops.app_1@1000000000000002.onaliyun.com"},
	} {
		got, ferr := call(t, functions.NewLogonNameFunction(), tc.user, tc.account)
		if ferr != nil {
			t.Fatal(ferr)
		}
		if !got.Equal(types.StringValue(tc.want)) {
			t.Errorf("logon_name(%q, %q) = %v, want %q", tc.user, tc.account, got, tc.want)
		}
	}
	expectErrors(t, functions.NewLogonNameFunction(), []badInput{
		{"empty user name", []string{"", "enterprise-b"}, 0, `user name "" is 0 characters long`},
		{"user name with @", []string{"alice@x", "enterprise-b"}, 0, `user name "alice@x" contains '@', which is not allowed`},
		{"long user name", []string{strings.Repeat("u", 65), "enterprise-b"}, 0, "is 65 characters long"},
		{"short alias", []string{"alice", "eb"}, 1, `account alias "eb" is 2 characters long`},
		{"alias characters", []string{"alice", "Enterprise_B"}, 1, `account alias "Enterprise_B" contains 'E', '_', 'B'`},
		{"alias edge dash", []string{"alice", "-enterprise"}, 1, `starts or ends with '-'`},
		{"alias double dash", []string{"alice", "enterprise--b"}, 1, `contains "--"`},
		{"logon domain for an alias", []string{"alice", "enterprise-b.onaliyun.com"}, 1, `is a logon domain; give the alias alone, "enterprise-b"`},
		{"short account ID", []string{"alice", "100000000000002"}, 1, `"100000000000002" is neither an account alias nor an account ID`},
	})
}

func TestParseARN(t *testing.T) {
	objectOf := func(account, kind, name string) types.Object {
		return types.ObjectValueMust(
			map[string]attr.Type{"account_id": types.StringType, "resource_type": types.StringType, "name": types.StringType},
			map[string]attr.Value{"account_id": types.StringValue(account), "resource_type": types.StringValue(kind), "name": types.StringValue(name)})
	}
	for arn, want := range map[string]types.Object{
		"acs:ram::1000000000000001:role/kafka-operators": objectOf("1000000000000001", "role", "kafka-operators"),
		"acs:ram::1000000000000002:user/alice.b":         objectOf("1000000000000002", "user", "alice.b"),
	} {
		got, ferr := call(t, functions.NewParseARNFunction(), arn)
		if ferr != nil {
			t.Fatal(ferr)
		}
		if !got.Equal(want) {
			t.Errorf("parse_arn(%q) = %v, want %v", arn, got, want)
		}
	}
	expectErrors(t, functions.NewParseARNFunction(), []badInput{
		{"not an ARN", []string{"kafka-operators"}, 0, `"kafka-operators" is not a RAM user or role ARN: it must start with "acs:ram::"`},
		{"another service", []string{"acs:kafka::1000000000000001:instance/x"}, 0, `it must start with "acs:ram::"`},
		{"no resource", []string{"acs:ram::1000000000000001"}, 0, "the resource part is missing"},
		{"bad account ID", []string{"acs:ram::123:role/ops"}, 0, `account ID "123" is not 16 digits`},
		{"root", []string{"acs:ram::1000000000000001:root"}, 0, `the resource must be "user/<name>" or "role/<name>"`},
		{"policy", []string{"acs:ram::1000000000000001:policy/p"}, 0, `the resource must be "user/<name>" or "role/<name>"`},
		{"bad role name", []string{"acs:ram::1000000000000001:role/a b"}, 0, `role name "a b" contains ' '`},
		{"user name with @", []string{"acs:ram::1000000000000001:user/a@b"}, 0, `user name "a@b" contains '@'`},
	})
}
