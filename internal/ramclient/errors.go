package ramclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// Class groups API errors by what a caller should do about them.
type Class int

const (
	ClassUnknown Class = iota
	ClassNotFound
	ClassAlreadyExists
	ClassConflict
	ClassLimitExceeded
	ClassInvalid
	ClassThrottled
	ClassRetryable
	ClassPermission
	ClassAuth // bad key, secret, token or signature
)

func (c Class) String() string {
	switch c {
	case ClassNotFound:
		return "NotFound"
	case ClassAlreadyExists:
		return "AlreadyExists"
	case ClassConflict:
		return "Conflict"
	case ClassLimitExceeded:
		return "LimitExceeded"
	case ClassInvalid:
		return "Invalid"
	case ClassThrottled:
		return "Throttled"
	case ClassRetryable:
		return "Retryable"
	case ClassPermission:
		return "Permission"
	case ClassAuth:
		return "Auth"
	}
	return "Unknown"
}

// APIError is every error a RAM/STS call returns once it reached (or tried to reach) the service.
// Message never contains secrets; for signature errors the server's string-to-sign is dropped.
type APIError struct {
	Service    string // "RAM" | "STS"
	Action     string
	Code       string
	Message    string
	RequestID  string
	Recommend  string
	HTTPStatus int
	Class      Class
	// Hint says which setting to check (auth errors); part of Error().
	Hint string

	cause error // transport error, if any (Unwrap)
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", e.Service, e.Action, e.Code)
	if e.HTTPStatus > 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Hint != "" {
		if strings.HasSuffix(e.Message, ".") {
			b.WriteString(" " + strings.ToUpper(e.Hint[:1]) + e.Hint[1:] + ".")
		} else {
			b.WriteString("; " + e.Hint)
		}
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.cause }

// AccountMismatchError: the credentials belong to another account than expected_account_id.
type AccountMismatchError struct {
	Expected, Actual string
}

func (e *AccountMismatchError) Error() string {
	return fmt.Sprintf("the provider's credentials belong to account %s, but expected_account_id is %s; refusing to read or change anything in the wrong account", e.Actual, e.Expected)
}

// ClassOf returns the class of err (ClassUnknown when err is not an *APIError).
func ClassOf(err error) Class {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Class
	}
	return ClassUnknown
}

func IsNotFound(err error) bool      { return ClassOf(err) == ClassNotFound }
func IsAlreadyExists(err error) bool { return ClassOf(err) == ClassAlreadyExists }
func IsConflict(err error) bool      { return ClassOf(err) == ClassConflict }
func IsThrottled(err error) bool     { return ClassOf(err) == ClassThrottled }
func IsPermission(err error) bool    { return ClassOf(err) == ClassPermission }
func IsAuth(err error) bool          { return ClassOf(err) == ClassAuth }
func IsLimitExceeded(err error) bool { return ClassOf(err) == ClassLimitExceeded }
func IsRetryable(err error) bool {
	c := ClassOf(err)
	return c == ClassRetryable || c == ClassThrottled
}

// Predicates for the RAM codes callers act on, so that RAM's vocabulary stays in this package.

// IsRoleNotFound: the role named in the request does not exist (EntityNotExist.Role), as opposed to
// another entity of the same request (the policy of an attach, say).
func IsRoleNotFound(err error) bool { return notFoundOf(err, "Role") }

// IsPolicyNotFound: the policy named in the request does not exist (EntityNotExist.Policy).
func IsPolicyNotFound(err error) bool { return notFoundOf(err, "Policy") }

// IsWeakPassword: the password breaks the account's password policy (InvalidParameter.Password.TooWeak,
// RAM's one code for every rule).
func IsWeakPassword(err error) bool { return HasCode(err, "InvalidParameter.Password.TooWeak") }

// IsUserNotFound: the user named in the request does not exist (EntityNotExist.User), as opposed to one
// of its parts (login profile, MFA device, membership).
func IsUserNotFound(err error) bool { return notFoundOf(err, "User") }

// IsNotInGroup: the user is not a member of the group (EntityNotExist.User.Group).
func IsNotInGroup(err error) bool { return notFoundOf(err, "User.Group") }

// IsNoMFADevice: the user has no MFA device bound (EntityNotExist.User.MFADevice).
func IsNoMFADevice(err error) bool { return notFoundOf(err, "User.MFADevice") }

// IsMFADeviceNotFound: the virtual MFA device named by its serial number does not exist
// (EntityNotExist.VirtualMFADevice).
func IsMFADeviceNotFound(err error) bool { return notFoundOf(err, "VirtualMFADevice") }

// notFoundOf reports whether err is NotFound for the given entity kind ("Role", "User", "Policy",
// "User.LoginProfile"): codes name the entity (EntityNotExist.Role ...).
func notFoundOf(err error, kind string) bool {
	return HasCode(err, "EntityNotExist."+kind)
}

// HasCode reports whether err is an *APIError with exactly this code.
func HasCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == code
}

// Classify maps an error code and HTTP status to a Class.
func Classify(code string, status int) Class {
	switch {
	case code == "SignatureDoesNotMatch", code == "IncompleteSignature",
		strings.HasPrefix(code, "InvalidAccessKeyId"), strings.HasPrefix(code, "InvalidSecurityToken"),
		code == "MissingSecurityToken", strings.HasPrefix(code, "InvalidTimeStamp"):
		return ClassAuth
	case strings.Contains(code, "Throttling"), status == 429:
		return ClassThrottled
	case strings.HasPrefix(code, "EntityNotExist"):
		return ClassNotFound
	case strings.HasPrefix(code, "EntityAlreadyExists"):
		return ClassAlreadyExists
	case strings.HasPrefix(code, "DeleteConflict"):
		return ClassConflict
	case strings.HasPrefix(code, "LimitExceeded"):
		return ClassLimitExceeded
	case code == "NoPermission", strings.HasPrefix(code, "Forbidden"), code == "Inactive":
		return ClassPermission
	case strings.HasPrefix(code, "InvalidParameter"), strings.HasPrefix(code, "Malformed"),
		strings.HasPrefix(code, "Missing"), code == "InvalidVersion", strings.HasPrefix(code, "InvalidAction"):
		return ClassInvalid
	case code == "ServiceUnavailable", code == "InternalError", code == "SDK.TimeoutError", status >= 500:
		return ClassRetryable
	case status == 404:
		return ClassNotFound
	case status == 403:
		return ClassPermission
	}
	return ClassUnknown
}

// wrapError turns whatever the SDK returned into an *APIError; secrets are scrubbed from messages.
func wrapError(service, action string, err error, secrets []string) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		msg := se.Message()
		if i := strings.Index(msg, sdkerrors.MessageContain); i >= 0 {
			// The server's string-to-sign holds the AccessKeyId and token: never surface it.
			msg = strings.TrimSpace(msg[:i])
		}
		if code == "" && len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		e := &APIError{
			Service: service, Action: action, Code: code, Message: scrub(msg, secrets),
			RequestID: se.RequestId(), Recommend: scrub(se.Recommend(), secrets), HTTPStatus: se.HttpStatus(),
		}
		if e.Code == "" {
			e.Code = fmt.Sprintf("HTTP%d", e.HTTPStatus)
		}
		e.Class = Classify(code, e.HTTPStatus) // an auth error's Hint is the Client's (wrapAttemptError)
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &APIError{Service: service, Action: action, Code: "ContextDone", Message: scrub(err.Error(), secrets), cause: err}
	}
	var ce *sdkerrors.ClientError
	if errors.As(err, &ce) {
		cls := ClassUnknown
		if ce.ErrorCode() == sdkerrors.TimeoutErrorCode {
			cls = ClassRetryable
		}
		if ce.OriginError() != nil && isTransport(ce.OriginError()) {
			cls = ClassRetryable
		}
		return &APIError{Service: service, Action: action, Code: ce.ErrorCode(), Message: scrub(ce.Message(), secrets), Class: cls, cause: err}
	}
	cls := ClassUnknown
	code := "ClientError"
	hint := ""
	if isTransport(err) {
		cls, code = ClassRetryable, "TransportError"
	} else if isCertificate(err) {
		code = "TLSCertificateError"
		hint = "the endpoint's TLS certificate is not trusted: add its CA to the system trust store or point SSL_CERT_FILE at it"
	}
	return &APIError{Service: service, Action: action, Code: code, Message: scrub(err.Error(), secrets), Class: cls, Hint: hint, cause: err}
}

func isCertificate(err error) bool {
	return strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:")
}

func isTransport(err error) bool {
	if isCertificate(err) {
		return false // certificate problems do not heal by retrying
	}
	var ue *url.Error
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.As(err, &oe) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}

// urlQuery matches the query string of a request URL inside an error text: it carries the AccessKeyId,
// SecurityToken and Signature, so it is never shown.
var urlQuery = regexp.MustCompile(`(https?://[^/\s"?]+)/?\?[^\s"]*`)

// scrub removes request query strings and any known secret value from s.
func scrub(s string, secrets []string) string {
	s = urlQuery.ReplaceAllString(s, "$1/")
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}
