package ramemu

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const dateLayout = "2006-01-02T15:04:05Z"

func fmtDate(t time.Time) string { return t.UTC().Format(dateLayout) }

var accountIDRe = regexp.MustCompile(`^[0-9]{16}$`)

// Limits of ram-api.md §5.
const (
	maxRoles           = 1000
	maxUsers           = 5000
	maxCustomPolicies  = 1500
	maxPolicyVersions  = 5
	maxAccessKeys      = 2
	maxCustomAttached  = 10
	maxSystemAttached  = 20
	maxPolicyDocLen    = 6144
	maxTrustDocLen     = 2048
	maxSessionPolicy   = 2048
	maxTagsPerResource = 20
	maxGroups          = 300 // groups per account (§5 "current"; older documents say 50)
	maxGroupsPerUser   = 10  // groups a user can join (§5 "current"; older documents say 5)
)

type account struct {
	ID, Alias string
	rootKeyID string
	seq       uint64
	roles     map[string]*role                  // lower-cased name
	policies  map[string]*policy                // custom, lower-cased name
	users     map[string]*user                  // lower-cased name
	groups    map[string]*group                 // lower-cased name
	polAttach map[string]map[string]*attachment // policyKey -> "Role:<id>"|"User:<id>"|"Group:<id>" -> attachment
	usedIDs   map[string]bool
	// detached remembers recent detaches ("Role:<id>" -> policyKey -> until) and removals from groups
	// ("Member:<userID>" -> groupID -> until) so that, with a consistency delay, a delete right after a
	// detach still sees the attachment (DeleteConflict), as real RAM may.
	detached map[string]map[string]time.Time

	mfaDevices     map[string]*mfaDevice // virtual MFA devices, lower-cased name
	passwordPolicy passwordPolicy
	securityPref   securityPreference
}

func newAccount(a Account) *account {
	return &account{
		ID: a.ID, Alias: a.Alias, rootKeyID: a.AccessKeyID,
		roles: map[string]*role{}, policies: map[string]*policy{}, users: map[string]*user{}, groups: map[string]*group{},
		polAttach: map[string]map[string]*attachment{}, usedIDs: map[string]bool{},
		detached: map[string]map[string]time.Time{},

		mfaDevices: map[string]*mfaDevice{}, passwordPolicy: defaultPasswordPolicy(), securityPref: defaultSecurityPreference(),
	}
}

func (a *account) nextSeq() uint64 { a.seq++; return a.seq }

// newNumericID returns a unique 17-digit id like real RoleId/UserId values.
func (a *account) newNumericID() string {
	for {
		n, _ := rand.Int(rand.Reader, big.NewInt(9e16))
		id := strconv.FormatInt(n.Int64()+1e16, 10)
		if !a.usedIDs[id] {
			a.usedIDs[id] = true
			return id
		}
	}
}

type role struct {
	Name, ID, Description string
	TrustDoc              string
	trust                 *pdoc
	// With a consistency delay, a trust document written at t takes effect for AssumeRole at trustInEffectAt;
	// until then the one it replaced (prevTrust, nil for a new role) must allow the caller too.
	trustInEffectAt  time.Time
	prevTrust        *pdoc
	prevTrustDoc     string
	MaxSession       int64
	Created, Updated time.Time
	Tags             map[string]string
	policies         map[string]*attachment // policyKey -> attachment
	seq              uint64
	visibleAt        time.Time
}

type policyVersion struct {
	ID      string
	num     int
	Doc     string
	parsed  *pdoc
	Created time.Time
}

type policy struct {
	Name, Type, Description string
	DefaultVersion          string
	Created, Updated        time.Time
	versions                map[string]*policyVersion // "v3" -> version
	nextVer                 int
	Tags                    map[string]string
	seq                     uint64
	visibleAt               time.Time
}

func (p *policy) defaultDoc() *policyVersion { return p.versions[p.DefaultVersion] }

func (p *policy) sortedVersions() []*policyVersion {
	out := make([]*policyVersion, 0, len(p.versions))
	for _, v := range p.versions {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].num < out[j].num })
	return out
}

type loginProfile struct {
	PasswordHash          string
	History               []string // previous password hashes, newest first, for PasswordReusePrevention
	PasswordResetRequired bool
	MFABindRequired       bool
	Created               time.Time
}

type accessKey struct {
	ID, Secret, Status string
	Created            time.Time
	// InEffectAt is when a new (or re-activated) key starts to authenticate: the consistency delay after the
	// write, as a key used seconds after its creation on real RAM is InvalidAccessKeyId.NotFound.
	InEffectAt time.Time
}

type user struct {
	Name, ID, DisplayName, MobilePhone, Email, Comments string
	Created, Updated                                    time.Time
	login                                               *loginProfile
	keys                                                []*accessKey
	policies                                            map[string]*attachment
	mfa                                                 *mfaDevice             // bound virtual MFA device
	groups                                              map[string]*membership // group ID -> membership
	seq                                                 uint64
	visibleAt                                           time.Time
}

type attachment struct {
	PrincipalType string // "Role" | "User" | "Group"
	PrincipalID   string
	role          *role // exactly one of role/user/group is set
	user          *user
	group         *group
	PolicyType    string
	policyLower   string
	AttachDate    time.Time
	visibleAt     time.Time
	seq           uint64
}

func policyKey(ptype, name string) string { return ptype + ":" + strings.ToLower(name) }

// session is an STS credential issued by AssumeRole.
type session struct {
	AccessKeyID, Secret, Token string
	AccountID                  string // the role's account
	RoleID, RoleName           string
	SessionName                string
	PolicyDoc                  string
	policy                     *pdoc
	Expiration                 time.Time
	SourceAccountID            string
	SourceArn                  string
	SourcePrincipalID          string // the user ID, account ID or (role chaining) role ID that assumed the role
}

// visible reports whether an entity created at visibleAt can be seen by Get/List reads (replication lag).
func visible(visibleAt, now time.Time) bool { return !now.Before(visibleAt) }

func (s *Server) visibleAt(now time.Time) time.Time { return now.Add(s.opts.ConsistencyDelay) }

// lookupPolicy finds a policy by type ("System"|"Custom") and name, case-insensitively.
func (s *Server) lookupPolicy(a *account, ptype, name string) *policy {
	if ptype == "System" {
		return s.system[strings.ToLower(name)]
	}
	return a.policies[strings.ToLower(name)]
}

func (s *Server) attachmentCount(a *account, p *policy, now time.Time) int {
	n := 0
	for _, at := range a.polAttach[policyKey(p.Type, p.Name)] {
		if visible(at.visibleAt, now) {
			n++
		}
	}
	return n
}

// --- parameters: each records its failure (400) on the request and is a no-op after an earlier one ---

// param returns a parameter as sent; an empty value counts as absent. It checks nothing.
func (rq *request) param(name string) (string, bool) {
	v, ok := rq.params[name]
	return v, ok && v != ""
}

// mandatory returns a parameter that must be present (Missing<name>).
func (rq *request) mandatory(name string) string {
	if rq.err != nil {
		return ""
	}
	v, ok := rq.param(name)
	if !ok {
		rq.check(errMissing(name))
	}
	return v
}

// flag returns an optional "true"/"false" parameter, def when absent.
func (rq *request) flag(name string, def bool) bool {
	v, ok := rq.param(name)
	if !ok || rq.err != nil {
		return def
	}
	switch strings.ToLower(v) {
	case "true":
		return true
	case "false":
		return false
	}
	rq.check(errInvalid(name))
	return def
}

// text returns an optional free-text parameter of at most maxLen characters, and whether it was given.
func (rq *request) text(p string, maxLen int) (string, bool) {
	v, ok := rq.param(p)
	if !ok || rq.err != nil {
		return "", false
	}
	return v, rq.check(maxLenErr(p, v, maxLen))
}

// clearable is text for an optional field of an Update action: present but empty clears the field, absent
// keeps it (ram-api.md §9 "Explicit empty update fields"), where text takes empty for absent. It returns the
// value and whether the parameter was sent at all.
func (rq *request) clearable(p string, maxLen int) (string, bool) {
	v, ok := rq.params[p]
	if !ok || rq.err != nil {
		return "", false
	}
	return v, rq.check(maxLenErr(p, v, maxLen))
}

func maxLenErr(p, v string, maxLen int) *apiError {
	if runeLen(v) > maxLen {
		return errLength(p)
	}
	return nil
}

var (
	roleNameRe   = regexp.MustCompile(`^[A-Za-z0-9._@-]+$`)
	userNameRe   = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	policyNameRe = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	emailRe      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	mobileRe     = regexp.MustCompile(`^[0-9]{1,4}-[0-9]{4,20}$`)
	aliasRe      = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-(?:[a-z0-9]))*$`)
	sessNameRe   = regexp.MustCompile(`^[A-Za-z0-9.@_-]+$`)
	externalIDRe = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	roleArnRe    = regexp.MustCompile(`^(?i:acs:ram::)([0-9]+):(?i:role)/(.+)$`)
	userArnRe    = regexp.MustCompile(`^(?i:acs:ram::)([0-9]+):(?i:user)/(.+)$`)
)

func runeLen(s string) int { return len([]rune(s)) }

func checkName(p, v string, maxLen int, re *regexp.Regexp) *apiError {
	if n := runeLen(v); n < 1 || n > maxLen {
		return errLength(p)
	}
	if !re.MatchString(v) {
		return errInvalidChars(p)
	}
	return nil
}

// name returns a mandatory name parameter of 1..maxLen characters matching re.
func (rq *request) name(p string, maxLen int, re *regexp.Regexp) string {
	v := rq.mandatory(p)
	if rq.err != nil {
		return ""
	}
	rq.check(checkName(p, v, maxLen, re))
	return v
}

func (rq *request) roleName() string   { return rq.name("RoleName", 64, roleNameRe) }
func (rq *request) userName() string   { return rq.name("UserName", 64, userNameRe) }
func (rq *request) policyName() string { return rq.name("PolicyName", 128, policyNameRe) }

// policyType returns PolicyType ("System" | "Custom"; "" when optional and absent).
func (rq *request) policyType(required bool) string {
	if rq.err != nil {
		return ""
	}
	v, ok := rq.param("PolicyType")
	switch {
	case !ok && required:
		rq.check(errMissing("PolicyType"))
	case ok && v != "System" && v != "Custom":
		rq.check(errInvalid("PolicyType"))
	}
	return v
}

// --- pagination: opaque Marker = base64 of the next item's order key ---

type pageReq struct {
	after uint64
	max   int
}

// page returns the MaxItems and Marker parameters of a Marker-paginated List action.
func (rq *request) page() pageReq {
	pr := pageReq{max: 100}
	if rq.err != nil {
		return pr
	}
	if v, ok := rq.param("MaxItems"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			rq.check(errRange("MaxItems"))
			return pr
		}
		pr.max = n
	}
	if v, ok := rq.param("Marker"); ok {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || !strings.HasPrefix(string(raw), "m:") {
			rq.check(errInvalid("Marker"))
			return pr
		}
		n, err := strconv.ParseUint(string(raw[2:]), 10, 64)
		if err != nil {
			rq.check(errInvalid("Marker"))
			return pr
		}
		pr.after = n
	}
	return pr
}

func encodeMarker(k uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("m:" + strconv.FormatUint(k, 10)))
}

// --- random credentials ---

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// newAccessKeyID returns a unique 24-char "LTAI5t..." id.
func (s *Server) newAccessKeyID() string {
	for {
		id := "LTAI5t" + randString(18)
		if _, ok := s.keys[id]; !ok {
			return id
		}
	}
}

func (s *Server) newSTSKeyID() string {
	for {
		id := "STS.NT" + randString(22)
		if _, ok := s.sessions[id]; !ok {
			return id
		}
	}
}

// recentlyDetached reports whether principal ("Role:<id>") had a policy (pk, or any if pk == "") detached
// less than the consistency delay ago. Expired entries are dropped.
func (a *account) recentlyDetached(principal, pk string, now time.Time) bool {
	m := a.detached[principal]
	hit := false
	for k, until := range m {
		if !now.Before(until) {
			delete(m, k)
			continue
		}
		if pk == "" || k == pk {
			hit = true
		}
	}
	if len(m) == 0 {
		delete(a.detached, principal)
	}
	return hit
}

// policyRecentlyDetached reports whether policy pk was detached from any principal of kind recently.
func (a *account) policyRecentlyDetached(kind, pk string, now time.Time) bool {
	for principal := range a.detached {
		if strings.HasPrefix(principal, kind+":") && a.recentlyDetached(principal, pk, now) {
			return true
		}
	}
	return false
}
