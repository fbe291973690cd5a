package ramemu

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// mfaEpoch is 10 s into a 30 s TOTP step, so step arithmetic in the tests is unambiguous.
var mfaEpoch = time.Date(2026, 12, 1, 12, 0, 10, 0, time.UTC)

// mfaEnv is an emulator on a fake clock at mfaEpoch (keeping its state in statePath unless that is ""), with
// account A's root and A's users users.
func mfaEnv(t *testing.T, statePath string, users ...string) (*FakeClock, *testEnv, *ram.Client) {
	t.Helper()
	clock := NewFakeClock(mfaEpoch)
	e := newEnv(t, Options{Clock: clock, StatePath: statePath})
	a := e.rootA()
	for _, u := range users {
		createUser(t, a, u)
	}
	return clock, e, a
}

// codeAt is the code an authenticator shows for seed at t (the test computes it independently of the server).
func codeAt(t *testing.T, seed string, at time.Time) string {
	t.Helper()
	c, err := TOTP(seed, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bindMFA(c *ram.Client, userName, serial, code1, code2 string) error {
	return do(c, "BindMFADevice", "UserName", userName, "SerialNumber", serial, "AuthenticationCode1", code1, "AuthenticationCode2", code2)
}

// bindAt binds device d to userName with the codes an authenticator shows at at and one step later.
func bindAt(t *testing.T, c *ram.Client, userName string, d ram.VirtualMFADevice, at time.Time) error {
	t.Helper()
	return bindMFA(c, userName, d.SerialNumber, codeAt(t, d.Base32StringSeed, at), codeAt(t, d.Base32StringSeed, at.Add(totpStep)))
}

func deleteMFADevice(c *ram.Client, serial string) error {
	return do(c, "DeleteVirtualMFADevice", "SerialNumber", serial)
}

var (
	createMFADevice = fetcher("CreateVirtualMFADevice", "VirtualMFADeviceName", ram.CreateCreateVirtualMFADeviceResponse,
		func(r *ram.CreateVirtualMFADeviceResponse) ram.VirtualMFADevice { return r.VirtualMFADevice })
	getUserMFA = lookup("GetUserMFAInfo", "UserName", ram.CreateGetUserMFAInfoResponse)
	unbindMFA  = lookup("UnbindMFADevice", "UserName", ram.CreateUnbindMFADeviceResponse)
)

func TestVirtualMFADeviceCreateAndList(t *testing.T) {
	_, e, a := mfaEnv(t, "")
	d := createMFADevice(t, a, "alice-phone.1")
	if d.SerialNumber != "acs:ram::"+acctA.ID+":mfa/alice-phone.1" || d.ActivateDate != "" || d.User.UserName != "" {
		t.Fatalf("create %+v", d)
	}
	key, err := decodeSeed(d.Base32StringSeed)
	if err != nil || len(d.Base32StringSeed) != 64 || len(key) != mfaSeedBytes {
		t.Fatalf("seed %q: %d bytes, %v", d.Base32StringSeed, len(key), err)
	}
	raw, err := base64.StdEncoding.DecodeString(d.QRCodePNG)
	if err != nil {
		t.Fatalf("QRCodePNG is not base64: %v", err)
	}
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	d2 := createMFADevice(t, a, "bob-phone")
	if d2.Base32StringSeed == d.Base32StringSeed {
		t.Fatal("two devices got the same seed")
	}

	q := ram.CreateCreateVirtualMFADeviceRequest()
	q.VirtualMFADeviceName = "ALICE-PHONE.1"
	_, err = a.CreateVirtualMFADevice(q)
	wantErrMsg(t, err, "EntityAlreadyExists.VirtualMFADevice", 409, "The virtual mfa device does already EXIST.")
	for name, code := range map[string]string{
		"under_score":           "InvalidParameter.VirtualMFADeviceName.InvalidChars",
		strings.Repeat("d", 65): "InvalidParameter.VirtualMFADeviceName.Length",
		"":                      "MissingVirtualMFADeviceName",
	} {
		q := ram.CreateCreateVirtualMFADeviceRequest() // a fresh request: the SDK keeps a reused one's old parameters
		q.VirtualMFADeviceName = name
		_, err = a.CreateVirtualMFADevice(q)
		wantErr(t, err, code, 400)
	}
	// A RAM user without a grant may not create devices.
	createUser(t, a, "nobody")
	k := createKey(t, a, "nobody")
	q = ram.CreateCreateVirtualMFADeviceRequest()
	q.VirtualMFADeviceName = "theirs"
	_, err = e.ram(k.AccessKeyId, k.AccessKeySecret).CreateVirtualMFADevice(q)
	wantErr(t, err, "NoPermission", 403)

	lr, err := a.ListVirtualMFADevices(ram.CreateListVirtualMFADevicesRequest())
	must(t, err)
	got := lr.VirtualMFADevices.VirtualMFADevice
	if len(got) != 2 || got[0].SerialNumber != d.SerialNumber || got[1].SerialNumber != d2.SerialNumber {
		t.Fatalf("list %+v", got)
	}
	for _, g := range got {
		if g.Base32StringSeed != "" || g.QRCodePNG != "" || g.ActivateDate != "" || g.User.UserName != "" {
			t.Fatalf("list shows more than an unbound device's serial: %+v", g)
		}
	}
	// Account B sees none of A's devices.
	lb, err := e.rootB().ListVirtualMFADevices(ram.CreateListVirtualMFADevicesRequest())
	must(t, err)
	if n := len(lb.VirtualMFADevices.VirtualMFADevice); n != 0 {
		t.Fatalf("account B lists %d devices", n)
	}
}

func TestBindMFADeviceWithRealTOTPCodes(t *testing.T) {
	clock, e, a := mfaEnv(t, "", "alice", "bob")
	d := createMFADevice(t, a, "alice-phone")
	seed := d.Base32StringSeed
	now := clock.Now()
	prev, cur, next := codeAt(t, seed, now.Add(-totpStep)), codeAt(t, seed, now), codeAt(t, seed, now.Add(totpStep))

	// Malformed codes are refused before anything is looked up.
	for _, bad := range []string{"12345", "1234567", "12a456"} {
		wantErr(t, bindMFA(a, "alice", d.SerialNumber, bad, cur), "InvalidParameter.AuthenticationCode.Format", 400)
		wantErr(t, bindMFA(a, "alice", d.SerialNumber, cur, bad), "InvalidParameter.AuthenticationCode.Format", 400)
	}
	wantErr(t, bindMFA(a, "alice", d.SerialNumber, "", cur), "MissingAuthenticationCode1", 400)
	wantErr(t, bindMFA(a, "ghost", d.SerialNumber, cur, next), "EntityNotExist.User", 404)
	wantErr(t, bindMFA(a, "alice", "acs:ram::"+acctA.ID+":mfa/nope", cur, next), "EntityNotExist.VirtualMFADevice", 404)
	wantErr(t, bindMFA(a, "alice", "acs:ram::"+acctB.ID+":mfa/alice-phone", cur, next), "EntityNotExist.VirtualMFADevice", 404)

	// Wrong, stale, reversed and non-consecutive codes: CheckAuthenticationCodeFail 403.
	wrong := []byte(cur)
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	stale1, stale2 := codeAt(t, seed, now.Add(-2*totpStep)), prev
	for _, pair := range [][2]string{
		{string(wrong), next}, {cur, string(wrong)}, {stale1, stale2}, {next, cur}, {cur, cur}, {prev, next},
	} {
		wantErrMsg(t, bindMFA(a, "alice", d.SerialNumber, pair[0], pair[1]), "CheckAuthenticationCodeFail", 403, `The parameter - "AuthenticationCode" is inccorrect.`)
	}
	// Codes read from the phone a minute ago are stale by the emulator's clock.
	clock.Advance(2 * totpStep)
	wantErr(t, bindMFA(a, "alice", d.SerialNumber, cur, next), "CheckAuthenticationCodeFail", 403)
	if gi, err := getUserMFA(a, "alice"); err == nil {
		t.Fatalf("a refused bind bound a device: %+v", gi.MFADevice)
	}

	// Current + next, as read just before the step changes.
	now = clock.Now()
	must(t, bindAt(t, a, "alice", d, now))
	gi, err := getUserMFA(a, "alice")
	must(t, err)
	if gi.MFADevice.SerialNumber != d.SerialNumber || gi.MFADevice.Type != "VMFA" {
		t.Fatalf("mfa info %+v", gi.MFADevice)
	}
	lr, err := a.ListVirtualMFADevices(ram.CreateListVirtualMFADevicesRequest())
	must(t, err)
	ld := lr.VirtualMFADevices.VirtualMFADevice[0]
	if ld.User.UserName != "alice" || ld.User.UserId == "" || ld.ActivateDate != fmtDate(now) || ld.Base32StringSeed != "" {
		t.Fatalf("listed bound device %+v", ld)
	}

	// One device per user; one user per device.
	d2 := createMFADevice(t, a, "bob-phone")
	c2, n2 := codeAt(t, d2.Base32StringSeed, now), codeAt(t, d2.Base32StringSeed, now.Add(totpStep))
	wantErrMsg(t, bindMFA(a, "alice", d2.SerialNumber, c2, n2), "EntityAlreadyExists.User.MFADevice", 409, "The user has already bound a MFA device.")
	wantErr(t, bindAt(t, a, "bob", d, now), "EntityAlreadyExists.VirtualMFADevice.User", 409)
	// Previous + current is accepted too.
	must(t, bindMFA(a, "bob", d2.SerialNumber, codeAt(t, d2.Base32StringSeed, now.Add(-totpStep)), c2))

	// A RAM user needs a grant to bind.
	createUser(t, a, "carol")
	k := createKey(t, a, "carol")
	d3 := createMFADevice(t, a, "carol-phone")
	uc := e.ram(k.AccessKeyId, k.AccessKeySecret)
	wantErr(t, bindAt(t, uc, "carol", d3, now), "NoPermission", 403)
}

func TestMFADeviceBlocksDeletes(t *testing.T) {
	clock, _, a := mfaEnv(t, "", "alice", "carol")
	d := createMFADevice(t, a, "alice-phone")
	must(t, bindAt(t, a, "alice", d, clock.Now()))

	wantErrMsg(t, deleteMFADevice(a, d.SerialNumber), "DeleteConflict.VirtualMFADevice.User", 409, "The virtual mfa device CAN NOT been bound to any user while deleting it.")
	wantErrMsg(t, deleteUser(a, "alice"), "DeleteConflict.User.MFADevice", 409, "The user CAN NOT has any mfa device while deleting the user.")
	// The login profile conflict is reported before the MFA device's.
	fetch(t, a, ram.CreateCreateLoginProfileResponse(), "CreateLoginProfile", "UserName", "alice", "Password", "Str0ng-Passw0rd!")
	wantErr(t, deleteUser(a, "alice"), "DeleteConflict.User.LoginProfile", 409)
	must(t, deleteLogin(a, "alice"))

	_, err := getUserMFA(a, "carol")
	wantErrMsg(t, err, "EntityNotExist.User.MFADevice", 404, "The user has not bound any MFA device.")
	_, err = unbindMFA(a, "carol")
	wantErr(t, err, "EntityNotExist.User.MFADevice", 404)
	_, err = unbindMFA(a, "ghost")
	wantErr(t, err, "EntityNotExist.User", 404)

	ur, err := unbindMFA(a, "alice")
	must(t, err)
	if ur.MFADevice.SerialNumber != d.SerialNumber || ur.MFADevice.Type != "VMFA" {
		t.Fatalf("unbind %+v", ur.MFADevice)
	}
	_, err = getUserMFA(a, "alice")
	wantErr(t, err, "EntityNotExist.User.MFADevice", 404)
	lr, err := a.ListVirtualMFADevices(ram.CreateListVirtualMFADevicesRequest())
	must(t, err)
	if ld := lr.VirtualMFADevices.VirtualMFADevice[0]; ld.User.UserName != "" || ld.ActivateDate != "" {
		t.Fatalf("unbound device still shows a user: %+v", ld)
	}
	must(t, deleteMFADevice(a, d.SerialNumber))
	wantErr(t, deleteMFADevice(a, d.SerialNumber), "EntityNotExist.VirtualMFADevice", 404)
	wantErr(t, deleteMFADevice(a, "not-a-serial"), "EntityNotExist.VirtualMFADevice", 404)
	must(t, deleteUser(a, "alice"))
}

// The admin dump shows devices and who holds them, never a seed; a restart keeps seeds and bindings.
func TestMFADevicesInStateAndAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock, e, a := mfaEnv(t, path, "alice", "bob")
	d := createMFADevice(t, a, "alice-phone")
	spare := createMFADevice(t, a, "spare")
	now := clock.Now()
	must(t, bindAt(t, a, "alice", d, now))

	raw, dump := e.stateDump()
	for _, seed := range []string{d.Base32StringSeed, spare.Base32StringSeed} {
		if strings.Contains(string(raw), seed) {
			t.Fatal("/_emulator/state contains a seed")
		}
	}
	ad := dump.Accounts[0]
	if len(ad.MFADevices) != 2 || ad.MFADevices[0] != (MFADeviceDump{SerialNumber: d.SerialNumber, UserName: "alice", ActivateDate: fmtDate(now)}) ||
		ad.MFADevices[1] != (MFADeviceDump{SerialNumber: spare.SerialNumber}) {
		t.Fatalf("dumped devices %+v", ad.MFADevices)
	}
	if ad.Users[0].MFADevice != d.SerialNumber || ad.Users[1].MFADevice != "" {
		t.Fatalf("dumped users %+v", ad.Users)
	}

	e2 := newEnv(t, Options{Clock: clock, StatePath: path})
	a2 := e2.rootA()
	gi, err := getUserMFA(a2, "alice")
	must(t, err)
	if gi.MFADevice.SerialNumber != d.SerialNumber {
		t.Fatalf("after restart %+v", gi.MFADevice)
	}
	// The unbound device's seed survived: codes computed from it still bind.
	clock.Advance(totpStep)
	must(t, bindAt(t, a2, "bob", spare, clock.Now()))
}
