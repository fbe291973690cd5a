// Command democheck runs one proof of `make demo` (scripts/demo.sh) through the raw Alibaba Cloud SDK.
// On success it prints one line of detail on stdout and exits 0; on failure it prints the reason on stderr and
// exits 1. Secrets never go through the command line or the output: the caller's key comes from -key-file (a
// file written by a previous step) or from DEMO_ACCESS_KEY_ID / DEMO_ACCESS_KEY_SECRET.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aliram/terraform-provider-aliram/internal/demo"
)

const usage = `usage: democheck <command> -endpoint URL [flags]
commands:
  empty ACCOUNT_ID...        the accounts hold no roles, custom policies, attachments or users
  identity                   GetCallerIdentity of the key is -expect-arn
  assume                     AssumeRole -role-arn succeeds; the session key is saved to -save
  refused                    AssumeRole -role-arn is refused with the error code -code
  cannot-write               the key (a role session) cannot change RAM: CreateUser, CreateRole, AttachPolicyToRole
  create-user                create user -name with an AccessKey (saved to -save) and no policy
  attach-user-policy         attach -policy-type/-policy to user -name
  delete-user                delete user -name with its keys and policies`

func main() {
	out, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(out)
}

func run(args []string) (string, error) {
	if len(args) == 0 {
		return "", errors.New(usage)
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	endpoint := fs.String("endpoint", "", "RAM/STS endpoint URL")
	keyFile := fs.String("key-file", "", "caller key saved by an earlier step (default: DEMO_ACCESS_KEY_ID/_SECRET)")
	roleARN := fs.String("role-arn", "", "role to assume")
	session := fs.String("session", "democheck", "role session name")
	extEnv := fs.String("external-id-env", "", "environment variable holding the external ID to pass")
	save := fs.String("save", "", "file to save a new key to (mode 0600)")
	code := fs.String("code", "", "expected error code (prefix)")
	expectARN := fs.String("expect-arn", "", "expected caller ARN")
	roleName := fs.String("role-name", "", "the caller's own role, which it must not widen")
	name := fs.String("name", "", "user name")
	policyType := fs.String("policy-type", "System", "System or Custom")
	policyName := fs.String("policy", "", "policy name")
	if err := fs.Parse(args[1:]); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", cmd, err, usage)
	}
	cloud, err := demo.NewCloud(*endpoint)
	if err != nil {
		return "", err
	}
	caller := func() (demo.Key, error) {
		if *keyFile != "" {
			return demo.ReadKey(*keyFile)
		}
		k := demo.Key{ID: os.Getenv("DEMO_ACCESS_KEY_ID"), Secret: os.Getenv("DEMO_ACCESS_KEY_SECRET")}
		if k.ID == "" || k.Secret == "" {
			return k, errors.New("no caller key: give -key-file or set DEMO_ACCESS_KEY_ID and DEMO_ACCESS_KEY_SECRET")
		}
		return k, nil
	}
	externalID := ""
	if *extEnv != "" {
		if externalID = os.Getenv(*extEnv); externalID == "" {
			return "", fmt.Errorf("%s is empty", *extEnv)
		}
	}
	need := func(flags map[string]string) error {
		for f, v := range flags {
			if v == "" {
				return fmt.Errorf("%s needs -%s", cmd, f)
			}
		}
		return nil
	}
	// callerNeeding checks the flags a command needs, then reads the caller's key.
	callerNeeding := func(flags map[string]string) (demo.Key, error) {
		if err := need(flags); err != nil {
			return demo.Key{}, err
		}
		return caller()
	}

	switch cmd {
	case "empty":
		if fs.NArg() == 0 {
			return "", errors.New("empty needs account IDs")
		}
		if err := cloud.CheckEmpty(fs.Args()...); err != nil {
			return "", err
		}
		return "accounts " + strings.Join(fs.Args(), " and ") + " hold no roles, custom policies, attachments or users", nil

	case "identity":
		k, err := callerNeeding(map[string]string{"expect-arn": *expectARN})
		if err != nil {
			return "", err
		}
		id, err := cloud.CallerIdentity(k)
		if err != nil {
			return "", fmt.Errorf("GetCallerIdentity: %s", demo.Describe(err))
		}
		if !strings.EqualFold(id.ARN, *expectARN) {
			return "", fmt.Errorf("GetCallerIdentity says %s (%s, account %s), expected %s", id.ARN, id.IdentityType, id.AccountID, *expectARN)
		}
		return fmt.Sprintf("%s (%s, account %s)", id.ARN, id.IdentityType, id.AccountID), nil

	case "assume":
		k, err := callerNeeding(map[string]string{"role-arn": *roleARN, "save": *save})
		if err != nil {
			return "", err
		}
		s, err := cloud.AssumeRole(k, *roleARN, *session, externalID)
		if err != nil {
			return "", fmt.Errorf("AssumeRole %s: %s", *roleARN, demo.Describe(err))
		}
		if err := demo.WriteKey(*save, s.Key); err != nil {
			return "", err
		}
		return fmt.Sprintf("session %s, expires %s", s.AssumedRoleARN, s.Expiration), nil

	case "refused":
		k, err := callerNeeding(map[string]string{"role-arn": *roleARN, "code": *code})
		if err != nil {
			return "", err
		}
		got, err := demo.ExpectRefused("AssumeRole "+*roleARN, *code, func() error {
			_, err := cloud.AssumeRole(k, *roleARN, *session, externalID)
			return err
		})
		if err != nil {
			return "", err
		}
		return got, nil

	case "cannot-write":
		k, err := callerNeeding(map[string]string{"role-name": *roleName})
		if err != nil {
			return "", err
		}
		refused, err := cloud.TryWrites(k, *roleName)
		if err != nil {
			return "", err
		}
		return strings.Join(refused, ", ") + " refused: NoPermission", nil

	case "create-user":
		k, err := callerNeeding(map[string]string{"name": *name, "save": *save})
		if err != nil {
			return "", err
		}
		uk, err := cloud.CreateUserWithKey(k, *name)
		if err != nil {
			return "", fmt.Errorf("creating user %s: %s", *name, demo.Describe(err))
		}
		if err := demo.WriteKey(*save, uk); err != nil {
			return "", err
		}
		return "user " + *name + " with an AccessKey and no policy", nil

	case "attach-user-policy":
		k, err := callerNeeding(map[string]string{"name": *name, "policy": *policyName})
		if err != nil {
			return "", err
		}
		if err := cloud.AttachUserPolicy(k, *name, *policyType, *policyName); err != nil {
			return "", fmt.Errorf("attaching %s to %s: %s", *policyName, *name, demo.Describe(err))
		}
		return *policyName + " attached to " + *name, nil

	case "delete-user":
		k, err := callerNeeding(map[string]string{"name": *name})
		if err != nil {
			return "", err
		}
		if err := cloud.DeleteUser(k, *name); err != nil {
			return "", fmt.Errorf("deleting user %s: %s", *name, demo.Describe(err))
		}
		return "user " + *name + " deleted", nil
	}
	return "", fmt.Errorf("unknown command %q\n%s", cmd, usage)
}
