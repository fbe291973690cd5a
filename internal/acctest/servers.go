package acctest

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/aliram/terraform-provider-aliram/internal/provider"
)

// The test harness serves each factory once and the CLI sends every provider block of that provider (all
// aliases) to the same in-process server, where the last ConfigureProvider wins: with aliram and aliram.b in
// one configuration, resources of one block can run with the other block's credentials. (Outside tests the
// CLI starts one plugin process per provider block, so real use is not affected.) A test configuration that
// uses several provider blocks at once therefore gives each block its own provider name, served by its own
// server: the default block stays "aliram", account B is "aliramb" (see ProviderConfig), others are added
// with FactoriesWith, and resources pick them with `provider = <name>` (types keep their aliram_ prefix).

// FactoriesWith returns the aliram factory plus one separate server of the same provider per extra name.
func FactoriesWith(names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	f := map[string]func() (tfprotov6.ProviderServer, error){}
	for k, v := range ProtoV6ProviderFactories {
		f[k] = v
	}
	for _, n := range names {
		f[n] = providerserver.NewProtocol6WithError(provider.New("test")())
	}
	return f
}

// NamedProviderBlock renders a provider block for the provider name (as given to FactoriesWith) with a key.
func (e *Env) NamedProviderBlock(name string, key Key, extra string) string {
	return strings.Replace(e.ProviderBlockWith("", key, extra), `provider "aliram" {`, `provider "`+name+`" {`, 1)
}

// SeparateProviderConfig is ProviderConfig; kept for the tests that name it.
func (e *Env) SeparateProviderConfig() string { return e.ProviderConfig() }
