package resources

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

var _ datasource.DataSource = (*policyDocumentDataSource)(nil)

// NewPolicyDocumentDataSource renders a RAM permission policy from HCL blocks. It makes no API call, so it
// needs no provider data (and has no Configure).
func NewPolicyDocumentDataSource() datasource.DataSource {
	return &policyDocumentDataSource{"aliram_policy_document"}
}

type policyDocumentDataSource struct {
	dataSourceNamed
}

type policyDocumentModel struct {
	Version                 types.String           `tfsdk:"version"`
	SourcePolicyDocuments   types.List             `tfsdk:"source_policy_documents"`
	OverridePolicyDocuments types.List             `tfsdk:"override_policy_documents"`
	Statement               []policyStatementModel `tfsdk:"statement"`
	JSON                    types.String           `tfsdk:"json"`
}

type policyStatementModel struct {
	Sid        types.String           `tfsdk:"sid"`
	Effect     types.String           `tfsdk:"effect"`
	Actions    types.Set              `tfsdk:"actions"`
	NotActions types.Set              `tfsdk:"not_actions"`
	Resources  types.Set              `tfsdk:"resources"`
	Condition  []policyConditionModel `tfsdk:"condition"`
}

type policyConditionModel struct {
	Test     types.String `tfsdk:"test"`
	Variable types.String `tfsdk:"variable"`
	Values   types.List   `tfsdk:"values"`
}

func (d *policyDocumentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	operators := policy.ConditionOperators()
	actionList := nonEmptySetOf(policy.ActionValidator())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a RAM **permission policy** from HCL, like `aws_iam_policy_document` does for IAM. " +
			"The document is validated while planning (RAM's grammar: `Version` \"1\", `Allow`/`Deny`, actions `<service>:<Api>` " +
			"with `*`/`?` wildcards, resources `acs:<service>:<region>:<account>:<relative-id>`, RAM's condition operators, " +
			"at most 6144 characters) and written in one canonical, compact form to `json`. " +
			"Pass `json` to `aliram_policy.document`. No API call is made.",
		Attributes: map[string]schema.Attribute{
			"version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Policy language version; always `1`, the only version RAM accepts.",
			},
			"source_policy_documents": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Permission policy documents (JSON) whose statements come first in the result. " +
					"A `statement` block with the same `sid` as a source statement replaces it in place. " +
					"Statement `sid`s must be unique across these documents.",
				Validators: []validator.List{
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(policy.PermissionPolicyValidator()),
				},
			},
			"override_policy_documents": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Permission policy documents (JSON) merged last, in order: a statement whose `sid` matches " +
					"an earlier statement replaces it in place; any other statement is appended.",
				Validators: []validator.List{
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(policy.PermissionPolicyValidator()),
				},
			},
			"json": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The policy in canonical compact JSON: keys sorted, every action, resource and condition " +
					"value list sorted and de-duplicated, statements in the order written. Deterministic, so it never causes a diff by itself.",
			},
		},
		Blocks: map[string]schema.Block{
			"statement": schema.ListNestedBlock{
				MarkdownDescription: "One statement of the policy. Statements keep their order.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"sid": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "Statement ID. Optional; it names the statement so that `source_policy_documents` and " +
								"`override_policy_documents` can replace it. Must be unique among the `statement` blocks.",
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"effect": schema.StringAttribute{
							Optional:            true,
							Computed:            true,
							MarkdownDescription: "`Allow` (the default) or `Deny`. A `Deny` wins over any `Allow`.",
							Validators:          []validator.String{stringvalidator.OneOf("Allow", "Deny")},
						},
						"actions": schema.SetAttribute{
							ElementType: types.StringType,
							Optional:    true,
							MarkdownDescription: "API operations the statement covers: `*` or `<service>:<Api>`, e.g. `mq:PUB`, " +
								"`ecs:Describe*` (`*` matches any run of characters, `?` one character). Exactly one of `actions` and `not_actions` is required.",
							Validators: actionList,
						},
						"not_actions": schema.SetAttribute{
							ElementType: types.StringType,
							Optional:    true,
							MarkdownDescription: "Every API operation *except* these (RAM's `NotAction`), same syntax as `actions`. " +
								"Broad by nature: prefer `actions`.",
							Validators: actionList,
						},
						"resources": schema.SetAttribute{
							ElementType: types.StringType,
							Required:    true,
							MarkdownDescription: "Resources the statement covers: `*` or ARNs `acs:<service>:<region>:<account-id>:<relative-id>`, " +
								"e.g. `acs:mq:*:*:MQ_INST_123` (a RocketMQ instance), `acs:mq:*:*:MQ_INST_123%orders` (a topic or group of it). " +
								"`*` and `?` are wildcards.",
							Validators: nonEmptySetOf(policy.ResourceValidator()),
						},
					},
					Validators: []validator.Object{statementActionsValidator{"exactly one of actions and not_actions must be set"}},
					Blocks: map[string]schema.Block{
						"condition": schema.ListNestedBlock{
							MarkdownDescription: "A condition on the request; all conditions of a statement must hold. " +
								"Use one block per operator and key: its `values` are alternatives (any may match).",
							NestedObject: schema.NestedBlockObject{
								Attributes: map[string]schema.Attribute{
									"test": schema.StringAttribute{
										Required:            true,
										MarkdownDescription: "Condition operator, one of " + codeList(operators) + ". RAM has no `...IfExists` variants.",
										Validators:          []validator.String{stringvalidator.OneOf(operators...)},
									},
									"variable": schema.StringAttribute{
										Required: true,
										MarkdownDescription: "Condition key, e.g. `acs:SourceIp`, `acs:CurrentTime`, `acs:MFAPresent`, " +
											"`acs:SecureTransport`, `acs:ResourceTag/<key>`.",
										Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
									},
									"values": schema.ListAttribute{
										ElementType: types.StringType,
										Required:    true,
										MarkdownDescription: "Values to compare the key with; any may match. They must suit the operator: " +
											"numbers for `Numeric*`, ISO 8601 times for `Date*`, `true`/`false` for `Bool`, IPs or CIDR blocks for `IpAddress`/`NotIpAddress`.",
										Validators: []validator.List{
											listvalidator.SizeAtLeast(1),
											listvalidator.NoNullValues(),
										},
									},
								},
								Validators: []validator.Object{conditionValuesValidator{"values must suit the condition operator"}},
							},
						},
					},
				},
			},
		},
	}
}

func codeList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "`" + s + "`"
	}
	return strings.Join(quoted, ", ")
}

func (d *policyDocumentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDocumentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var sources []policy.Statement
	for _, sts := range d.documents(ctx, m.SourcePolicyDocuments, path.Root("source_policy_documents"), true, resp) {
		sources = append(sources, sts...) // sids are unique across sources, so concatenating is merging
	}
	overrides := d.documents(ctx, m.OverridePolicyDocuments, path.Root("override_policy_documents"), false, resp)

	current := make([]policy.Statement, 0, len(m.Statement))
	sids := map[string]int{}
	for i := range m.Statement {
		sm := &m.Statement[i]
		at := path.Root("statement").AtListIndex(i)
		if sm.Effect.IsNull() || sm.Effect.IsUnknown() {
			sm.Effect = types.StringValue("Allow")
		}
		st := policy.Statement{Sid: sm.Sid.ValueString(), Effect: sm.Effect.ValueString()}
		if st.Sid != "" {
			if j, dup := sids[st.Sid]; dup {
				resp.Diagnostics.AddAttributeError(at.AtName("sid"), "Duplicate statement sid",
					fmt.Sprintf("%s: sid %q is already used by statement[%d]; sids must be unique so that source and override documents can address statements.", at.AtName("sid"), st.Sid, j))
			}
			sids[st.Sid] = i
		}
		st.Actions = setStrings(ctx, sm.Actions, resp)
		st.NotActions = setStrings(ctx, sm.NotActions, resp)
		st.Resources = setStrings(ctx, sm.Resources, resp)
		seen := map[[2]string]int{}
		for j, c := range sm.Condition {
			key := [2]string{c.Test.ValueString(), c.Variable.ValueString()}
			if k, dup := seen[key]; dup {
				cp := at.AtName("condition").AtListIndex(j)
				resp.Diagnostics.AddAttributeError(cp, "Duplicate condition",
					fmt.Sprintf("%s repeats test %q on variable %q of %s; put all values in that one block (any value may match).",
						cp, key[0], key[1], at.AtName("condition").AtListIndex(k)))
			}
			seen[key] = j
			var values []string
			resp.Diagnostics.Append(c.Values.ElementsAs(ctx, &values, false)...)
			st.Conditions = append(st.Conditions, policy.Condition{Test: key[0], Variable: key[1], Values: values})
		}
		current = append(current, st)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	merged := policy.MergeStatements(sources, current)
	for _, o := range overrides {
		merged = policy.MergeStatements(merged, o)
	}
	if len(merged) == 0 {
		resp.Diagnostics.AddError("Empty policy document",
			"A RAM policy needs at least one statement: add a statement block, or a document to source_policy_documents or override_policy_documents.")
		return
	}
	doc, err := policy.RenderPolicy(merged)
	if err != nil {
		detail := err.Error()
		if len(sources) > 0 || len(overrides) > 0 {
			detail += "\n\nStatement numbers count the merged document: source statements first, then statement blocks, then overrides."
		}
		resp.Diagnostics.AddError("Invalid policy document", detail)
		return
	}
	m.Version = types.StringValue("1")
	m.JSON = types.StringValue(doc)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// documents parses a list of policy documents into statements: one list per document for overrides (merged one
// after another), all concatenated for sources, where a Sid may appear only once.
func (d *policyDocumentDataSource) documents(ctx context.Context, list types.List, at path.Path, sources bool, resp *datasource.ReadResponse) (out [][]policy.Statement) {
	if list.IsNull() || list.IsUnknown() {
		return nil
	}
	var docs []string
	resp.Diagnostics.Append(list.ElementsAs(ctx, &docs, false)...)
	sidAt := map[string]int{}
	for i, doc := range docs {
		p := at.AtListIndex(i)
		sts, err := policy.ParseStatements(doc)
		if err != nil {
			resp.Diagnostics.AddAttributeError(p, "Invalid policy document", fmt.Sprintf("%s: %s", p, err))
			continue
		}
		if sources {
			for _, s := range sts {
				if s.Sid == "" {
					continue
				}
				if j, dup := sidAt[s.Sid]; dup {
					resp.Diagnostics.AddAttributeError(p, "Duplicate statement sid",
						fmt.Sprintf("%s: sid %q also appears in %s; statements of source documents need unique sids (or none).", p, s.Sid, at.AtListIndex(j)))
				}
				sidAt[s.Sid] = i
			}
		}
		out = append(out, sts)
	}
	return out
}

func setStrings(ctx context.Context, s types.Set, resp *datasource.ReadResponse) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	resp.Diagnostics.Append(s.ElementsAs(ctx, &out, false)...)
	return out
}

// conditionValuesValidator checks each value of a condition block against its operator (numbers, dates,
// booleans, IPs), naming the offending element's path.
type conditionValuesValidator struct{ describedAs }

func (conditionValuesValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	test, ok := attrs["test"].(types.String)
	if !ok || test.IsNull() || test.IsUnknown() || policy.ValidateConditionOperator(test.ValueString()) != nil {
		return // the operator's own validator reports it
	}
	values, ok := attrs["values"].(types.List)
	if !ok || values.IsNull() || values.IsUnknown() {
		return
	}
	for i, e := range values.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if err := policy.ValidateConditionValue(test.ValueString(), s.ValueString()); err != nil {
			p := req.Path.AtName("values").AtListIndex(i)
			resp.Diagnostics.AddAttributeError(p, "Invalid condition value", fmt.Sprintf("%s: %s", p, err))
		}
	}
}

// statementActionsValidator requires exactly one of actions and not_actions in a statement block, with a message
// that names both (the generic ExactlyOneOf renders relative paths like "actions.<.not_actions").
type statementActionsValidator struct{ describedAs }

func (statementActionsValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	set := func(name string) (isSet, unknown bool) {
		v, ok := attrs[name]
		if !ok || v == nil {
			return false, false
		}
		return !v.IsNull(), v.IsUnknown()
	}
	a, aUnknown := set("actions")
	n, nUnknown := set("not_actions")
	switch {
	case aUnknown || nUnknown:
		return
	case a && n:
		resp.Diagnostics.AddAttributeError(req.Path.AtName("not_actions"), "Conflicting actions",
			fmt.Sprintf("%s sets both actions and not_actions; a RAM statement has either Action or NotAction, so keep one.", req.Path))
	case !a && !n:
		resp.Diagnostics.AddAttributeError(req.Path, "Missing actions",
			fmt.Sprintf("%s needs actions (the API operations it covers, e.g. [\"mq:PUB\"]) or not_actions.", req.Path))
	}
}
