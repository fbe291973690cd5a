package ramemu

import "sort"

// Wire shapes; field names are case-sensitive for the SDK's decoder.

type tagJSON struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

type tagsJSON struct {
	Tag []tagJSON `json:"Tag"`
}

func tagsOf(m map[string]string) *tagsJSON {
	t := &tagsJSON{Tag: []tagJSON{}}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Tag = append(t.Tag, tagJSON{k, m[k]})
	}
	return t
}

type roleJSON struct {
	RoleId                   string    `json:"RoleId"`
	RoleName                 string    `json:"RoleName"`
	Arn                      string    `json:"Arn"`
	Description              string    `json:"Description"`
	AssumeRolePolicyDocument string    `json:"AssumeRolePolicyDocument,omitempty"`
	MaxSessionDuration       int64     `json:"MaxSessionDuration"`
	CreateDate               string    `json:"CreateDate"`
	UpdateDate               string    `json:"UpdateDate,omitempty"`
	AttachDate               string    `json:"AttachDate,omitempty"`
	Tags                     *tagsJSON `json:"Tags,omitempty"`
}

type policyJSON struct {
	PolicyName      string    `json:"PolicyName"`
	PolicyType      string    `json:"PolicyType"`
	Description     string    `json:"Description"`
	DefaultVersion  string    `json:"DefaultVersion"`
	CreateDate      string    `json:"CreateDate,omitempty"`
	UpdateDate      string    `json:"UpdateDate,omitempty"`
	AttachmentCount *int      `json:"AttachmentCount,omitempty"`
	AttachDate      string    `json:"AttachDate,omitempty"`
	Tags            *tagsJSON `json:"Tags,omitempty"`
}

type policyVersionJSON struct {
	VersionId        string `json:"VersionId"`
	IsDefaultVersion bool   `json:"IsDefaultVersion"`
	PolicyDocument   string `json:"PolicyDocument"`
	CreateDate       string `json:"CreateDate"`
}

type userJSON struct {
	UserId        string `json:"UserId"`
	UserName      string `json:"UserName"`
	DisplayName   string `json:"DisplayName"`
	MobilePhone   string `json:"MobilePhone,omitempty"`
	Email         string `json:"Email,omitempty"`
	Comments      string `json:"Comments,omitempty"`
	CreateDate    string `json:"CreateDate,omitempty"`
	UpdateDate    string `json:"UpdateDate,omitempty"`
	LastLoginDate string `json:"LastLoginDate,omitempty"`
	AttachDate    string `json:"AttachDate,omitempty"`
}

type loginProfileJSON struct {
	UserName              string `json:"UserName"`
	PasswordResetRequired bool   `json:"PasswordResetRequired"`
	MFABindRequired       bool   `json:"MFABindRequired"`
	CreateDate            string `json:"CreateDate"`
}

type accessKeyJSON struct {
	AccessKeyId     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret,omitempty"`
	Status          string `json:"Status"`
	CreateDate      string `json:"CreateDate"`
}

func (a *account) roleArn(r *role) string { return "acs:ram::" + a.ID + ":role/" + r.Name }

func (a *account) roleOut(r *role, withDoc, withUpdate bool) roleJSON {
	out := roleJSON{
		RoleId: r.ID, RoleName: r.Name, Arn: a.roleArn(r), Description: r.Description,
		MaxSessionDuration: r.MaxSession, CreateDate: fmtDate(r.Created),
	}
	if withDoc {
		out.AssumeRolePolicyDocument = r.TrustDoc
	}
	if withUpdate {
		out.UpdateDate = fmtDate(r.Updated)
	}
	return out
}

func versionOut(p *policy, v *policyVersion) policyVersionJSON {
	return policyVersionJSON{VersionId: v.ID, IsDefaultVersion: v.ID == p.DefaultVersion, PolicyDocument: v.Doc, CreateDate: fmtDate(v.Created)}
}

func userOut(u *user) userJSON {
	return userJSON{
		UserId: u.ID, UserName: u.Name, DisplayName: u.DisplayName, MobilePhone: u.MobilePhone,
		Email: u.Email, Comments: u.Comments, CreateDate: fmtDate(u.Created), UpdateDate: fmtDate(u.Updated),
	}
}
