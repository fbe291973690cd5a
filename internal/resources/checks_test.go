package resources_test

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// checkGone is a check that an entity (what, e.g. "role kafka-ops") no longer exists: get, its read with
// the raw SDK, fails with an error naming notFound, RAM's code for it missing.
func checkGone(what string, get func() error, notFound string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := get(); err == nil {
			return fmt.Errorf("%s still exists", what)
		} else if !strings.Contains(err.Error(), notFound) {
			return err
		}
		return nil
	}
}

// checkEmulatorTags asserts the configuration's tags (the provider's marker and Alibaba Cloud's own tags
// are not among them) of account A's role or policy (kind "role" | "policy") in the emulator; skipped on
// real Alibaba Cloud.
func checkEmulatorTags(e *acctest.Env, kind, name string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Emulator == nil {
			return nil
		}
		for _, a := range e.Emulator.State().Accounts {
			if a.ID != e.A.ID {
				continue
			}
			named := map[string]map[string]string{}
			switch kind {
			case "role":
				for _, r := range a.Roles {
					named[strings.ToLower(r.Name)] = r.Tags
				}
			case "policy":
				for _, p := range a.Policies {
					named[strings.ToLower(p.Name)] = p.Tags
				}
			}
			if tags, ok := named[strings.ToLower(name)]; ok {
				if fmt.Sprint(ramclient.UserTags(tags)) != fmt.Sprint(want) {
					return fmt.Errorf("%s %s has tags %v, want %v", kind, name, tags, want)
				}
				return nil
			}
		}
		return fmt.Errorf("%s %s not found in the emulator", kind, name)
	}
}

// delegatedUserHCL is a configuration of aliram_delegated_user.test named name in account B (the aliramb block of
// SeparateProviderConfig, which it includes); body holds the user's other arguments, one a line.
func delegatedUserHCL(e *acctest.Env, name, body string) string {
	return e.SeparateProviderConfig() + fmt.Sprintf(`
resource "aliram_delegated_user" "test" {
  provider = aliramb
  name     = %q
%s}
`, name, strings.TrimPrefix(body, "\n"))
}
