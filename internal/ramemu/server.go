package ramemu

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Account is one emulated Alibaba Cloud account and its root AccessKey.
type Account struct {
	ID              string `json:"id"`
	Alias           string `json:"alias"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
}

// DefaultAccounts returns the two demo accounts documented in the README.
func DefaultAccounts() []Account {
	return []Account{
		{ID: "1000000000000001", Alias: "enterprise-a", AccessKeyID: "LTAI5tDemoEnterpriseA0001", AccessKeySecret: "DemoSecretEnterpriseA000000000001"},
		{ID: "1000000000000002", Alias: "enterprise-b", AccessKeyID: "LTAI5tDemoEnterpriseB0002", AccessKeySecret: "DemoSecretEnterpriseB000000000002"},
	}
}

// Options configures a Server.
type Options struct {
	Accounts         []Account     // nil => DefaultAccounts()
	StatePath        string        // "" => in-memory only
	Latency          time.Duration // added to every RPC call
	ThrottleQPS      float64       // per account; 0 = off
	FaultRate        float64       // 0..1 random ServiceUnavailable 503
	Seed             int64
	ConsistencyDelay time.Duration // new roles/users/policies/attachments invisible to Get/List for this long
	DropResponseRate float64       // 0..1: a write action is carried out and committed, then its answer is lost
	SystemTags       bool          // new roles and policies get the acs: tags a real account's services add
	Log              io.Writer     // nil = no call log
	Clock            Clock         // nil = real clock
	Secure           bool          // set by the TLS listener so acs:SecureTransport evaluates true
}

// Clock supplies "now" for business logic (dates, STS expiry, acs:CurrentTime).
// Request timestamps are always checked against the real clock, because clients sign with real time.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// FakeClock is a Clock tests can move.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t} }

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Server is the emulator; it is an http.Handler.
type Server struct {
	opts  Options
	clock Clock

	mu        sync.RWMutex // guards all account state, keys and sessions
	accounts  map[string]*account
	acctList  []*account
	keys      map[string]*keyRef      // AccessKeyId -> root or user key
	sessions  map[string]*session     // STS AccessKeyId -> session
	system    map[string]*policy      // lower-cased name -> system policy (shared by all accounts)
	instances map[string]*ecsInstance // instance ID -> simulated ECS instance (ecs.go), never persisted
	sysList   []*policy

	nonces  *nonceCache
	faults  *faults
	stats   statsCounter
	persist *persister
}

// New builds a Server, loading Options.StatePath if it exists.
func New(opts Options) (*Server, error) {
	if opts.Accounts == nil {
		opts.Accounts = DefaultAccounts()
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.FaultRate < 0 || opts.FaultRate > 1 {
		return nil, fmt.Errorf("ramemu: fault rate %v outside 0..1", opts.FaultRate)
	}
	if opts.DropResponseRate < 0 || opts.DropResponseRate > 1 {
		return nil, fmt.Errorf("ramemu: drop response rate %v outside 0..1", opts.DropResponseRate)
	}
	if opts.ThrottleQPS < 0 {
		return nil, fmt.Errorf("ramemu: negative throttle qps")
	}
	s := &Server{
		opts:      opts,
		clock:     opts.Clock,
		accounts:  map[string]*account{},
		keys:      map[string]*keyRef{},
		sessions:  map[string]*session{},
		instances: map[string]*ecsInstance{},
		nonces:    newNonceCache(),
	}
	s.stats.reset()
	s.initSystemPolicies()
	seenAlias := map[string]bool{}
	for _, a := range opts.Accounts {
		if !accountIDRe.MatchString(a.ID) {
			return nil, fmt.Errorf("ramemu: account id %q is not 16 digits", a.ID)
		}
		if a.AccessKeyID == "" || a.AccessKeySecret == "" {
			return nil, fmt.Errorf("ramemu: account %s has no root AccessKey", a.ID)
		}
		if _, dup := s.accounts[a.ID]; dup {
			return nil, fmt.Errorf("ramemu: duplicate account id %s", a.ID)
		}
		if _, dup := s.keys[a.AccessKeyID]; dup {
			return nil, fmt.Errorf("ramemu: duplicate AccessKeyId for account %s", a.ID)
		}
		if a.Alias != "" {
			if seenAlias[a.Alias] {
				return nil, fmt.Errorf("ramemu: duplicate alias %q", a.Alias)
			}
			seenAlias[a.Alias] = true
		}
		acct := newAccount(a)
		s.accounts[a.ID] = acct
		s.acctList = append(s.acctList, acct)
		s.keys[a.AccessKeyID] = &keyRef{acct: acct, root: true, secret: a.AccessKeySecret}
	}
	s.faults = newFaults(opts)
	if opts.StatePath != "" {
		s.persist = &persister{path: opts.StatePath}
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) now() time.Time { return s.clock.Now().UTC() }

// ServeHTTP serves RAM/STS RPC on "/" and the admin API under "/_emulator/".
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveAdmin(w, r)
		return
	}
	start := time.Now()
	rq, aerr := s.prepare(r)
	if aerr == nil {
		aerr = s.faults.before(r, rq)
	}
	var body any
	if aerr == nil {
		aerr = s.authenticate(r, rq)
	}
	if aerr == nil {
		aerr = s.faults.throttle(rq)
	}
	if aerr == nil {
		body, aerr = s.dispatch(rq)
		if s.faults.dropResponse(rq) {
			s.stats.recordDropped(rq.statName())
			s.logCall(rq, 0, aerr, time.Since(start))
			dropConnection(w)
			return
		}
	}
	status := http.StatusOK
	if aerr != nil {
		status = aerr.Status
		s.writeError(w, rq, aerr)
	} else {
		s.writeJSON(w, http.StatusOK, rq.requestID, body)
	}
	s.stats.record(rq.statName(), aerr)
	s.logCall(rq, status, aerr, time.Since(start))
}

// prepare parses parameters (query ∪ form body) and resolves product and action.
func (s *Server) prepare(r *http.Request) (*request, *apiError) {
	rq := &request{s: s, requestID: newRequestID(), host: hostOnly(r.Host)}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return rq, errf(http.StatusMethodNotAllowed, "UnsupportedHTTPMethod", "This http method is not supported.")
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return rq, errf(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	}
	params, err := readParams(r)
	if err != nil {
		return rq, errf(http.StatusBadRequest, "InvalidParameter", "The request body could not be parsed.")
	}
	rq.params = params
	rq.method = r.Method
	rq.action = params["Action"]
	switch params["Version"] {
	case "2015-05-01":
		rq.product = "Ram"
	case "2015-04-01":
		rq.product = "Sts"
	case "":
		return rq, errf(http.StatusBadRequest, "MissingVersion", "Version is mandatory for this action.")
	default:
		return rq, errf(http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid.")
	}
	if rq.action == "" {
		return rq, errf(http.StatusBadRequest, "MissingAction", "Action is mandatory for this action.")
	}
	if rq.handler() == nil {
		return rq, errf(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	}
	rq.sourceIP = remoteIP(r)
	rq.secure = s.opts.Secure || r.TLS != nil
	return rq, nil
}

func readParams(r *http.Request) (map[string]string, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if r.Body != nil && r.Method == http.MethodPost {
		ct := r.Header.Get("Content-Type")
		if ct == "" || strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				return nil, err
			}
			if len(b) > 0 {
				form, err := parseQuery(string(b))
				if err != nil {
					return nil, err
				}
				// form overrides query on clash, as the SDK's signer does
				for k, v := range form {
					params[k] = v
				}
			}
		}
	}
	return params, nil
}

func parseQuery(s string) (map[string]string, error) {
	out := map[string]string{}
	for s != "" {
		var kv string
		kv, s, _ = strings.Cut(s, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := queryUnescape(k)
		if err != nil {
			return nil, err
		}
		v, err = queryUnescape(v)
		if err != nil {
			return nil, err
		}
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out, nil
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// request is the per-call context.
type request struct {
	s         *Server
	requestID string
	method    string
	host      string
	params    map[string]string
	product   string // "Ram" | "Sts"
	action    string
	caller    *caller
	sourceIP  string
	secure    bool
	now       time.Time
	err       *apiError // the action's first failed check (action.go)
}

func (rq *request) statName() string {
	if rq.product == "" {
		return ""
	}
	return rq.product + "." + rq.action
}

func (rq *request) hostID() string {
	if rq.product == "Sts" {
		return "sts.aliyuncs.com"
	}
	return "ram.aliyuncs.com"
}

// handlerFunc runs one action (action.go says how one is written): it answers a body, or nil with rq.err set.
type handlerFunc func(rq *request) any

type route struct {
	fn    handlerFunc
	write bool // needs the write lock (and persistence)
}

func reads(fn handlerFunc) route  { return route{fn: fn} }
func writes(fn handlerFunc) route { return route{fn: fn, write: true} }

var ramRoutes, stsRoutes map[string]route

func (rq *request) handler() *route {
	var m map[string]route
	switch rq.product {
	case "Ram":
		m = ramRoutes
	case "Sts":
		m = stsRoutes
	}
	if rt, ok := m[rq.action]; ok {
		return &rt
	}
	return nil
}

func init() {
	type rq = request
	ramRoutes = map[string]route{
		"CreateRole": writes((*rq).createRole),
		"GetRole":    reads((*rq).getRole),
		"UpdateRole": writes((*rq).updateRole),
		"DeleteRole": writes((*rq).deleteRole),
		"ListRoles":  reads((*rq).listRoles),

		"CreatePolicy":            writes((*rq).createPolicy),
		"GetPolicy":               reads((*rq).getPolicy),
		"CreatePolicyVersion":     writes((*rq).createPolicyVersion),
		"GetPolicyVersion":        reads((*rq).getPolicyVersion),
		"ListPolicyVersions":      reads((*rq).listPolicyVersions),
		"DeletePolicyVersion":     writes((*rq).deletePolicyVersion),
		"SetDefaultPolicyVersion": writes((*rq).setDefaultPolicyVersion),
		"UpdatePolicyDescription": writes((*rq).updatePolicyDescription),
		"DeletePolicy":            writes((*rq).deletePolicy),
		"ListPolicies":            reads((*rq).listPolicies),
		"ListEntitiesForPolicy":   reads((*rq).listEntitiesForPolicy),

		"CreateUser":         writes((*rq).createUser),
		"GetUser":            reads((*rq).getUser),
		"UpdateUser":         writes((*rq).updateUser),
		"DeleteUser":         writes((*rq).deleteUser),
		"ListUsers":          reads((*rq).listUsers),
		"CreateLoginProfile": writes((*rq).createLoginProfile),
		"GetLoginProfile":    reads((*rq).getLoginProfile),
		"UpdateLoginProfile": writes((*rq).updateLoginProfile),
		"DeleteLoginProfile": writes((*rq).deleteLoginProfile),
		"CreateAccessKey":    writes((*rq).createAccessKey),
		"ListAccessKeys":     reads((*rq).listAccessKeys),
		"UpdateAccessKey":    writes((*rq).updateAccessKey),
		"DeleteAccessKey":    writes((*rq).deleteAccessKey),

		"CreateGroup":         writes((*rq).createGroup),
		"GetGroup":            reads((*rq).getGroup),
		"UpdateGroup":         writes((*rq).updateGroup),
		"DeleteGroup":         writes((*rq).deleteGroup),
		"ListGroups":          reads((*rq).listGroups),
		"AddUserToGroup":      writes((*rq).addUserToGroup),
		"RemoveUserFromGroup": writes((*rq).removeUserFromGroup),
		"ListGroupsForUser":   reads((*rq).listGroupsForUser),
		"ListUsersForGroup":   reads((*rq).listUsersForGroup),

		"GetAccountAlias": reads((*rq).getAccountAlias),
		"SetAccountAlias": writes((*rq).setAccountAlias),

		"CreateVirtualMFADevice": writes((*rq).createVirtualMFADevice),
		"ListVirtualMFADevices":  reads((*rq).listVirtualMFADevices),
		"DeleteVirtualMFADevice": writes((*rq).deleteVirtualMFADevice),
		"BindMFADevice":          writes((*rq).bindMFADevice),
		"UnbindMFADevice":        writes((*rq).unbindMFADevice),
		"GetUserMFAInfo":         reads((*rq).getUserMFAInfo),

		"ChangePassword":        writes((*rq).changePassword),
		"GetPasswordPolicy":     reads((*rq).getPasswordPolicy),
		"SetPasswordPolicy":     writes((*rq).setPasswordPolicy),
		"GetSecurityPreference": reads((*rq).getSecurityPreference),
		"SetSecurityPreference": writes((*rq).setSecurityPreference),

		"TagResources":     writes((*rq).tagResources),
		"UntagResources":   writes((*rq).untagResources),
		"ListTagResources": reads((*rq).listTagResources),
	}
	// Every principal kind has the same three attachment actions.
	for kind, find := range map[string]principalKind{"Role": rolePrincipal, "User": userPrincipal, "Group": groupPrincipal} {
		ramRoutes["AttachPolicyTo"+kind] = writes(attach(find))
		ramRoutes["DetachPolicyFrom"+kind] = writes(detach(find))
		ramRoutes["ListPoliciesFor"+kind] = reads(listPoliciesFor(find))
	}
	stsRoutes = map[string]route{
		"AssumeRole":        writes((*rq).assumeRole),
		"GetCallerIdentity": reads((*rq).getCallerIdentity),
	}
}

// dispatch runs the action under the state lock; mutations are persisted before the answer goes out.
func (s *Server) dispatch(rq *request) (any, *apiError) {
	rt := rq.handler()
	if rt.write {
		s.mu.Lock()
		rq.now = s.now()
		body := rt.fn(rq)
		aerr := rq.err
		var snap []byte
		var gen uint64
		if aerr == nil && s.persist != nil {
			snap, gen = s.snapshotLocked()
		}
		s.mu.Unlock()
		if snap != nil {
			if err := s.persist.write(snap, gen); err != nil {
				// The mutation is applied in memory but not durable: say so rather than acknowledge it.
				return nil, errf(http.StatusInternalServerError, "InternalError", "An internal error occurred.")
			}
		}
		return body, aerr
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rq.now = s.now()
	body := rt.fn(rq)
	return body, rq.err
}

// Close stops the metadata services of the simulated ECS instances. Every acknowledged mutation is already
// durable, so there is nothing to flush.
func (s *Server) Close() error { return s.closeECSInstances() }

// Account returns the account with the given id (its alias as currently set), and whether it exists.
func (s *Server) Account(id string) (Account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[id]
	if a == nil {
		return Account{}, false
	}
	for _, o := range s.opts.Accounts {
		if o.ID == id {
			o.Alias = a.Alias
			return o, true
		}
	}
	return Account{}, false
}
