package resources

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/aliram/terraform-provider-aliram/internal/policy"
)

// roleAttributes are the attributes every role resource has (aliram_cross_account_role in A,
// aliram_delegated_role in B), with the texts that differ given: what the name is for, what the ARN is for,
// and a note on the session duration. extra holds the resource's own attributes.
func roleAttributes(nameUse, arnUse, sessionNote string, extra map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id": stableComputedString("The role name (the import ID)."),
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Name of the role: 1–64 characters, letters, digits, `.`, `_`, `@` and `-`" + nameUse +
				". Changing it replaces the role (every session of the old role ends).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:    []validator.String{policy.RoleNameValidator()},
		},
		// Optional without Computed: removing the argument plans an update that clears the description.
		"description": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Description of the role, 1–1024 characters. Removing this argument clears the description in RAM.",
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 1024)},
		},
		"max_session_duration": schema.Int64Attribute{
			Optional:            true,
			Computed:            true,
			Default:             int64default.StaticInt64(3600),
			MarkdownDescription: "Longest STS session, in seconds, that `AssumeRole` may grant: 3600–43200. Defaults to 3600." + sessionNote,
			Validators:          []validator.Int64{int64validator.Between(3600, 43200)},
		},
		"tags":        tagsAttribute("role"),
		"arn":         stableComputedString("ARN of the role (`acs:ram::<account id>:role/<name>`), " + arnUse),
		"role_id":     stableComputedString("ID RAM assigned to the role."),
		"create_date": stableComputedString("Creation time of the role (UTC, RFC 3339)."),
	}
	for k, v := range extra {
		attrs[k] = v
	}
	return attrs
}
