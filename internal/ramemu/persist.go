package ramemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The state file holds everything needed to resume, secrets included (it is the emulator's database, not
// the admin dump). Every acknowledged mutation is written with write-temp + fsync + rename.
//
// Virtual MFA seeds are among those secrets: a device created before a restart must still accept its codes
// at BindMFADevice, and a bound device is only meaningful with its seed. The file is written 0600; the seed
// appears nowhere else (not in /_emulator/state, the call log or any response but CreateVirtualMFADevice's).

type snapFile struct {
	FormatVersion int           `json:"format_version"`
	Accounts      []snapAccount `json:"accounts"`
	Sessions      []*session    `json:"sessions"`
}

type snapAccount struct {
	ID          string           `json:"id"`
	Alias       string           `json:"alias"`
	Seq         uint64           `json:"seq"`
	Roles       []snapRole       `json:"roles"`
	Policies    []snapPolicy     `json:"policies"`
	Users       []snapUser       `json:"users"`
	Attachments []snapAttachment `json:"attachments"`

	MFADevices         []snapMFADevice     `json:"mfa_devices,omitempty"`
	PasswordPolicy     *passwordPolicy     `json:"password_policy,omitempty"` // absent in older files: defaults
	SecurityPreference *securityPreference `json:"security_preference,omitempty"`
	Groups             []snapGroup         `json:"groups"`
	Memberships        []snapMembership    `json:"memberships"`
}

type snapMFADevice struct {
	Name, Seed         string
	Created, Activated time.Time
	UserID             string // bound user, "" while unbound
	Seq                uint64
}

type snapRole struct {
	Name, ID, Description, TrustDoc string
	MaxSession                      int64
	Created, Updated, VisibleAt     time.Time
	Tags                            map[string]string
	Seq                             uint64
	// The trust document still propagating: see setTrust. PrevTrustDoc "" is "none".
	TrustInEffectAt time.Time
	PrevTrustDoc    string
}

type snapVersion struct {
	ID      string
	Num     int
	Doc     string
	Created time.Time
}

type snapPolicy struct {
	Name, Description, DefaultVersion string
	Created, Updated, VisibleAt       time.Time
	NextVer                           int
	Versions                          []snapVersion
	Tags                              map[string]string
	Seq                               uint64
}

type snapUser struct {
	Name, ID, DisplayName, MobilePhone, Email, Comments string
	Created, Updated, VisibleAt                         time.Time
	Login                                               *loginProfile
	Keys                                                []*accessKey
	Seq                                                 uint64
}

type snapGroup struct {
	Name, ID, Comments          string
	Created, Updated, VisibleAt time.Time
	Seq                         uint64
}

type snapMembership struct {
	UserID, GroupID     string
	JoinDate, VisibleAt time.Time
	Seq                 uint64
}

type snapAttachment struct {
	PrincipalType, PrincipalID, PolicyType, PolicyName string
	AttachDate, VisibleAt                              time.Time
	Seq                                                uint64
}

type persister struct {
	path    string
	mu      sync.Mutex
	gen     uint64 // generation of the last snapshot taken (under Server.mu)
	written uint64 // generation of the last snapshot on disk
}

// snapshotLocked serializes the whole state. Caller holds s.mu for writing.
func (s *Server) snapshotLocked() ([]byte, uint64) {
	f := snapFile{FormatVersion: 1}
	for _, a := range s.acctList {
		sa := snapAccount{ID: a.ID, Alias: a.Alias, Seq: a.seq}
		for _, r := range a.roles {
			sa.Roles = append(sa.Roles, snapRole{Name: r.Name, ID: r.ID, Description: r.Description, TrustDoc: r.TrustDoc,
				MaxSession: r.MaxSession, Created: r.Created, Updated: r.Updated, VisibleAt: r.visibleAt, Tags: r.Tags, Seq: r.seq,
				TrustInEffectAt: r.trustInEffectAt, PrevTrustDoc: r.prevTrustDoc})
		}
		for _, p := range a.policies {
			sp := snapPolicy{Name: p.Name, Description: p.Description, DefaultVersion: p.DefaultVersion, Created: p.Created,
				Updated: p.Updated, VisibleAt: p.visibleAt, NextVer: p.nextVer, Tags: p.Tags, Seq: p.seq}
			for _, v := range p.sortedVersions() {
				sp.Versions = append(sp.Versions, snapVersion{ID: v.ID, Num: v.num, Doc: v.Doc, Created: v.Created})
			}
			sa.Policies = append(sa.Policies, sp)
		}
		for _, u := range a.users {
			sa.Users = append(sa.Users, snapUser{Name: u.Name, ID: u.ID, DisplayName: u.DisplayName, MobilePhone: u.MobilePhone,
				Email: u.Email, Comments: u.Comments, Created: u.Created, Updated: u.Updated, VisibleAt: u.visibleAt,
				Login: u.login, Keys: u.keys, Seq: u.seq})
		}
		for _, m := range a.polAttach {
			for _, at := range m {
				sa.Attachments = append(sa.Attachments, snapAttachment{PrincipalType: at.PrincipalType, PrincipalID: at.PrincipalID,
					PolicyType: at.PolicyType, PolicyName: at.policyLower, AttachDate: at.AttachDate, VisibleAt: at.visibleAt, Seq: at.seq})
			}
		}
		for _, d := range a.mfaDevices {
			sd := snapMFADevice{Name: d.Name, Seed: d.Seed, Created: d.Created, Activated: d.Activated, Seq: d.seq}
			if d.user != nil {
				sd.UserID = d.user.ID
			}
			sa.MFADevices = append(sa.MFADevices, sd)
		}
		pp, sp := a.passwordPolicy, a.securityPref
		sa.PasswordPolicy, sa.SecurityPreference = &pp, &sp
		sort.Slice(sa.MFADevices, func(i, j int) bool { return sa.MFADevices[i].Seq < sa.MFADevices[j].Seq })
		for _, g := range a.groups {
			sa.Groups = append(sa.Groups, snapGroup{Name: g.Name, ID: g.ID, Comments: g.Comments, Created: g.Created,
				Updated: g.Updated, VisibleAt: g.visibleAt, Seq: g.seq})
			for _, m := range g.members {
				sa.Memberships = append(sa.Memberships, snapMembership{UserID: m.user.ID, GroupID: g.ID, JoinDate: m.JoinDate,
					VisibleAt: m.visibleAt, Seq: m.seq})
			}
		}
		sort.Slice(sa.Groups, func(i, j int) bool { return sa.Groups[i].Seq < sa.Groups[j].Seq })
		sort.Slice(sa.Memberships, func(i, j int) bool { return sa.Memberships[i].Seq < sa.Memberships[j].Seq })
		sort.Slice(sa.Roles, func(i, j int) bool { return sa.Roles[i].Seq < sa.Roles[j].Seq })
		sort.Slice(sa.Policies, func(i, j int) bool { return sa.Policies[i].Seq < sa.Policies[j].Seq })
		sort.Slice(sa.Users, func(i, j int) bool { return sa.Users[i].Seq < sa.Users[j].Seq })
		sort.Slice(sa.Attachments, func(i, j int) bool { return sa.Attachments[i].Seq < sa.Attachments[j].Seq })
		f.Accounts = append(f.Accounts, sa)
	}
	now := s.now()
	for _, sess := range s.sessions {
		if now.Before(sess.Expiration) {
			f.Sessions = append(f.Sessions, sess)
		}
	}
	sort.Slice(f.Sessions, func(i, j int) bool { return f.Sessions[i].AccessKeyID < f.Sessions[j].AccessKeyID })
	b, err := json.Marshal(f)
	if err != nil {
		panic("ramemu: state snapshot: " + err.Error())
	}
	s.persist.gen++
	return b, s.persist.gen
}

// write stores a snapshot unless a newer one is already on disk.
func (p *persister) write(b []byte, gen uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen <= p.written {
		return nil
	}
	if err := writeFileAtomic(p.path, b); err != nil {
		return err
	}
	p.written = gen
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o600)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
		return err
	}
	// fsync the directory so the rename itself survives a crash.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// load restores state from the state file, if it exists. Accounts not in Options are ignored.
func (s *Server) load() error {
	b, err := os.ReadFile(s.persist.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ramemu: read state: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	var f snapFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("ramemu: parse state %s: %w", s.persist.path, err)
	}
	for _, sa := range f.Accounts {
		a := s.accounts[sa.ID]
		if a == nil {
			continue
		}
		if err := s.restoreAccount(a, sa); err != nil {
			return fmt.Errorf("ramemu: state of account %s: %w", sa.ID, err)
		}
	}
	for _, sess := range f.Sessions {
		if s.accounts[sess.AccountID] == nil {
			continue
		}
		if sess.PolicyDoc != "" {
			d, err := parsePolicy(sess.PolicyDoc, permissionDoc)
			if err != nil {
				continue
			}
			sess.policy = d
		}
		s.sessions[sess.AccessKeyID] = sess
	}
	return nil
}

func (s *Server) restoreAccount(a *account, sa snapAccount) error {
	if sa.Alias != "" {
		a.Alias = sa.Alias
	}
	a.seq = sa.Seq
	rolesByID := map[string]*role{}
	for _, sr := range sa.Roles {
		d, err := parsePolicy(sr.TrustDoc, trustDoc)
		if err != nil {
			return fmt.Errorf("role %s: %v", sr.Name, err)
		}
		r := &role{Name: sr.Name, ID: sr.ID, Description: sr.Description, TrustDoc: sr.TrustDoc, trust: d, MaxSession: sr.MaxSession,
			Created: sr.Created, Updated: sr.Updated, visibleAt: sr.VisibleAt, Tags: sr.Tags, policies: map[string]*attachment{}}
		r.seq = sr.Seq
		r.trustInEffectAt = sr.TrustInEffectAt
		if sr.PrevTrustDoc != "" {
			if r.prevTrust, err = parsePolicy(sr.PrevTrustDoc, trustDoc); err != nil {
				return fmt.Errorf("role %s: previous trust: %v", sr.Name, err)
			}
			r.prevTrustDoc = sr.PrevTrustDoc
		}
		if r.Tags == nil {
			r.Tags = map[string]string{}
		}
		a.roles[strings.ToLower(r.Name)] = r
		a.usedIDs[r.ID] = true
		rolesByID[r.ID] = r
	}
	for _, sp := range sa.Policies {
		p := &policy{Name: sp.Name, Type: "Custom", Description: sp.Description, DefaultVersion: sp.DefaultVersion,
			Created: sp.Created, Updated: sp.Updated, visibleAt: sp.VisibleAt, nextVer: sp.NextVer, Tags: sp.Tags, seq: sp.Seq,
			versions: map[string]*policyVersion{}}
		if p.Tags == nil {
			p.Tags = map[string]string{}
		}
		for _, sv := range sp.Versions {
			d, err := parsePolicy(sv.Doc, permissionDoc)
			if err != nil {
				return fmt.Errorf("policy %s %s: %v", sp.Name, sv.ID, err)
			}
			p.versions[sv.ID] = &policyVersion{ID: sv.ID, num: sv.Num, Doc: sv.Doc, parsed: d, Created: sv.Created}
		}
		a.policies[strings.ToLower(p.Name)] = p
	}
	usersByID := map[string]*user{}
	for _, su := range sa.Users {
		u := &user{Name: su.Name, ID: su.ID, DisplayName: su.DisplayName, MobilePhone: su.MobilePhone, Email: su.Email,
			Comments: su.Comments, Created: su.Created, Updated: su.Updated, visibleAt: su.VisibleAt, login: su.Login,
			keys: su.Keys, seq: su.Seq, policies: map[string]*attachment{}, groups: map[string]*membership{}}
		a.users[strings.ToLower(u.Name)] = u
		a.usedIDs[u.ID] = true
		usersByID[u.ID] = u
		for _, k := range u.keys {
			s.keys[k.ID] = &keyRef{acct: a, user: u, key: k, secret: k.Secret}
		}
	}
	for _, sd := range sa.MFADevices {
		d := &mfaDevice{Name: sd.Name, Seed: sd.Seed, Created: sd.Created, seq: sd.Seq}
		if u := usersByID[sd.UserID]; u != nil {
			d.user, d.Activated, u.mfa = u, sd.Activated, d
		}
		a.mfaDevices[strings.ToLower(d.Name)] = d
	}
	if sa.PasswordPolicy != nil {
		a.passwordPolicy = *sa.PasswordPolicy
	}
	if sa.SecurityPreference != nil {
		a.securityPref = *sa.SecurityPreference
	}
	groupsByID := map[string]*group{}
	for _, sg := range sa.Groups {
		g := &group{Name: sg.Name, ID: sg.ID, Comments: sg.Comments, Created: sg.Created, Updated: sg.Updated,
			visibleAt: sg.VisibleAt, seq: sg.Seq, policies: map[string]*attachment{}, members: map[string]*membership{}}
		a.groups[strings.ToLower(g.Name)] = g
		a.usedIDs[g.ID] = true
		groupsByID[g.ID] = g
	}
	for _, sm := range sa.Memberships {
		u, g := usersByID[sm.UserID], groupsByID[sm.GroupID]
		if u == nil || g == nil {
			continue
		}
		a.addMembership(&membership{user: u, group: g, JoinDate: sm.JoinDate, visibleAt: sm.VisibleAt, seq: sm.Seq})
	}
	for _, st := range sa.Attachments {
		at := &attachment{PrincipalType: st.PrincipalType, PrincipalID: st.PrincipalID, PolicyType: st.PolicyType,
			policyLower: st.PolicyName, AttachDate: st.AttachDate, visibleAt: st.VisibleAt, seq: st.Seq}
		if s.lookupPolicy(a, at.PolicyType, at.policyLower) == nil {
			continue
		}
		switch st.PrincipalType {
		case "Role":
			at.role = rolesByID[st.PrincipalID]
		case "Group":
			at.group = groupsByID[st.PrincipalID]
		default:
			at.user = usersByID[st.PrincipalID]
		}
		if at.role == nil && at.user == nil && at.group == nil {
			continue
		}
		a.addAttachment(policyKey(at.PolicyType, at.policyLower), at)
	}
	return nil
}
