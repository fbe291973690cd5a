package ramemu

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Simulated ECS instances and their instance metadata service (doc.go, "ECS instance metadata"): an
// instance lives in one account and may carry one RAM role of that account; its metadata service hands out
// STS credentials of that role, as ECS's 100.100.100.200 does, on a loopback listener of its own. The listener
// is how the metadata service knows which instance asks (the real one knows by the instance's network).

const (
	ecsService          = "ecs.aliyuncs.com"
	ecsMetadataHost     = "100.100.100.200"
	ecsCredentialTTL    = 6 * time.Hour // Expiration - LastUpdated in ECS's documented example
	ecsRenewBefore      = time.Hour     // a new set is handed out once the current one has less than this left
	ecsMaxTokenTTL      = 21600         // X-aliyun-ecs-metadata-token-ttl-seconds: 1..21600
	ecsTokenTTLHeader   = "X-Aliyun-Ecs-Metadata-Token-Ttl-Seconds"
	ecsTokenHeader      = "X-Aliyun-Ecs-Metadata-Token"
	ecsCredentialsPath  = "/latest/meta-data/ram/security-credentials/"
	ecsInstanceIDPath   = "/latest/meta-data/instance-id"
	ecsTokenPath        = "/latest/api/token"
	ecsMaxInstanceCount = 100
)

var ecsInstanceIDRe = regexp.MustCompile(`^i-[0-9a-z]{8,30}$`)

// ECSInstanceSpec declares a simulated ECS instance.
type ECSInstanceSpec struct {
	AccountID  string `json:"account_id"`
	InstanceID string `json:"instance_id,omitempty"` // "" => generated
	RoleName   string `json:"role_name,omitempty"`   // the instance RAM role; "" => none
	// IMDSv2Required refuses metadata reads without a token from PUT /latest/api/token (ECS's hardened mode).
	IMDSv2Required bool `json:"imdsv2_required,omitempty"`
}

// ECSInstance is a declared instance and where its metadata service answers.
type ECSInstance struct {
	ECSInstanceSpec
	// MetadataEndpoint is http://127.0.0.1:<port>: request http://<it>/latest/meta-data/... directly, or use
	// it as the HTTP proxy of a client that requests http://100.100.100.200/... (credentials-go's
	// HttpOptions.Proxy).
	MetadataEndpoint string `json:"metadata_endpoint"`
}

type ecsInstance struct {
	spec   ECSInstanceSpec
	ln     net.Listener
	hs     *http.Server
	tokens map[string]time.Time // metadata token -> expiry
	cred   *session             // the credentials handed out now
	issued time.Time            // their LastUpdated
}

func (in *ecsInstance) public() ECSInstance {
	return ECSInstance{ECSInstanceSpec: in.spec, MetadataEndpoint: "http://" + in.ln.Addr().String()}
}

// ecsAttachError is what ECS's AttachInstanceRamRole answers for a role it refuses (codes of the ECS API).
type ecsAttachError struct{ Code, Message string }

func (e *ecsAttachError) Error() string { return e.Code + ": " + e.Message }

// AddECSInstance declares an instance and starts its metadata service. As ECS does when a role is attached,
// it refuses a role that does not exist in the instance's account (InvalidRamRole.NotFound) or whose trust
// policy does not let ecs.aliyuncs.com assume it (InvalidRamRole.NotEcsRole).
func (s *Server) AddECSInstance(spec ECSInstanceSpec) (ECSInstance, error) {
	if spec.InstanceID == "" {
		spec.InstanceID = "i-" + strings.ToLower(randString(20))
	}
	if !ecsInstanceIDRe.MatchString(spec.InstanceID) {
		return ECSInstance{}, fmt.Errorf("instance_id %q: want i- and 8 to 30 lower-case letters or digits", spec.InstanceID)
	}
	s.mu.Lock()
	acct := s.accounts[spec.AccountID]
	var err error
	switch {
	case acct == nil:
		err = fmt.Errorf("account_id %q: no such account", spec.AccountID)
	case s.instances[spec.InstanceID] != nil:
		err = fmt.Errorf("instance_id %q: already declared", spec.InstanceID)
	case len(s.instances) >= ecsMaxInstanceCount:
		err = fmt.Errorf("at most %d instances", ecsMaxInstanceCount)
	case spec.RoleName != "":
		if r := acct.roles[strings.ToLower(spec.RoleName)]; r == nil {
			err = &ecsAttachError{"InvalidRamRole.NotFound", "The specified RAM role " + spec.RoleName + " does not exist."}
		} else if !s.ecsMayAssumeLocked(r) {
			err = &ecsAttachError{"InvalidRamRole.NotEcsRole", "The specified RAM role is not authorized for ECS, please check your role policy."}
		} else {
			spec.RoleName = r.Name
		}
	}
	if err != nil {
		s.mu.Unlock()
		return ECSInstance{}, err
	}
	ln, lerr := net.Listen("tcp", "127.0.0.1:0")
	if lerr != nil {
		s.mu.Unlock()
		return ECSInstance{}, lerr
	}
	in := &ecsInstance{spec: spec, ln: ln, tokens: map[string]time.Time{}}
	in.hs = &http.Server{Handler: s.metadataHandler(in), ReadHeaderTimeout: 10 * time.Second}
	s.instances[spec.InstanceID] = in
	s.mu.Unlock()
	go func() { _ = in.hs.Serve(ln) }()
	return in.public(), nil
}

// RemoveECSInstance releases an instance: its metadata service stops. Credentials it handed out stay valid
// until they expire, as STS credentials do.
func (s *Server) RemoveECSInstance(id string) error {
	s.mu.Lock()
	in := s.instances[id]
	delete(s.instances, id)
	s.mu.Unlock()
	if in == nil {
		return fmt.Errorf("instance_id %q: not declared", id)
	}
	return in.hs.Close()
}

// ECSInstances lists the declared instances by ID.
func (s *Server) ECSInstances() []ECSInstance {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ECSInstance, 0, len(s.instances))
	for _, in := range s.instances {
		out = append(out, in.public())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].InstanceID < out[j].InstanceID })
	return out
}

func (s *Server) closeECSInstances() error {
	s.mu.Lock()
	list := make([]*ecsInstance, 0, len(s.instances))
	for id, in := range s.instances {
		list = append(list, in)
		delete(s.instances, id)
	}
	s.mu.Unlock()
	var errs []error
	for _, in := range list {
		errs = append(errs, in.hs.Close())
	}
	return errors.Join(errs...)
}

// ecsMayAssumeLocked reports whether the role's trust policy, as STS sees it now, lets ECS assume it.
func (s *Server) ecsMayAssumeLocked(r *role) bool {
	now := s.now()
	match := func(ptype, p string) bool { return ptype == "service" && strings.EqualFold(p, ecsService) }
	return trustDecision(r, match, evalCtx{"acs:currenttime": {fmtDate(now)}}, now) == allowed
}

// metadataHandler serves one instance's metadata: what credentials-go's ECS RAM role provider requests.
func (s *Server) metadataHandler(in *ecsInstance) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text := func(status int, body string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
		// Proxied requests name the metadata address; this is no general proxy.
		if h := hostOnly(r.URL.Host); h != "" && h != ecsMetadataHost {
			text(http.StatusForbidden, "only "+ecsMetadataHost+" is served here")
			return
		}
		if r.URL.Path == ecsTokenPath {
			if r.Method != http.MethodPut {
				text(http.StatusMethodNotAllowed, "use PUT")
				return
			}
			ttl, err := strconv.Atoi(r.Header.Get(ecsTokenTTLHeader))
			if err != nil || ttl < 1 || ttl > ecsMaxTokenTTL {
				text(http.StatusBadRequest, ecsTokenTTLHeader+" must be 1 to 21600 seconds")
				return
			}
			tok := randString(44)
			s.mu.Lock()
			now := s.now()
			for t, exp := range in.tokens {
				if !now.Before(exp) {
					delete(in.tokens, t)
				}
			}
			in.tokens[tok] = now.Add(time.Duration(ttl) * time.Second)
			s.mu.Unlock()
			text(http.StatusOK, tok)
			return
		}
		if r.Method != http.MethodGet {
			text(http.StatusMethodNotAllowed, "use GET")
			return
		}
		if status, msg := s.checkMetadataToken(in, r.Header.Get(ecsTokenHeader)); status != 0 {
			text(status, msg)
			return
		}
		switch {
		case r.URL.Path == ecsInstanceIDPath:
			text(http.StatusOK, in.spec.InstanceID)
		case r.URL.Path == ecsCredentialsPath:
			if in.spec.RoleName == "" {
				text(http.StatusNotFound, "no RAM role is attached to this instance")
				return
			}
			text(http.StatusOK, in.spec.RoleName)
		case strings.HasPrefix(r.URL.Path, ecsCredentialsPath):
			name := strings.TrimPrefix(r.URL.Path, ecsCredentialsPath)
			if in.spec.RoleName == "" || name != in.spec.RoleName {
				text(http.StatusNotFound, "the RAM role "+name+" is not attached to this instance")
				return
			}
			body, status := s.instanceCredentials(in)
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		default:
			text(http.StatusNotFound, "not found")
		}
	})
}

// checkMetadataToken answers 0 for a request it may serve: a live token of this instance, or none where the
// instance still allows reads without one.
func (s *Server) checkMetadataToken(in *ecsInstance, tok string) (int, string) {
	if tok == "" {
		if in.spec.IMDSv2Required {
			return http.StatusUnauthorized, "a metadata token is required (PUT " + ecsTokenPath + ")"
		}
		return 0, ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for t, exp := range in.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 && s.now().Before(exp) {
			return 0, ""
		}
	}
	return http.StatusUnauthorized, "the metadata token is invalid or expired"
}

type ecsCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	Expiration      string `json:"Expiration"`
	SecurityToken   string `json:"SecurityToken"`
	LastUpdated     string `json:"LastUpdated"`
	Code            string `json:"Code"`
}

// instanceCredentials hands out the role's current credentials, assuming the role again as ECS when there are
// none, they have less than ecsRenewBefore left, or the role was deleted (and maybe re-created) since. Each
// assumption checks the trust policy again: a role that no longer trusts ECS, or is gone, gets none.
func (s *Server) instanceCredentials(in *ecsInstance) ([]byte, int) {
	s.mu.Lock()
	now := s.now()
	acct := s.accounts[in.spec.AccountID]
	r := acct.roles[strings.ToLower(in.spec.RoleName)]
	if r == nil {
		s.mu.Unlock()
		return []byte("the RAM role " + in.spec.RoleName + " does not exist"), http.StatusNotFound
	}
	if !s.ecsMayAssumeLocked(r) {
		s.mu.Unlock()
		return []byte("the RAM role " + in.spec.RoleName + " does not trust " + ecsService), http.StatusForbidden
	}
	c := in.cred
	var snap []byte
	var gen uint64
	if c == nil || c.RoleID != r.ID || c.Expiration.Sub(now) < ecsRenewBefore || s.sessions[c.AccessKeyID] != c {
		s.sweepSessionsLocked(now)
		c = &session{
			AccessKeyID: s.newSTSKeyID(), Secret: randString(44), Token: newSecurityToken(),
			AccountID: acct.ID, RoleID: r.ID, RoleName: r.Name, SessionName: in.spec.InstanceID,
			Expiration:      now.Add(ecsCredentialTTL).Truncate(time.Second),
			SourceAccountID: acct.ID, SourceArn: ecsService, SourcePrincipalID: in.spec.InstanceID,
		}
		s.sessions[c.AccessKeyID] = c
		in.cred, in.issued = c, now
		if s.persist != nil {
			snap, gen = s.snapshotLocked()
		}
	}
	out := ecsCredentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.Secret, Expiration: fmtDate(c.Expiration),
		SecurityToken: c.Token, LastUpdated: fmtDate(in.issued), Code: "Success"}
	s.mu.Unlock()
	if snap != nil {
		if err := s.persist.write(snap, gen); err != nil {
			return []byte("internal error"), http.StatusInternalServerError
		}
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return b, http.StatusOK
}

// serveECSInstances answers /_emulator/ecs/instances: GET lists, POST {ECSInstanceSpec} declares one.
func (s *Server) serveECSInstances(w http.ResponseWriter, r *http.Request, write func(int, any)) {
	switch r.Method {
	case http.MethodGet:
		write(http.StatusOK, map[string]any{"instances": s.ECSInstances()})
	case http.MethodPost:
		var spec ECSInstanceSpec
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&spec); err != nil {
			write(http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
			return
		}
		in, err := s.AddECSInstance(spec)
		var ae *ecsAttachError
		switch {
		case errors.As(err, &ae):
			write(http.StatusBadRequest, map[string]string{"error": ae.Error(), "code": ae.Code})
		case err != nil:
			write(http.StatusBadRequest, map[string]string{"error": err.Error()})
		default:
			write(http.StatusOK, in)
		}
	default:
		write(http.StatusMethodNotAllowed, map[string]string{"error": "use GET or POST"})
	}
}
