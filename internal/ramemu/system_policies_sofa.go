package ramemu

// SOFAStack system policies, for the AKS scenario (seed 002): SOFAStack has no resource-level policies, so a
// delegation attaches one of these two (document text approximated like the other extra services).
func init() {
	systemPolicyDefs = append(systemPolicyDefs,
		struct{ name, desc, version, doc string }{"AliyunSOFAFullAccess", "Provides full access to SOFAStack.", "v1",
			`{"Statement":[{"Action":"sofa:*","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
		struct{ name, desc, version, doc string }{"AliyunSOFAReadOnlyAccess", "Provides read-only access to SOFAStack.", "v1",
			`{"Statement":[{"Action":["sofa:Describe*","sofa:List*","sofa:Get*","sofa:Query*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	)
}
