package ramemu

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// StateDump is what GET /_emulator/state returns: every account's entities, without passwords or secrets.
type StateDump struct {
	Accounts []AccountDump `json:"accounts"`
}

type AccountDump struct {
	ID          string           `json:"id"`
	Alias       string           `json:"alias"`
	Roles       []RoleDump       `json:"roles"`
	Policies    []PolicyDump     `json:"policies"`
	Attachments []AttachmentDump `json:"attachments"`
	Users       []UserDump       `json:"users"`
	MFADevices  []MFADeviceDump  `json:"mfa_devices"`
	Groups      []GroupDump      `json:"groups"`
}

// GroupDump is a group with its members (user names, in join order) and attached policies (in attach order).
type GroupDump struct {
	Name     string          `json:"name"`
	ID       string          `json:"id"`
	Comments string          `json:"comments"`
	Members  []string        `json:"members"`
	Policies []PolicyRefDump `json:"policies"`
}

type PolicyRefDump struct {
	PolicyType string `json:"policy_type"`
	PolicyName string `json:"policy_name"`
}

// MFADeviceDump is a virtual MFA device; its seed is never dumped.
type MFADeviceDump struct {
	SerialNumber string `json:"serial_number"`
	UserName     string `json:"user_name"` // the bound user, "" while unbound
	ActivateDate string `json:"activate_date,omitempty"`
}

type RoleDump struct {
	Name                     string            `json:"name"`
	ID                       string            `json:"id"`
	ARN                      string            `json:"arn"`
	Description              string            `json:"description"`
	MaxSessionDuration       int64             `json:"max_session_duration"`
	AssumeRolePolicyDocument string            `json:"assume_role_policy_document"`
	Tags                     map[string]string `json:"tags"`
}

type PolicyDump struct {
	Name           string              `json:"name"`
	Description    string              `json:"description"`
	DefaultVersion string              `json:"default_version"`
	Versions       []PolicyVersionDump `json:"versions"`
	Tags           map[string]string   `json:"tags"`
}

type PolicyVersionDump struct {
	ID        string `json:"id"`
	IsDefault bool   `json:"is_default"`
	Document  string `json:"document"`
}

type AttachmentDump struct {
	PrincipalType string `json:"principal_type"` // "Role" | "User" | "Group"
	PrincipalName string `json:"principal_name"`
	PolicyType    string `json:"policy_type"`
	PolicyName    string `json:"policy_name"`
}

type UserDump struct {
	Name         string            `json:"name"`
	ID           string            `json:"id"`
	DisplayName  string            `json:"display_name"`
	Email        string            `json:"email"`
	MobilePhone  string            `json:"mobile_phone"`
	Comments     string            `json:"comments"`
	LoginProfile *LoginProfileDump `json:"login_profile"`
	AccessKeys   []AccessKeyDump   `json:"access_keys"`
	MFADevice    string            `json:"mfa_device"` // serial number of the bound device, "" if none
}

type LoginProfileDump struct {
	PasswordResetRequired bool   `json:"password_reset_required"`
	MFABindRequired       bool   `json:"mfa_bind_required"`
	CreateDate            string `json:"create_date"`
}

type AccessKeyDump struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// State returns the current state (true state: the consistency delay does not apply here).
func (s *Server) State() StateDump {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := StateDump{Accounts: []AccountDump{}}
	for _, a := range s.acctList {
		ad := AccountDump{ID: a.ID, Alias: a.Alias, Roles: []RoleDump{}, Policies: []PolicyDump{}, Attachments: []AttachmentDump{}, Users: []UserDump{},
			MFADevices: []MFADeviceDump{}, Groups: []GroupDump{}}
		roles := make([]*role, 0, len(a.roles))
		for _, r := range a.roles {
			roles = append(roles, r)
		}
		sort.Slice(roles, func(i, j int) bool { return roles[i].seq < roles[j].seq })
		for _, r := range roles {
			ad.Roles = append(ad.Roles, RoleDump{Name: r.Name, ID: r.ID, ARN: a.roleArn(r), Description: r.Description,
				MaxSessionDuration: r.MaxSession, AssumeRolePolicyDocument: r.TrustDoc, Tags: copyTags(r.Tags)})
		}
		pols := make([]*policy, 0, len(a.policies))
		for _, p := range a.policies {
			pols = append(pols, p)
		}
		sort.Slice(pols, func(i, j int) bool { return pols[i].seq < pols[j].seq })
		for _, p := range pols {
			pd := PolicyDump{Name: p.Name, Description: p.Description, DefaultVersion: p.DefaultVersion, Versions: []PolicyVersionDump{}, Tags: copyTags(p.Tags)}
			for _, v := range p.sortedVersions() {
				pd.Versions = append(pd.Versions, PolicyVersionDump{ID: v.ID, IsDefault: v.ID == p.DefaultVersion, Document: v.Doc})
			}
			ad.Policies = append(ad.Policies, pd)
		}
		var atts []*attachment
		for _, m := range a.polAttach {
			for _, at := range m {
				atts = append(atts, at)
			}
		}
		sort.Slice(atts, func(i, j int) bool { return atts[i].seq < atts[j].seq })
		for _, at := range atts {
			var name string
			switch {
			case at.role != nil:
				name = at.role.Name
			case at.user != nil:
				name = at.user.Name
			default:
				name = at.group.Name
			}
			pname := s.policyDisplayName(a, at)
			ad.Attachments = append(ad.Attachments, AttachmentDump{PrincipalType: at.PrincipalType, PrincipalName: name, PolicyType: at.PolicyType, PolicyName: pname})
		}
		users := make([]*user, 0, len(a.users))
		for _, u := range a.users {
			users = append(users, u)
		}
		sort.Slice(users, func(i, j int) bool { return users[i].seq < users[j].seq })
		for _, u := range users {
			ud := UserDump{Name: u.Name, ID: u.ID, DisplayName: u.DisplayName, Email: u.Email, MobilePhone: u.MobilePhone,
				Comments: u.Comments, AccessKeys: []AccessKeyDump{}}
			if u.login != nil {
				ud.LoginProfile = &LoginProfileDump{PasswordResetRequired: u.login.PasswordResetRequired,
					MFABindRequired: u.login.MFABindRequired, CreateDate: fmtDate(u.login.Created)}
			}
			for _, k := range u.keys {
				ud.AccessKeys = append(ud.AccessKeys, AccessKeyDump{ID: k.ID, Status: k.Status})
			}
			if u.mfa != nil {
				ud.MFADevice = a.mfaSerial(u.mfa)
			}
			ad.Users = append(ad.Users, ud)
		}
		ad.MFADevices = mfaDump(a)
		groups := make([]*group, 0, len(a.groups))
		for _, g := range a.groups {
			groups = append(groups, g)
		}
		sort.Slice(groups, func(i, j int) bool { return groups[i].seq < groups[j].seq })
		for _, g := range groups {
			gd := GroupDump{Name: g.Name, ID: g.ID, Comments: g.Comments, Members: []string{}, Policies: []PolicyRefDump{}}
			for _, m := range sortedMemberships(g.members) {
				gd.Members = append(gd.Members, m.user.Name)
			}
			gatts := make([]*attachment, 0, len(g.policies))
			for _, at := range g.policies {
				gatts = append(gatts, at)
			}
			sort.Slice(gatts, func(i, j int) bool { return gatts[i].seq < gatts[j].seq })
			for _, at := range gatts {
				gd.Policies = append(gd.Policies, PolicyRefDump{PolicyType: at.PolicyType, PolicyName: s.policyDisplayName(a, at)})
			}
			ad.Groups = append(ad.Groups, gd)
		}
		d.Accounts = append(d.Accounts, ad)
	}
	return d
}

// policyDisplayName is the attached policy's name in its original case (the attachment keeps it lower-cased).
func (s *Server) policyDisplayName(a *account, at *attachment) string {
	if p := s.lookupPolicy(a, at.PolicyType, at.policyLower); p != nil {
		return p.Name
	}
	return at.policyLower
}

// serveAdmin answers the /_emulator/ endpoints; they are never faulted, throttled or counted.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	write := func(status int, v any) {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(append(b, '\n'))
	}
	// methodIs answers 405 ("use <want>") unless the request's method is want or one of also.
	methodIs := func(want string, also ...string) bool {
		if r.Method == want || slices.Contains(also, r.Method) {
			return true
		}
		write(http.StatusMethodNotAllowed, map[string]string{"error": "use " + want})
		return false
	}
	switch r.URL.Path {
	case "/_emulator/health":
		if !methodIs(http.MethodGet, http.MethodHead) {
			return
		}
		write(http.StatusOK, map[string]any{"status": "ok", "accounts": len(s.acctList)})
	case "/_emulator/stats":
		if !methodIs(http.MethodGet) {
			return
		}
		write(http.StatusOK, s.Stats())
	case "/_emulator/stats/reset":
		if !methodIs(http.MethodPost) {
			return
		}
		s.ResetStats()
		write(http.StatusOK, map[string]string{"status": "ok"})
	case "/_emulator/faults":
		// GET shows, POST {"drop_response_rate":P} changes the faults that may change at run time.
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var req struct {
				DropResponseRate *float64 `json:"drop_response_rate"`
			}
			dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				write(http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
				return
			}
			if req.DropResponseRate != nil {
				if err := s.SetDropResponseRate(*req.DropResponseRate); err != nil {
					write(http.StatusBadRequest, map[string]string{"error": err.Error()})
					return
				}
			}
		default:
			write(http.StatusMethodNotAllowed, map[string]string{"error": "use GET or POST"})
			return
		}
		write(http.StatusOK, map[string]float64{"drop_response_rate": s.faults.dropRateNow()})
	case "/_emulator/state":
		if !methodIs(http.MethodGet) {
			return
		}
		write(http.StatusOK, s.State())
	case "/_emulator/ecs/instances":
		s.serveECSInstances(w, r, write)
	default:
		if id, ok := strings.CutPrefix(r.URL.Path, "/_emulator/ecs/instances/"); ok {
			if !methodIs(http.MethodDelete) {
				return
			}
			if err := s.RemoveECSInstance(id); err != nil {
				write(http.StatusNotFound, map[string]string{"error": err.Error()})
				return
			}
			write(http.StatusOK, map[string]string{"status": "ok"})
			return
		}
		write(http.StatusNotFound, map[string]string{"error": "unknown admin endpoint"})
	}
}
