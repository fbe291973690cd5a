package ramclient

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A client without credentials is built without error; each call fails at once with the reason, nothing is
// sent and nothing is retried.
func TestUnavailableCredentials(t *testing.T) {
	f := newFake(t)
	f.on("GetRole", seq(resp(200, roleBody("ops"))))
	reason := errors.New("no credentials found: set access_key and secret_key in the provider block")
	c := newTestClient(t, f, func(cfg *Config) { cfg.Credentials = UnavailableCredentials(reason) })

	_, err := c.GetRole(context.Background(), "ops")
	if err == nil {
		t.Fatal("GetRole succeeded without credentials")
	}
	if !IsNoCredentials(err) || !IsAuth(err) || !errors.Is(err, reason) {
		t.Errorf("error %v: IsNoCredentials %v, IsAuth %v, wraps the reason %v", err, IsNoCredentials(err), IsAuth(err), errors.Is(err, reason))
	}
	if want := "RAM GetRole: CredentialsError: cannot obtain credentials: the provider's credentials cannot be built: no credentials found: set access_key and secret_key in the provider block"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
	if _, err := c.AccountID(context.Background()); !IsNoCredentials(err) {
		t.Errorf("AccountID: %v, want the missing credentials", err)
	}
	if n := f.count("GetRole") + f.count("GetCallerIdentity"); n != 0 {
		t.Errorf("%d requests reached the service, want none", n)
	}
	if IsNoCredentials(errors.New("other")) {
		t.Error("IsNoCredentials of an unrelated error")
	}
}
