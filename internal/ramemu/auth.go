package ramemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

const timestampWindow = 15 * time.Minute

// keyRef is a long-term AccessKey: an account root key or a RAM user's key.
type keyRef struct {
	acct   *account
	root   bool
	user   *user // nil for root
	key    *accessKey
	secret string
}

type callerKind int

const (
	callerRoot callerKind = iota
	callerUser
	callerSession
)

// caller is the authenticated principal of one request.
type caller struct {
	kind callerKind
	acct *account // the account the caller acts in (a session's role account)
	user *user
	sess *session
	akID string
}

func (c *caller) principalArn() string {
	switch c.kind {
	case callerUser:
		return "acs:ram::" + c.acct.ID + ":user/" + c.user.Name
	case callerSession:
		return "acs:ram::" + c.acct.ID + ":assumed-role/" + strings.ToLower(c.sess.RoleName) + "/" + c.sess.SessionName
	}
	return "acs:ram::" + c.acct.ID + ":root"
}

// principalID is the caller's user ID, role ID (a session) or account ID (root).
func (c *caller) principalID() string {
	switch c.kind {
	case callerUser:
		return c.user.ID
	case callerSession:
		return c.sess.RoleID
	}
	return c.acct.ID
}

func queryUnescape(s string) (string, error) { return url.QueryUnescape(s) }

// percentEncode is RFC 3986 encoding as the SDK's signer produces it (unreserved kept, space -> %20).
func percentEncode(s string) string {
	need := false
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// stringToSign rebuilds the signature v1 string exactly as the SDK does.
func stringToSign(method string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var canon strings.Builder
	for i, k := range keys {
		if i > 0 {
			canon.WriteByte('&')
		}
		canon.WriteString(percentEncode(k))
		canon.WriteByte('=')
		canon.WriteString(percentEncode(params[k]))
	}
	return method + "&%2F&" + percentEncode(canon.String())
}

func sign(secret, sts string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// authenticate checks, in order: required common params, AccessKeyId, STS token, timestamp, signature, nonce.
func (s *Server) authenticate(r *http.Request, rq *request) *apiError {
	p := rq.params
	for _, name := range []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "Timestamp"} {
		if p[name] == "" {
			if name == "Signature" {
				return errf(http.StatusBadRequest, "IncompleteSignature",
					"The request signature does not conform to Aliyun standards. server string to sign is:"+stringToSign(rq.method, p))
			}
			return errMissing(name)
		}
	}
	if p["SignatureMethod"] != "HMAC-SHA1" {
		return errf(http.StatusBadRequest, "InvalidSignatureMethod", "Specified signature method is not supported.")
	}
	if v, ok := p["SignatureVersion"]; ok && v != "1.0" {
		return errf(http.StatusBadRequest, "InvalidSignatureVersion", "Specified signature version is not supported.")
	}
	akID := p["AccessKeyId"]
	var secret string
	c := &caller{akID: akID}

	s.mu.RLock()
	if kr, ok := s.keys[akID]; ok {
		secret = kr.secret
		c.acct = kr.acct
		if kr.root {
			c.kind = callerRoot
		} else {
			c.kind = callerUser
			c.user = kr.user
			if !keyInEffect(kr.key, s.now()) {
				// Not yet propagated: to STS and RAM the key does not exist yet.
				s.mu.RUnlock()
				return errf(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
			}
			if kr.key.Status != "Active" {
				s.mu.RUnlock()
				return errf(http.StatusBadRequest, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")
			}
		}
	} else if sess, ok := s.sessions[akID]; ok {
		aerr := s.checkSessionLocked(sess, p["SecurityToken"])
		if aerr != nil {
			s.mu.RUnlock()
			return aerr
		}
		secret = sess.Secret
		c.kind = callerSession
		c.sess = sess
		c.acct = s.accounts[sess.AccountID]
	} else {
		s.mu.RUnlock()
		return errf(http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	s.mu.RUnlock()

	ts, err := time.Parse("2006-01-02T15:04:05Z", p["Timestamp"])
	if err != nil {
		return errf(http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
	}
	// Real time, not Options.Clock: the client signs with its wall clock.
	wall := time.Now()
	if ts.Before(wall.Add(-timestampWindow)) || ts.After(wall.Add(timestampWindow)) {
		return errf(http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
	}
	sts := stringToSign(rq.method, p)
	want := sign(secret, sts)
	if subtle.ConstantTimeCompare([]byte(want), []byte(p["Signature"])) != 1 {
		return errf(http.StatusBadRequest, "SignatureDoesNotMatch",
			"Specified signature is not matched with our calculation. server string to sign is:"+sts)
	}
	if !s.nonces.add(akID+"\x00"+p["SignatureNonce"], ts.Add(timestampWindow), wall) {
		return errf(http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	rq.caller = c
	return nil
}

// checkSessionLocked validates an STS credential's token, expiry and role. Caller holds s.mu.
func (s *Server) checkSessionLocked(sess *session, token string) *apiError {
	if token == "" {
		return errf(http.StatusBadRequest, "MissingSecurityToken", "SecurityToken is mandatory for this action.")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(sess.Token)) != 1 {
		return errf(http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey.")
	}
	if !s.now().Before(sess.Expiration) {
		return errf(http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
	}
	// A deleted (or deleted and re-created) role revokes every token issued for it.
	acct := s.accounts[sess.AccountID]
	if acct == nil {
		return errf(http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
	}
	if r := acct.roles[strings.ToLower(sess.RoleName)]; r == nil || r.ID != sess.RoleID {
		return errf(http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
	}
	return nil
}

// nonceCache remembers (AccessKeyId, nonce) until the request's timestamp leaves the window.
type nonceCache struct {
	mu      sync.Mutex
	m       map[string]time.Time
	inserts int
}

func newNonceCache() *nonceCache { return &nonceCache{m: map[string]time.Time{}} }

func (n *nonceCache) add(key string, until, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if exp, ok := n.m[key]; ok && now.Before(exp) {
		return false
	}
	n.m[key] = until
	n.inserts++
	if n.inserts >= 4096 && n.inserts >= len(n.m)/2 {
		n.inserts = 0
		for k, exp := range n.m {
			if !now.Before(exp) {
				delete(n.m, k)
			}
		}
	}
	return true
}
