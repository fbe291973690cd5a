package ramemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// wantLost asserts that an SDK call failed without any answer from the server (no ServerError).
func wantLost(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want a lost answer, got success")
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		t.Fatalf("want a lost answer, got an answer: %s (%d)", se.ErrorCode(), se.HttpStatus())
	}
}

func (e *testEnv) setDropRate(p float64) map[string]float64 {
	e.t.Helper()
	resp, err := http.Post(e.ts.URL+"/_emulator/faults", "application/json", strings.NewReader(fmt.Sprintf(`{"drop_response_rate":%v}`, p)))
	must(e.t, err)
	defer resp.Body.Close()
	var out map[string]float64
	must(e.t, json.NewDecoder(resp.Body).Decode(&out))
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST /_emulator/faults: %d %v", resp.StatusCode, out)
	}
	return out
}

// TestDropResponseCommitsTheWrite: under a drop rate of 1 a CreateRole whose answer is lost (the SDK call
// fails with a connection error, not a RAM error) has still created the role.
func TestDropResponseCommitsTheWrite(t *testing.T) {
	e := newEnv(t, Options{DropResponseRate: 1, Seed: 7})
	a := e.rootA()
	req := ram.CreateCreateRoleRequest()
	req.RoleName, req.AssumeRolePolicyDocument = "lost-answer", trustB
	_, err := a.CreateRole(req)
	wantLost(t, err)
	// Reads keep their answers, so the role can be seen at once.
	r, err := getRole(a, "lost-answer")
	must(t, err)
	if r.Role.AssumeRolePolicyDocument != trustB {
		t.Fatalf("role %+v", r.Role)
	}
	// A write that fails loses its answer too: the client cannot tell it from one that succeeded.
	_, err = a.CreateRole(req)
	wantLost(t, err)
	st := e.srv.Stats()
	if st.Dropped["Ram.CreateRole"] != 2 || st.Calls["Ram.CreateRole"] != 2 || st.Errors["EntityAlreadyExists.Role"] != 0 {
		t.Fatalf("stats %+v", st)
	}

	if got := e.setDropRate(0); got["drop_response_rate"] != 0 {
		t.Fatalf("admin answered %v", got)
	}
	_, err = a.CreateRole(req)
	wantErr(t, err, "EntityAlreadyExists.Role", 409)
	req.RoleName = "answered"
	_, err = a.CreateRole(req)
	must(t, err)
	if st := e.srv.Stats(); st.Dropped["Ram.CreateRole"] != 2 || st.Calls["Ram.CreateRole"] != 4 {
		t.Fatalf("stats after reset %+v", st)
	}
}

// TestDropResponseRateIsSeeded: with a rate below 1 some answers are lost and some not, every write is
// carried out either way, and the emulator's count of lost answers is the client's count of failures.
func TestDropResponseRateIsSeeded(t *testing.T) {
	e := newEnv(t, Options{DropResponseRate: 0.5, Seed: 42})
	a := e.rootA()
	failed := 0
	for i := 0; i < 30; i++ {
		req := ram.CreateCreateUserRequest()
		req.UserName = fmt.Sprintf("u%02d", i)
		if _, err := a.CreateUser(req); err != nil {
			wantLost(t, err)
			failed++
		}
	}
	if failed == 0 || failed == 30 {
		t.Fatalf("%d of 30 answers lost at rate 0.5", failed)
	}
	if got := e.srv.Stats().Dropped["Ram.CreateUser"]; got != int64(failed) {
		t.Fatalf("emulator counted %d lost answers, the client %d", got, failed)
	}
	if users := e.srv.State().Accounts[0].Users; len(users) != 30 {
		t.Fatalf("%d users created", len(users))
	}
}

func TestDropResponseRateValidated(t *testing.T) {
	for _, p := range []float64{-0.1, 1.5} {
		if _, err := New(Options{DropResponseRate: p}); err == nil {
			t.Errorf("drop rate %v accepted", p)
		}
	}
	e := newEnv(t, Options{})
	resp, err := http.Post(e.ts.URL+"/_emulator/faults", "application/json", strings.NewReader(`{"drop_response_rate":2}`))
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("rate 2 via admin: %d", resp.StatusCode)
	}
	resp, err = http.Get(e.ts.URL + "/_emulator/faults")
	must(t, err)
	var out map[string]float64
	must(t, json.NewDecoder(resp.Body).Decode(&out))
	resp.Body.Close()
	if v, ok := out["drop_response_rate"]; !ok || v != 0 {
		t.Fatalf("GET /_emulator/faults: %v", out)
	}
}
