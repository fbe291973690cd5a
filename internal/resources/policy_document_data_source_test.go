package resources_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/resources"
)

const policyDocAddr = "data.aliram_policy_document.test"

// words matches the given fragments in order, tolerating the CLI's line wrapping between words.
func words(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		ws := strings.Fields(f)
		for j, w := range ws {
			ws[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(ws, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func jsonIs(doc string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(policyDocAddr, tfjsonpath.New("json"), knownvalue.StringExact(doc))
}

func TestAccPolicyDocumentDataSource_basic(t *testing.T) {
	e := acctest.New(t)
	acctest.UnitTest(t, nil, []resource.TestStep{
		{
			Config: e.ProviderConfig() + `
data "aliram_policy_document" "test" {
  statement {
    actions   = ["ecs:DescribeInstances", "ecs:Describe*", "ecs:DescribeInstances"]
    resources = ["*"]
  }
  statement {
    sid       = "DenyOutsideOffice"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "NotIpAddress"
      variable = "acs:SourceIp"
      values   = ["203.0.113.0/24", "10.0.0.0/8"]
    }
    condition {
      test     = "Bool"
      variable = "acs:SecureTransport"
      values   = ["false"]
    }
  }
  statement {
    not_actions = ["ram:*"]
    resources   = ["*"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				jsonIs(`{"Statement":[` +
					`{"Action":["ecs:Describe*","ecs:DescribeInstances"],"Effect":"Allow","Resource":["*"]},` +
					`{"Action":["*"],"Condition":{"Bool":{"acs:SecureTransport":["false"]},"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}},"Effect":"Deny","Resource":["*"],"Sid":"DenyOutsideOffice"},` +
					`{"Effect":"Allow","NotAction":["ram:*"],"Resource":["*"]}` +
					`],"Version":"1"}`),
				statecheck.ExpectKnownValue(policyDocAddr, tfjsonpath.New("version"), knownvalue.StringExact("1")),
				statecheck.ExpectKnownValue(policyDocAddr, tfjsonpath.New("statement").AtSliceIndex(0).AtMapKey("effect"), knownvalue.StringExact("Allow")),
			},
		},
	})
	e.AssertNoAPICalls(t)
}

// The seeds' optional least-privilege policy: RocketMQ scoped to one instance, one topic and one group.
func TestAccPolicyDocumentDataSource_rocketMQ(t *testing.T) {
	e := acctest.New(t)
	acctest.UnitTest(t, nil, []resource.TestStep{
		{
			Config: e.ProviderConfig() + `
locals {
  instance = "MQ_INST_1234567890_BXdemo"
}

data "aliram_policy_document" "test" {
  statement {
    sid       = "InstanceReadOnly"
    actions   = ["mq:OnsInstanceBaseInfo", "mq:QueryMessage"]
    resources = ["acs:mq:*:*:${local.instance}"]
  }
  statement {
    sid       = "OrdersPubSub"
    actions   = ["mq:PUB", "mq:SUB"]
    resources = ["acs:mq:*:*:${local.instance}%orders", "acs:mq:*:*:${local.instance}%GID_orders_enterprise_b"]
    condition {
      test     = "IpAddress"
      variable = "acs:SourceIp"
      values   = ["203.0.113.0/24", "198.51.100.0/24"]
    }
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				jsonIs(`{"Statement":[` +
					`{"Action":["mq:OnsInstanceBaseInfo","mq:QueryMessage"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo"],"Sid":"InstanceReadOnly"},` +
					`{"Action":["mq:PUB","mq:SUB"],"Condition":{"IpAddress":{"acs:SourceIp":["198.51.100.0/24","203.0.113.0/24"]}},"Effect":"Allow",` +
					`"Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo%GID_orders_enterprise_b","acs:mq:*:*:MQ_INST_1234567890_BXdemo%orders"],"Sid":"OrdersPubSub"}` +
					`],"Version":"1"}`),
			},
		},
		{
			// Same config again: the rendered document is stable, so nothing changes.
			Config: e.ProviderConfig() + `
data "aliram_policy_document" "test" {
  statement {
    sid       = "InstanceReadOnly"
    actions   = ["mq:QueryMessage", "mq:OnsInstanceBaseInfo"]
    resources = ["acs:mq:*:*:MQ_INST_1234567890_BXdemo"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				jsonIs(`{"Statement":[{"Action":["mq:OnsInstanceBaseInfo","mq:QueryMessage"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo"],"Sid":"InstanceReadOnly"}],"Version":"1"}`),
			},
		},
	})
	e.AssertNoAPICalls(t)
}

func TestAccPolicyDocumentDataSource_sourceAndOverride(t *testing.T) {
	e := acctest.New(t)
	acctest.UnitTest(t, nil, []resource.TestStep{
		{
			Config: e.ProviderConfig() + `
data "aliram_policy_document" "test" {
  source_policy_documents = [jsonencode({
    Version = "1"
    Statement = [
      { Sid = "Read", Effect = "Allow", Action = "mq:Query*", Resource = "*" },
      { Sid = "Pub", Effect = "Allow", Action = "mq:PUB", Resource = "acs:mq:*:*:MQ_INST_1%old" },
      { Effect = "Allow", Action = "mq:OnsInstanceBaseInfo", Resource = "*" },
    ]
  })]
  override_policy_documents = [jsonencode({
    Version   = "1"
    Statement = [{ Sid = "Read", Effect = "Deny", Action = ["mq:QueryMessage"], Resource = ["*"] }]
  })]

  # Replaces the source statement "Pub" in place.
  statement {
    sid       = "Pub"
    actions   = ["mq:PUB"]
    resources = ["acs:mq:*:*:MQ_INST_1%orders"]
  }
  statement {
    actions   = ["mq:SUB"]
    resources = ["acs:mq:*:*:MQ_INST_1%GID_orders"]
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				jsonIs(`{"Statement":[` +
					`{"Action":["mq:QueryMessage"],"Effect":"Deny","Resource":["*"],"Sid":"Read"},` +
					`{"Action":["mq:PUB"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1%orders"],"Sid":"Pub"},` +
					`{"Action":["mq:OnsInstanceBaseInfo"],"Effect":"Allow","Resource":["*"]},` +
					`{"Action":["mq:SUB"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1%GID_orders"]}` +
					`],"Version":"1"}`),
			},
		},
	})
	e.AssertNoAPICalls(t)
}

// Every mistake is refused while planning, names the attribute, and no API call is made.
func TestAccPolicyDocumentDataSource_invalid(t *testing.T) {
	e := acctest.New(t)
	cfg := func(body string) string {
		return e.ProviderConfig() + "data \"aliram_policy_document\" \"test\" {\n" + body + "\n}\n"
	}
	tests := []struct {
		name string
		body string
		want *regexp.Regexp
	}{
		{"action without service", `
  statement {
    actions   = ["mq PUB"]
    resources = ["*"]
  }`, words(`statement[0].actions`, `"mq PUB" is not a valid action`, `<service>:<Api>`)},
		{"effect", `
  statement {
    effect    = "allow"
    actions   = ["mq:PUB"]
    resources = ["*"]
  }`, words(`statement[0].effect value must be one of`, `got: "allow"`)},
		{"condition test", `
  statement {
    actions   = ["mq:PUB"]
    resources = ["*"]
    condition {
      test     = "StringEqualsIfExists"
      variable = "acs:SourceVpc"
      values   = ["vpc-1"]
    }
  }`, words(`statement[0].condition[0].test value must be one of`, `got: "StringEqualsIfExists"`)},
		{"condition value", `
  statement {
    actions   = ["mq:PUB"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "acs:MFAPresent"
      values   = ["yes"]
    }
  }`, words(`statement[0].condition[0].values[0]: Bool needs true or false, got "yes"`)},
		{"resource", `
  statement {
    actions   = ["mq:PUB"]
    resources = ["MQ_INST_1%orders"]
  }`, words(`statement[0].resources`, `"MQ_INST_1%orders" is not a valid resource`)},
		{"actions and not_actions", `
  statement {
    actions     = ["mq:PUB"]
    not_actions = ["mq:SUB"]
    resources   = ["*"]
  }`, words(`statement[0] sets both actions and not_actions`)},
		{"no actions", `
  statement {
    resources = ["*"]
  }`, words(`statement[0] needs actions`)},
		{"duplicate sid", `
  statement {
    sid       = "A"
    actions   = ["mq:PUB"]
    resources = ["*"]
  }
  statement {
    sid       = "A"
    actions   = ["mq:SUB"]
    resources = ["*"]
  }`, words(`Duplicate statement sid`, `statement[1].sid: sid "A" is already used by statement[0]`)},
		{"duplicate condition", `
  statement {
    actions   = ["mq:PUB"]
    resources = ["*"]
    condition {
      test     = "IpAddress"
      variable = "acs:SourceIp"
      values   = ["10.0.0.0/8"]
    }
    condition {
      test     = "IpAddress"
      variable = "acs:SourceIp"
      values   = ["192.168.0.0/16"]
    }
  }`, words(`statement[0].condition[1] repeats test "IpAddress" on variable "acs:SourceIp"`)},
		{"source document", `
  source_policy_documents = [jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "mq:PUB" }] })]`,
			words(`Invalid permission policy`, `source_policy_documents[0]: Statement[0].Resource is required`)},
		{"source document JSON", `
  source_policy_documents = ["{not json"]`,
			words(`source_policy_documents[0]: policy document is not valid JSON`)},
		{"empty", ``, words(`A RAM policy needs at least one statement`)},
	}
	steps := make([]resource.TestStep, 0, len(tests))
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{Config: cfg(tt.body), PlanOnly: true, ExpectError: tt.want})
	}
	acctest.UnitTest(t, nil, steps)
	e.AssertNoAPICalls(t)
}

// The schema is valid and documented without a CLI: every attribute and block has a MarkdownDescription.
func TestPolicyDocumentDataSourceSchema(t *testing.T) {
	ctx := context.Background()
	ds := resources.NewPolicyDocumentDataSource()
	resp := &datasource.SchemaResponse{}
	ds.Schema(ctx, datasource.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatal(diags)
	}
	var walk func(prefix string, attrs map[string]schema.Attribute, blocks map[string]schema.Block)
	walk = func(prefix string, attrs map[string]schema.Attribute, blocks map[string]schema.Block) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", prefix, name)
			}
		}
		for name, b := range blocks {
			if b.GetMarkdownDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", prefix, name)
			}
			if lb, ok := b.(schema.ListNestedBlock); ok {
				walk(prefix+name+".", lb.NestedObject.Attributes, lb.NestedObject.Blocks)
			}
		}
	}
	walk("", resp.Schema.Attributes, resp.Schema.Blocks)
	meta := &datasource.MetadataResponse{}
	ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "aliram"}, meta)
	if meta.TypeName != "aliram_policy_document" {
		t.Errorf("type name %q", meta.TypeName)
	}
}

// The documented example, as written, renders a policy that RAM (the emulator) accepts through aliram_policy.
func TestAccPolicyDocumentDataSource_example(t *testing.T) {
	e := acctest.New(t)
	example, err := os.ReadFile("../../examples/data-sources/aliram_policy_document/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName("pdoc")
	cfg := strings.Replace(string(example), `"rocketmq-orders-enterprise-b"`, strconv.Quote(name), 1)
	if cfg == string(example) {
		t.Fatal("the example no longer names its policy rocketmq-orders-enterprise-b; update this test")
	}
	acctest.UnitTest(t, e.CheckNothingLeft(t), []resource.TestStep{
		{
			Config: e.ProviderConfig() + cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.aliram_policy_document.rocketmq_orders", tfjsonpath.New("json"), knownvalue.StringExact(
					`{"Statement":[`+
						`{"Action":["mq:OnsInstanceBaseInfo","mq:QueryMessage"],"Effect":"Allow","Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo"],"Sid":"InstanceReadOnly"},`+
						`{"Action":["mq:PUB","mq:SUB"],"Condition":{"IpAddress":{"acs:SourceIp":["198.51.100.0/24","203.0.113.0/24"]}},"Effect":"Allow",`+
						`"Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo%GID_orders_enterprise_b","acs:mq:*:*:MQ_INST_1234567890_BXdemo%orders"],"Sid":"OrdersPubSub"},`+
						`{"Action":["mq:OnsGroupDelete","mq:OnsInstanceDelete","mq:OnsTopicDelete"],"Effect":"Deny","Resource":["acs:mq:*:*:MQ_INST_1234567890_BXdemo*"],"Sid":"NoDeletes"}`+
						`],"Version":"1"}`)),
				statecheck.CompareValuePairs("data.aliram_policy_document.rocketmq_orders", tfjsonpath.New("json"),
					"aliram_policy.rocketmq_orders", tfjsonpath.New("document"), compare.ValuesSame()),
			},
		},
	})
}
