package acctest

import (
	"testing"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// ECSInstance declares a simulated ECS instance of account B carrying B's role roleName (the emulator's
// metadata service, see ramemu's doc.go); it is removed when the test ends. The role must exist and trust
// ecs.aliyuncs.com, as ECS requires.
func (e *Env) ECSInstance(t *testing.T, roleName string) (ramemu.ECSInstance, error) {
	t.Helper()
	in, err := e.Emulator.AddECSInstance(ramemu.ECSInstanceSpec{AccountID: e.B.ID, RoleName: roleName, IMDSv2Required: true})
	if err != nil {
		return in, err
	}
	t.Cleanup(func() { _ = e.Emulator.RemoveECSInstance(in.InstanceID) })
	return in, nil
}

// InstanceKey is what an application on the instance holds: the instance role's credentials, obtained the
// way the Alibaba Cloud SDKs do (credentials-go's ECS RAM role provider, IMDSv2, role name from the metadata
// service), with the metadata address reached through the instance's metadata endpoint.
func InstanceKey(in ramemu.ECSInstance) (Key, error) {
	p, err := providers.NewECSRAMRoleCredentialsProviderBuilder().
		WithHttpOptions(&providers.HttpOptions{Proxy: in.MetadataEndpoint}).WithDisableIMDSv1(true).Build()
	if err != nil {
		return Key{}, err
	}
	cc, err := p.GetCredentials()
	if err != nil {
		return Key{}, err
	}
	return Key{ID: cc.AccessKeyId, Secret: cc.AccessKeySecret, Token: cc.SecurityToken}, nil
}
