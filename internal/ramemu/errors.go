package ramemu

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an RPC error; it is always sent with a non-2xx status, because the v1 SDK treats any 2xx as success.
type apiError struct {
	Status  int
	Code    string
	Message string
	Detail  map[string]string // AccessDeniedDetail (must be a JSON object or absent: the SDK type-asserts it)
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errf(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

func errMissing(p string) *apiError {
	return errf(http.StatusBadRequest, "Missing"+p, p+" is mandatory for this action.")
}

func errInvalidChars(p string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p+".InvalidChars", `The parameter - "`+p+`" contains invalid chars.`)
}

func errLength(p string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p+".Length", `The parameter - "`+p+`" beyond the length limit.`)
}

func errFormat(p string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p+".Format", `The format of the parameter - "`+p+`" is incorrect.`)
}

func errInvalid(p string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p, `The parameter - "`+p+`" is incorrect.`)
}

func errRange(p string) *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter."+p, `The parameter - "`+p+`" is beyond the valid range.`)
}

func errMalformed(detail string) *apiError {
	return errf(http.StatusBadRequest, "MalformedPolicyDocument", "The policy document is malformed: "+detail)
}

// entityStatus is the HTTP status of each family of entity errors, whose codes are <family>.<kind>.
var entityStatus = map[string]int{
	"EntityNotExist":      http.StatusNotFound,
	"EntityAlreadyExists": http.StatusConflict,
	"DeleteConflict":      http.StatusConflict,
	"LimitExceeded":       http.StatusConflict,
}

// entityMsg is the message of each entity error, by code.
var entityMsg = map[string]string{
	"EntityNotExist.Role":              "The role does not exist.",
	"EntityNotExist.User":              "The user does not exist.",
	"EntityNotExist.Policy":            "The policy does not exist.",
	"EntityNotExist.Policy.Version":    "The policy version does not exist.",
	"EntityNotExist.Role.Policy":       "The indicate policy of the role does not exist.",
	"EntityNotExist.User.Policy":       "The indicate policy of the user does not exist.",
	"EntityNotExist.User.LoginProfile": "The user login profile does not exist.",
	"EntityNotExist.User.AccessKey":    "The user access key does not exist.",

	"EntityNotExist.User.MFADevice":   "The user has not bound any MFA device.",
	"EntityNotExist.VirtualMFADevice": "The virtual mfa device does not exist.",
	"EntityNotExist.Group":            "The group does not exist.",
	"EntityNotExist.Group.Policy":     "The indicate policy attached to the group does not exist.",
	"EntityNotExist.User.Group":       "The user has not joined the group.",

	"EntityAlreadyExists.Role":              "The role does already EXIST.",
	"EntityAlreadyExists.User":              "The user does already EXIST.",
	"EntityAlreadyExists.Policy":            "The policy does already EXIST.",
	"EntityAlreadyExists.Role.Policy":       "The policy has already been attached to the role.",
	"EntityAlreadyExists.User.Policy":       "The user has already been attached this policy.",
	"EntityAlreadyExists.User.LoginProfile": "The user login profile does already EXIST.",
	"EntityAlreadyExists.AccountAlias":      "The account alias does already exist.",

	"EntityAlreadyExists.User.MFADevice":        "The user has already bound a MFA device.",
	"EntityAlreadyExists.VirtualMFADevice":      "The virtual mfa device does already EXIST.",
	"EntityAlreadyExists.VirtualMFADevice.User": "The virtual mfa device does already been bound to a user.", // sic
	"EntityAlreadyExists.Group":                 "The group does already EXIST.",
	"EntityAlreadyExists.Group.Policy":          "The group has already been attached this policy.",
	"EntityAlreadyExists.User.Group":            "The user has already joined the group.",

	"DeleteConflict.Role.Policy":            "The role CAN NOT has any attached policy while deleting the role.",
	"DeleteConflict.User.AccessKey":         "The user CAN NOT has any access key while deleting the user.",
	"DeleteConflict.User.LoginProfile":      "The user CAN NOT has any login profile while deleting the user.",
	"DeleteConflict.User.Policy":            "The user CAN NOT has any attached policy while deleting the user.",
	"DeleteConflict.Policy.User":            "The policy CAN NOT been attached to any user while deleting the policy.",
	"DeleteConflict.Policy.Group":           "The policy CAN NOT been attached to any group while deleting the policy.",
	"DeleteConflict.Policy.Version":         "The policy CAN NOT has any version except the default version.",
	"DeleteConflict.Policy.Version.Default": "The default policy version CAN NOT been deleted directly.",

	"DeleteConflict.User.MFADevice":        "The user CAN NOT has any mfa device while deleting the user.",
	"DeleteConflict.VirtualMFADevice.User": "The virtual mfa device CAN NOT been bound to any user while deleting it.",
	"DeleteConflict.User.Group":            "The user CAN NOT be in any group while deleting the user.",
	"DeleteConflict.Group.User":            "The group CAN NOT has any user member while deleting the group.",
	"DeleteConflict.Group.Policy":          "The entity CAN NOT has any attached policy while deleting the group.",

	"LimitExceeded.Role":           "The count of roles beyond the current limits.",
	"LimitExceeded.User":           "The count of users beyond the current limits.",
	"LimitExceeded.Policy":         "The count of policy beyond the current limits.",
	"LimitExceeded.Policy.Version": "The count of policy version beyond the current limits.",
	"LimitExceeded.Role.Policy":    "The count of policies attached to the role beyond the current limits.",
	"LimitExceeded.User.Policy":    "The policy count of the user attached policies beyond the current limits.",
	"LimitExceeded.User.AccessKey": "The access key count of the user access keys beyond the current limits.",

	"LimitExceeded.VirtualMFADevice": "The count of virtual mfa devices beyond the current limits.",
	"LimitExceeded.Group":            "The count of groups beyond the current limits.",
	"LimitExceeded.Group.Policy":     "The policy count of the group beyond the current limits.",
	"LimitExceeded.User.Group":       "The count of groups the target user joined beyond the current limits.",
}

func errEntity(family, kind string) *apiError {
	code := family + "." + kind
	return errf(entityStatus[family], code, entityMsg[code])
}

func errNotExist(kind string) *apiError { return errEntity("EntityNotExist", kind) }
func errAlready(kind string) *apiError  { return errEntity("EntityAlreadyExists", kind) }
func errConflict(kind string) *apiError { return errEntity("DeleteConflict", kind) }
func errLimit(kind string) *apiError    { return errEntity("LimitExceeded", kind) }

// newRequestID returns an uppercase UUID v4 like the real gateway's RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	const hexd = "0123456789ABCDEF"
	out := make([]byte, 36)
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexd[c>>4]
		out[j+1] = hexd[c&0xf]
		j += 2
	}
	return string(out)
}

type errorBody struct {
	RequestId          string            `json:"RequestId"`
	HostId             string            `json:"HostId"`
	Code               string            `json:"Code"`
	Message            string            `json:"Message"`
	Recommend          string            `json:"Recommend"`
	AccessDeniedDetail map[string]string `json:"AccessDeniedDetail,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, rq *request, e *apiError) {
	product := rq.product
	if product == "" {
		product = "Ram"
	}
	b := errorBody{
		RequestId:          rq.requestID,
		HostId:             rq.hostID(),
		Code:               e.Code,
		Message:            e.Message,
		Recommend:          fmt.Sprintf("https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s", e.Code, product, rq.requestID),
		AccessDeniedDetail: e.Detail,
	}
	buf := marshal(b)
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", rq.requestID)
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(buf)
}

// writeJSON writes a success body; body is a struct or map whose RequestId field is filled here.
func (s *Server) writeJSON(w http.ResponseWriter, status int, requestID string, body any) {
	var buf []byte
	switch b := body.(type) {
	case nil:
		buf = []byte(`{"RequestId":"` + requestID + `"}`)
	case map[string]any:
		b["RequestId"] = requestID
		buf = marshal(b)
	default:
		raw := marshal(b)
		// Prepend RequestId to the object without a second encoding pass.
		if len(raw) > 2 {
			buf = append([]byte(`{"RequestId":"`+requestID+`",`), raw[1:]...)
		} else {
			buf = []byte(`{"RequestId":"` + requestID + `"}`)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("x-acs-request-id", requestID)
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(status)
	_, _ = w.Write(buf)
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// marshal encodes without HTML escaping (the gateway sends "&" in Recommend URLs literally).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("ramemu: encode response: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
