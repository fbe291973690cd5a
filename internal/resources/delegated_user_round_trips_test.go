package resources_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aliram/terraform-provider-aliram/internal/acctest"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// roundTripLatency makes every call last long enough that calls made together surely overlap.
const roundTripLatency = 100 * time.Millisecond

// roundTripsUser starts an emulator with roundTripLatency and returns the configuration of a user holding
// everything a delegated user can (a grant of a role in A, a login profile, an AccessKey), with the role's name.
func roundTripsUser(t *testing.T) (e *acctest.Env, role, name, config string) {
	e = acctest.NewWithOptions(t, ramemu.Options{Latency: roundTripLatency})
	e.NeedsEmulator(t, "call timings come from the emulator")
	role, name = acctest.RandomName("role"), acctest.RandomName("trips")
	config = delegatedUserHCL(e, name, fmt.Sprintf(`
  assumable_role_arns = [%q]
  console_login       = { password = "Trips-Passw0rd-1" }
  programmatic_access = {}
`, roleInA(t, e, role)))
	return e, role, name, config
}

// TestAccDelegatedUser_refreshRoundTrips: once GetUser has answered, a refresh reads the user's policies, login
// profile, AccessKeys and groups together, so it waits for two round trips of latency, not five. Measured
// from when the emulator received and answered each call, not from wall time, so a loaded machine does not
// change the verdict.
func TestAccDelegatedUser_refreshRoundTrips(t *testing.T) {
	e, role, name, config := roundTripsUser(t)
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{
		{Config: config},
		{PreConfig: e.CallLog.Reset, RefreshState: true, Check: func(*terraform.State) error {
			calls := e.CallLog.Calls()
			subject := "User/" + name
			reads := 0
			for _, c := range calls {
				if c.Subject == subject && c.Action == "GetUser" {
					reads++
				}
			}
			if reads == 0 {
				return fmt.Errorf("the refresh did not read the user: %+v", calls)
			}
			if n := acctest.MaxInFlight(calls)[subject]; n < 4 {
				return fmt.Errorf("at most %d of the user's reads were in flight together, want its 4 lists at once", n)
			}
			if n := acctest.RoundTrips(calls)[subject]; n > 2*reads {
				return fmt.Errorf("%d reads of the user waited for %d round trips, want 2 each", reads, n)
			}
			return nil
		}},
	})
}

// TestAccDelegatedUser_createRoundTrips: after the witness policy and the user, made in that order for the
// authorship proof, the user's grant, login profile and AccessKey need nothing of each other and are created
// together: one round trip of latency for the three, not three.
func TestAccDelegatedUser_createRoundTrips(t *testing.T) {
	e, role, name, config := roundTripsUser(t)
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkNothingLeftAfter(t, e, role), []resource.TestStep{{
		PreConfig: e.CallLog.Reset,
		Config:    config,
		Check: func(*terraform.State) error {
			var writes []acctest.Call
			for _, c := range e.CallLog.Calls() {
				switch c.Action {
				case "AttachPolicyToUser", "CreateLoginProfile", "CreateAccessKey":
					writes = append(writes, c)
				}
			}
			if len(writes) != 3 {
				return fmt.Errorf("want one AttachPolicyToUser, CreateLoginProfile and CreateAccessKey, got %+v", writes)
			}
			if n := acctest.MaxInFlight(writes)["User/"+name]; n != 3 {
				return fmt.Errorf("at most %d of the grant, login profile and AccessKey were in flight together, want all 3", n)
			}
			return nil
		},
	}})
}

// TestAccDelegatedUser_destroyRoundTrips: destroy removes what the user holds, every kind at once (its
// AccessKeys, login profile, policies, groups and MFA device need nothing of each other), before deleting it.
func TestAccDelegatedUser_destroyRoundTrips(t *testing.T) {
	e, role, name, config := roundTripsUser(t)
	nothingLeft := checkNothingLeftAfter(t, e, role)
	checkDestroy := func(s *terraform.State) error {
		var removals []acctest.Call
		for _, c := range e.CallLog.Calls() {
			switch c.Action {
			case "DeleteLoginProfile", "GetUserMFAInfo":
				removals = append(removals, c)
			}
		}
		if n := acctest.MaxInFlight(removals)["User/"+name]; n != 2 {
			return fmt.Errorf("the login profile's removal and the MFA device's lookup were not in flight together (%d at most): %+v", n, removals)
		}
		return nothingLeft(s)
	}
	acctest.TestWith(t, acctest.FactoriesWith("aliramb"), checkDestroy, []resource.TestStep{{
		Config: config,
		Check:  func(*terraform.State) error { e.CallLog.Reset(); return nil },
	}})
}
