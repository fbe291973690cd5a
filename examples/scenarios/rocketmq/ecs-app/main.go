// Command ecs-app is enterprise B's application on an ECS instance in the RocketMQ scenario: it holds no
// AccessKey. It takes the instance RAM role's credentials from the instance metadata service (as every
// Alibaba Cloud SDK does, here through credentials-go's ECS RAM role provider, IMDSv2), exchanges them with
// STS AssumeRole for credentials of enterprise A's role, and shows whom it now acts as. A RocketMQ client
// would be given those credentials (and would renew them before they expire).
//
//	go run ./examples/scenarios/rocketmq/ecs-app -role-arn acs:ram::<A>:role/rocketmq-orders-partner
//
// Off ECS, -metadata-proxy reaches a simulated instance of the bundled emulator (its metadata_endpoint)
// and -sts-endpoint the emulator itself.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkcredentials "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/credentials-go/credentials/providers"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ecs-app:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("ecs-app", flag.ContinueOnError)
	roleARN := fs.String("role-arn", "", "ARN of enterprise A's role to assume (required)")
	session := fs.String("session-name", "orders-producer", "STS session name, shown in A's ActionTrail")
	region := fs.String("region", "cn-hangzhou", "STS region")
	stsEndpoint := fs.String("sts-endpoint", "", "STS endpoint URL (default: the region's sts.<region>.aliyuncs.com)")
	metadataProxy := fs.String("metadata-proxy", "", "HTTP proxy to the metadata service (default: 100.100.100.200 directly)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *roleARN == "" {
		return fmt.Errorf("-role-arn is required")
	}

	// 1. The instance role's credentials: no role name given, so it is read from the metadata service.
	b := providers.NewECSRAMRoleCredentialsProviderBuilder().WithDisableIMDSv1(true)
	if *metadataProxy != "" {
		b = b.WithHttpOptions(&providers.HttpOptions{Proxy: *metadataProxy})
	}
	instance, err := b.Build()
	if err != nil {
		return err
	}
	cc, err := instance.GetCredentials()
	if err != nil {
		return fmt.Errorf("instance role credentials: %w", err)
	}

	// 2. AssumeRole on A's role with them.
	cfg := sdk.NewConfig()
	domain := ""
	if *stsEndpoint != "" {
		u, err := url.Parse(*stsEndpoint)
		if err != nil || u.Host == "" {
			return fmt.Errorf("-sts-endpoint %q is not a URL", *stsEndpoint)
		}
		cfg = cfg.WithScheme(strings.ToUpper(u.Scheme))
		domain = u.Host
	}
	asInstance, err := sts.NewClientWithOptions(*region, cfg, sdkcredentials.NewStsTokenCredential(cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken))
	if err != nil {
		return err
	}
	asInstance.Domain = domain
	req := sts.CreateAssumeRoleRequest()
	req.RoleArn, req.RoleSessionName = *roleARN, *session
	assumed, err := asInstance.AssumeRole(req)
	if err != nil {
		return fmt.Errorf("assuming %s: %w", *roleARN, err)
	}

	// 3. Acting as A's role.
	c := assumed.Credentials
	asA, err := sts.NewClientWithOptions(*region, cfg, sdkcredentials.NewStsTokenCredential(c.AccessKeyId, c.AccessKeySecret, c.SecurityToken))
	if err != nil {
		return err
	}
	asA.Domain = domain
	who, err := asA.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]string{
		"acting_as":  who.Arn,
		"account_id": who.AccountId,
		"expiration": c.Expiration,
	})
}
