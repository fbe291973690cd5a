package ramclient

import (
	"errors"

	"github.com/aliyun/credentials-go/credentials"
)

// NoCredentialsError is what every call of a client without usable credentials returns (wrapped in an
// *APIError of class ClassAuth): the reason the provider block's credentials could not be built, which names
// what to set.
type NoCredentialsError struct{ Reason error }

func (e *NoCredentialsError) Error() string {
	return "the provider's credentials cannot be built: " + e.Reason.Error()
}
func (e *NoCredentialsError) Unwrap() error { return e.Reason }

// IsNoCredentials reports whether err comes from a client built with UnavailableCredentials.
func IsNoCredentials(err error) bool {
	var e *NoCredentialsError
	return errors.As(err, &e)
}

// UnavailableCredentials stands in for the credentials of a provider block that has none (or whose source
// cannot be built). A client built with it is valid and makes no call until asked to; every call then fails
// with reason, before anything is sent. So a provider block that only serves what calls no API (policy
// documents, provider functions: a default block nobody wrote) configures without credentials.
func UnavailableCredentials(reason error) credentials.Credential {
	return unavailableCredential{err: &NoCredentialsError{Reason: reason}}
}

type unavailableCredential struct{ err *NoCredentialsError }

func (c unavailableCredential) GetAccessKeyId() (*string, error)     { return nil, c.err }
func (c unavailableCredential) GetAccessKeySecret() (*string, error) { return nil, c.err }
func (c unavailableCredential) GetSecurityToken() (*string, error)   { return nil, c.err }
func (c unavailableCredential) GetBearerToken() *string              { return nil }
func (c unavailableCredential) GetCredential() (*credentials.CredentialModel, error) {
	return nil, c.err
}
func (c unavailableCredential) GetType() *string {
	t := "unavailable"
	return &t
}
