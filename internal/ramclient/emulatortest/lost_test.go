package emulatortest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkcreds "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

// Lost answers and proofs of authorship through the real SDK against the emulator: a write that RAM carried
// out but whose answer never came back, and an entity left by an earlier, interrupted create.

// lossy serves the emulator and loses the answers of the next n calls of chosen actions: each such call is
// carried out (and committed) by the emulator, then the connection is reset, as a network failure does.
type lossy struct {
	emu  *ramemu.Server
	url  string
	mu   sync.Mutex
	lose map[string]int
}

func (l *lossy) loseNext(action string, n int) {
	l.mu.Lock()
	l.lose[action] += n
	l.mu.Unlock()
}

func (l *lossy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	action := r.Form.Get("Action")
	l.mu.Lock()
	drop := l.lose[action] > 0
	if drop {
		l.lose[action]--
	}
	l.mu.Unlock()
	if !drop {
		l.emu.ServeHTTP(w, r)
		return
	}
	l.emu.ServeHTTP(httptest.NewRecorder(), r) // carried out; the answer goes nowhere
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func startLossy(t *testing.T) (*ramemu.Server, *lossy, *ramclient.Client) {
	emu, l, c, _ := startLossyClock(t)
	return emu, l, c
}

func startLossyClock(t *testing.T) (*ramemu.Server, *lossy, *ramclient.Client, *ramemu.FakeClock) {
	t.Helper()
	clock := ramemu.NewFakeClock(time.Now())
	emu, err := ramemu.New(ramemu.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	l := &lossy{emu: emu, lose: map[string]int{}}
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	l.url = srv.URL
	return emu, l, rootClient(t, srv.URL, acctA, acctA), clock
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func accountA(t *testing.T, emu *ramemu.Server) ramemu.AccountDump {
	t.Helper()
	for _, a := range emu.State().Accounts {
		if a.ID == acctA {
			return a
		}
	}
	t.Fatal("no account A in the emulator")
	return ramemu.AccountDump{}
}

const trustB = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root"]}}]}`

func roleInput(tags map[string]string) ramclient.CreateRoleInput {
	return ramclient.CreateRoleInput{Name: "ops", TrustPolicy: trustB, Description: "operators", Tags: tags,
		Marker: ramclient.Marker{Owner: "test_role", Config: []string{trustB, "operators"}}}
}

// TestCreateRoleLostAnswerAdopts: CreateRole's answer is lost; the retry meets the role it made itself and,
// finding its marker, returns it instead of "already exists". Tags and marker were written by CreateRole.
func TestCreateRoleLostAnswerAdopts(t *testing.T) {
	emu, l, c := startLossy(t)
	ctx := testCtx(t)
	l.loseNext("CreateRole", 1)
	r, err := c.CreateRole(ctx, roleInput(map[string]string{"team": "kafka"}))
	if err != nil {
		t.Fatalf("CreateRole after a lost answer: %v", err)
	}
	if !r.Adopted || r.Name != "ops" || r.Tags["team"] != "kafka" || len(r.Tags) != 1 {
		t.Errorf("role %+v: want the role adopted with its user tags only", r)
	}
	roles := accountA(t, emu).Roles
	if len(roles) != 1 || roles[0].Tags["team"] != "kafka" || roles[0].Tags[ramclient.MarkerTagKey] == "" {
		t.Fatalf("roles in RAM: %+v", roles)
	}
	if n := c.CallCount()["Ram.TagResources"]; n != 0 {
		t.Errorf("tags must go with CreateRole, TagResources called %d times", n)
	}
}

// TestCreateRoleProofOfAuthorship: an existing role is adopted only with this create's marker.
func TestCreateRoleProofOfAuthorship(t *testing.T) {
	_, _, c := startLossy(t)
	ctx := testCtx(t)
	first, err := c.CreateRole(ctx, roleInput(nil))
	if err != nil || first.Adopted {
		t.Fatalf("first create: %+v %v", first, err)
	}
	// The same configuration again (the apply after an interrupted one): adopted.
	again, err := c.CreateRole(ctx, roleInput(nil))
	if err != nil || !again.Adopted || again.ID != first.ID {
		t.Fatalf("same configuration: %+v %v", again, err)
	}
	// Other arguments: another configuration's role.
	other := roleInput(nil)
	other.Marker.Config = []string{trustB, "someone else"}
	_, err = c.CreateRole(ctx, other)
	var notOurs *ramclient.NotCreatedHereError
	if !errors.As(err, &notOurs) || !ramclient.IsAlreadyExists(err) || notOurs.Kind != "role" {
		t.Fatalf("other configuration: want NotCreatedHereError, got %v", err)
	}
	// No marker at all: made outside the provider.
	if _, err := c.CreateRole(ctx, ramclient.CreateRoleInput{Name: "plain", TrustPolicy: trustB}); err != nil {
		t.Fatal(err)
	}
	foreign := roleInput(nil)
	foreign.Name = "plain"
	if _, err = c.CreateRole(ctx, foreign); !errors.As(err, &notOurs) {
		t.Fatalf("unmarked role: want NotCreatedHereError, got %v", err)
	}
}

// TestCreatePolicyLostAnswerAdopts is TestCreateRoleLostAnswerAdopts for CreatePolicy.
func TestCreatePolicyLostAnswerAdopts(t *testing.T) {
	emu, l, c := startLossy(t)
	ctx := testCtx(t)
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:Get*","Resource":"*"}]}`
	in := ramclient.CreatePolicyInput{Name: "read", Document: doc, Marker: ramclient.Marker{Owner: "test_policy", Config: []string{doc}}}
	l.loseNext("CreatePolicy", 1)
	p, err := c.CreatePolicy(ctx, in)
	if err != nil || !p.Adopted || p.DefaultVersion != "v1" {
		t.Fatalf("CreatePolicy after a lost answer: %+v %v", p, err)
	}
	if ps := accountA(t, emu).Policies; len(ps) != 1 || len(ps[0].Versions) != 1 {
		t.Fatalf("policies in RAM: %+v", ps)
	}
}

// TestCreatePolicyVersionLostAnswer: a lost CreatePolicyVersion is not sent again when the version it made
// is there; exactly one new version exists.
func TestCreatePolicyVersionLostAnswer(t *testing.T) {
	emu, l, c := startLossy(t)
	ctx := testCtx(t)
	doc1 := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:Get*","Resource":"*"}]}`
	doc2 := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:List*","Resource":"*"}]}`
	if _, err := c.CreatePolicy(ctx, ramclient.CreatePolicyInput{Name: "read", Document: doc1}); err != nil {
		t.Fatal(err)
	}
	l.loseNext("CreatePolicyVersion", 1)
	v, err := c.CreatePolicyVersion(ctx, "read", doc2, true, true)
	if err != nil || v.ID != "v2" || !v.IsDefault {
		t.Fatalf("CreatePolicyVersion after a lost answer: %+v %v", v, err)
	}
	if ps := accountA(t, emu).Policies; len(ps[0].Versions) != 2 || ps[0].DefaultVersion != "v2" {
		t.Fatalf("versions in RAM: %+v", ps[0])
	}
	if n := c.CallCount()["Ram.CreatePolicyVersion"]; n != 1 {
		t.Errorf("CreatePolicyVersion sent %d times, want 1", n)
	}
}

// TestAttachLostAnswer: an attach whose answer was lost meets "already attached" on the retry: success.
func TestAttachLostAnswer(t *testing.T) {
	emu, l, c := startLossy(t)
	ctx := testCtx(t)
	if _, err := c.CreateRole(ctx, roleInput(nil)); err != nil {
		t.Fatal(err)
	}
	l.loseNext("AttachPolicyToRole", 1)
	if err := c.AttachPolicyToRole(ctx, "ops", "System", "AliyunKafkaFullAccess"); err != nil {
		t.Fatalf("attach after a lost answer: %v", err)
	}
	if n := c.CallCount()["Ram.AttachPolicyToRole"]; n != 2 {
		t.Errorf("AttachPolicyToRole sent %d times, want 2 (the lost one and the retry)", n)
	}
	if as := accountA(t, emu).Attachments; len(as) != 1 {
		t.Fatalf("attachments: %+v", as)
	}
}

// TestCreateAccessKeyLostAnswer: a lost CreateAccessKey is never sent again blind: the key it made (whose
// secret is gone) is deleted and a fresh one created, so the user holds exactly the key returned.
func TestCreateAccessKeyLostAnswer(t *testing.T) {
	emu, l, c := startLossy(t)
	ctx := testCtx(t)
	if _, err := c.CreateUser(ctx, ramclient.CreateUserInput{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	l.loseNext("CreateAccessKey", 2)
	k, err := c.CreateAccessKey(ctx, "app")
	if err != nil || k.Secret == "" {
		t.Fatalf("CreateAccessKey after two lost answers: %+v %v", k, err)
	}
	users := accountA(t, emu).Users
	if len(users) != 1 || len(users[0].AccessKeys) != 1 || users[0].AccessKeys[0].ID != k.ID {
		t.Fatalf("the user must hold exactly the returned key %s: %+v", k.ID, users)
	}
	if n := c.CallCount()["Ram.CreateAccessKey"]; n != 3 {
		t.Errorf("CreateAccessKey sent %d times, want 3", n)
	}
}

// TestCreateUserWitness: a user is adopted only as its witness policy allows.
func TestCreateUserWitness(t *testing.T) {
	emu, l, c, clock := startLossyClock(t)
	ctx := testCtx(t)
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::1000000000000002:role/ops"}]}`
	witnessIn := func(user string) ramclient.CreatePolicyInput {
		return ramclient.CreatePolicyInput{Name: "AssumeRole-" + user, Document: doc,
			Marker: ramclient.Marker{Owner: "test_user/" + user, Config: []string{"Alice"}}}
	}
	userIn := func(user string, w *ramclient.Policy) ramclient.CreateUserInput {
		return ramclient.CreateUserInput{Name: user, DisplayName: "Alice", Witness: w,
			MayHold: ramclient.UserHoldings{Policies: []ramclient.AttachedPolicy{{Type: "Custom", Name: w.Name}}}}
	}

	// The answer of CreateUser is lost: the retry adopts the user and binds the witness to it.
	w, err := c.CreatePolicy(ctx, witnessIn("alice"))
	if err != nil {
		t.Fatal(err)
	}
	l.loseNext("CreateUser", 1)
	u, err := c.CreateUser(ctx, userIn("alice", w))
	if err != nil || !u.Adopted {
		t.Fatalf("CreateUser after a lost answer: %+v %v", u, err)
	}
	var bound string
	for _, p := range accountA(t, emu).Policies {
		if p.Name == w.Name {
			bound = p.Tags[ramclient.WitnessUserIDTagKey]
		}
	}
	if bound != u.ID {
		t.Fatalf("the witness is bound to %q, want the user's ID %s", bound, u.ID)
	}

	// The next apply after an interruption: the witness (adopted) vouches for the user by its ID.
	w2, err := c.CreatePolicy(ctx, witnessIn("alice"))
	if err != nil || !w2.Adopted || w2.BoundUserID != u.ID {
		t.Fatalf("witness again: %+v %v", w2, err)
	}
	if u2, err := c.CreateUser(ctx, userIn("alice", w2)); err != nil || !u2.Adopted || u2.ID != u.ID {
		t.Fatalf("adopting by the bound witness: %+v %v", u2, err)
	}

	// Someone else's user met right after a new witness, with no answer lost: never ours.
	if _, err := c.CreateUser(ctx, ramclient.CreateUserInput{Name: "bob", DisplayName: "Alice"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	wb, err := c.CreatePolicy(ctx, witnessIn("bob"))
	if err != nil {
		t.Fatal(err)
	}
	var notOurs *ramclient.NotCreatedHereError
	if _, err := c.CreateUser(ctx, userIn("bob", wb)); !errors.As(err, &notOurs) || notOurs.Kind != "user" {
		t.Fatalf("someone else's user: want NotCreatedHereError, got %v", err)
	}

	// The witness exists already (an interrupted apply made it) and is not bound: the user must be no older
	// than it, have this configuration's profile and hold nothing else. refused: the witness of name, made
	// again (adopted), does not vouch for the user, for a reason that mentions reason.
	refused := func(name, what, reason string) {
		t.Helper()
		w, err := c.CreatePolicy(ctx, witnessIn(name))
		if err != nil || !w.Adopted {
			t.Fatalf("witness of %s again: %+v %v", name, w, err)
		}
		if _, err := c.CreateUser(ctx, userIn(name, w)); !errors.As(err, &notOurs) || !strings.Contains(notOurs.Reason, reason) {
			t.Fatalf("%s: want NotCreatedHereError, got %v", what, err)
		}
	}
	// userAfterWitness makes name's witness, then a minute later the user with displayName.
	userAfterWitness := func(name, displayName string) *ramclient.User {
		t.Helper()
		if _, err := c.CreatePolicy(ctx, witnessIn(name)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		u, err := c.CreateUser(ctx, ramclient.CreateUserInput{Name: name, DisplayName: displayName})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	refused("bob", "a user older than its witness", "before policy")
	userAfterWitness("carol", "Carol")
	refused("carol", "a user with another profile", "display name")

	// What an apply killed between CreateUser and the binding leaves: the witness, then the user as this
	// configuration makes it. The weaker proof holds, and the witness is bound to the user from now on.
	dave := userAfterWitness("dave", "Alice")
	wd, err := c.CreatePolicy(ctx, witnessIn("dave"))
	if err != nil || !wd.Adopted || wd.BoundUserID != "" {
		t.Fatalf("witness of dave again: %+v %v", wd, err)
	}
	if u, err := c.CreateUser(ctx, userIn("dave", wd)); err != nil || !u.Adopted || u.ID != dave.ID {
		t.Fatalf("adopting by the weaker proof: %+v %v", u, err)
	}
	if wd, err = c.CreatePolicy(ctx, witnessIn("dave")); err != nil || wd.BoundUserID != dave.ID {
		t.Fatalf("the witness should now be bound to %s: %+v %v", dave.ID, wd, err)
	}

	// The same, but someone put the user in a group meanwhile: nothing this provider creates does that.
	userAfterWitness("erin", "Alice")
	rc := sdkRAM(t, l)
	cg := ram.CreateCreateGroupRequest()
	cg.GroupName = "ops"
	if _, err := rc.CreateGroup(cg); err != nil {
		t.Fatal(err)
	}
	ag := ram.CreateAddUserToGroupRequest()
	ag.GroupName, ag.UserName = "ops", "erin"
	if _, err := rc.AddUserToGroup(ag); err != nil {
		t.Fatal(err)
	}
	refused("erin", "a user in a group", "group ops")
}

// sdkRAM is a raw SDK client of account A on the lossy server, for what ramclient does not do.
func sdkRAM(t *testing.T, l *lossy) *ram.Client {
	t.Helper()
	ka := accountKeys(acctA)
	cfg := sdk.NewConfig().WithScheme("HTTP")
	rc, err := ram.NewClientWithOptions("cn-hangzhou", cfg, sdkcreds.NewAccessKeyCredential(ka.AccessKeyID, ka.AccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	rc.Domain = strings.TrimPrefix(l.url, "http://")
	return rc
}
