package resources

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

var _ datasource.DataSourceWithConfigure = (*roleDataSource)(nil)

// NewRoleDataSource reads a RAM role of the provider block's account by name: what the owner's reviewers and
// tooling look at for a role they do not manage (its trust, its session limit, what is attached to it).
func NewRoleDataSource() datasource.DataSource {
	return &roleDataSource{dataSourceWithClient{dataSourceNamed: "aliram_role"}}
}

type roleDataSource struct {
	dataSourceWithClient
}

type roleDataSourceModel struct {
	Name               types.String          `tfsdk:"name"`
	ARN                types.String          `tfsdk:"arn"`
	RoleID             types.String          `tfsdk:"role_id"`
	AssumeRolePolicy   types.String          `tfsdk:"assume_role_policy"`
	MaxSessionDuration types.Int64           `tfsdk:"max_session_duration"`
	Description        types.String          `tfsdk:"description"`
	CreateDate         types.String          `tfsdk:"create_date"`
	UpdateDate         types.String          `tfsdk:"update_date"`
	AttachedPolicies   []attachedPolicyModel `tfsdk:"attached_policies"`
}

type attachedPolicyModel struct {
	PolicyType types.String `tfsdk:"policy_type"`
	PolicyName types.String `tfsdk:"policy_name"`
}

func (d *roleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a RAM role of this provider block's account by name: its ARN, trust policy, session " +
			"limit and the policies attached to it, whoever manages it. Two RAM calls (`GetRole`, `ListPoliciesForRole`). " +
			"The role must be in the block's own account; to name a role of another account, use " +
			"`provider::aliram::role_arn` instead.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the role (" + policy.RoleNameRule + ").",
				Validators:          []validator.String{policy.RoleNameValidator()},
			},
			"arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ARN of the role, `acs:ram::<account id>:role/<name>`: what the owner sends the operator.",
			},
			"role_id": schema.StringAttribute{Computed: true, MarkdownDescription: "ID RAM assigned to the role."},
			"assume_role_policy": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The trust policy (JSON) in canonical form (sorted keys, single values as " +
					"lists): who may assume the role, and on which conditions.",
			},
			"max_session_duration": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Longest STS session, in seconds, that `AssumeRole` may grant for this role.",
			},
			"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description of the role; empty when it has none."},
			"create_date": schema.StringAttribute{Computed: true, MarkdownDescription: "Creation time of the role, as RAM reports it."},
			"update_date": schema.StringAttribute{Computed: true, MarkdownDescription: "Time of the role's last change, as RAM reports it."},
			"attached_policies": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The policies attached to the role, sorted by type, then name.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"policy_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`System` or `Custom`."},
						"policy_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the policy."},
					},
				},
			},
		},
	}
}

func (d *roleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m roleDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	role, err := d.client.GetRole(ctx, name)
	if err != nil {
		if ramclient.IsRoleNotFound(err) {
			account := "of this provider block"
			if id, idErr := d.client.AccountID(ctx); idErr == nil {
				account = id
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), "RAM role not found",
				fmt.Sprintf("There is no RAM role %q in account %s. aliram_role reads roles of its provider block's own account; "+
					"for a role of another account, use provider::aliram::role_arn(account_id, role_name).", name, account))
			return
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Reading RAM role %q", name), err, "")
		return
	}
	attached, err := d.client.ListPoliciesForRole(ctx, role.Name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Listing the policies attached to RAM role %q", name), err, "")
		return
	}
	sort.Slice(attached, func(i, j int) bool {
		if attached[i].Type != attached[j].Type {
			return attached[i].Type < attached[j].Type
		}
		return attached[i].Name < attached[j].Name
	})

	trust := role.TrustPolicy
	if canonical, err := policy.Normalize(trust); err == nil {
		trust = canonical
	}
	m = roleDataSourceModel{
		Name:               m.Name, // as configured: RAM finds names case-insensitively
		ARN:                types.StringValue(role.ARN),
		RoleID:             types.StringValue(role.ID),
		AssumeRolePolicy:   types.StringValue(trust),
		MaxSessionDuration: types.Int64Value(role.MaxSessionDuration),
		Description:        types.StringValue(role.Description),
		CreateDate:         types.StringValue(role.CreateDate),
		UpdateDate:         types.StringValue(role.UpdateDate),
		AttachedPolicies:   make([]attachedPolicyModel, 0, len(attached)),
	}
	for _, p := range attached {
		m.AttachedPolicies = append(m.AttachedPolicies, attachedPolicyModel{
			PolicyType: types.StringValue(p.Type), PolicyName: types.StringValue(p.Name),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
