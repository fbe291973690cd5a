package ramemu

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Virtual MFA devices (ram-api.md §9): a device is created unbound with a random seed, bound to one user by
// two consecutive TOTP codes computed from that seed, unbound, and deleted only while unbound.

const (
	mfaSeedBytes   = 40       // RAM's seeds are 64 base32 characters
	maxMFADevices  = maxUsers // one device per user is the most an account can use
	mfaTypeVirtual = "VMFA"
)

var (
	mfaNameRe   = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
	mfaSerialRe = regexp.MustCompile(`^(?i:acs:ram::)([0-9]+):(?i:mfa)/(.+)$`)
	authCodeRe  = regexp.MustCompile(`^[0-9]{6}$`)
)

type mfaDevice struct {
	Name      string
	Seed      string // base32; returned once by CreateVirtualMFADevice, kept only in the state file
	Created   time.Time
	user      *user // bound user, nil while unbound
	Activated time.Time
	seq       uint64
}

func (a *account) mfaSerial(d *mfaDevice) string { return "acs:ram::" + a.ID + ":mfa/" + d.Name }

func mfaRes(acct, name string) string { return "acs:ram:*:" + acct + ":mfa/" + name }

func errAuthCodeFormat() *apiError {
	return errf(http.StatusBadRequest, "InvalidParameter.AuthenticationCode.Format", `The parameter - "AuthenticationCode" MUST be 6 numbers.`)
}

// The catalogue's own spelling ("inccorrect") is kept: clients may match the message.
func errAuthCodeFail() *apiError {
	return errf(http.StatusForbidden, "CheckAuthenticationCodeFail", `The parameter - "AuthenticationCode" is inccorrect.`)
}

// newMFASeed returns a fresh random seed, base32 without padding.
func newMFASeed() string {
	b := make([]byte, mfaSeedBytes)
	_, _ = rand.Read(b)
	return seedEncoding.EncodeToString(b)
}

// qrCodePNG returns what RAM's QRCodePNG field holds: a base64 PNG of the device's otpauth:// URI. The
// emulator's picture is a valid PNG carrying the URI's bytes as rows of black and white pixels, not a
// scannable QR symbol (nothing in the project scans it). It holds the seed, so it is as secret as the seed.
func qrCodePNG(uri string) string {
	img := image.NewGray(image.Rect(0, 0, 8, len(uri)))
	for y := 0; y < len(uri); y++ {
		for x := 0; x < 8; x++ {
			if uri[y]&(0x80>>x) != 0 {
				img.SetGray(x, y, color.Gray{})
			} else {
				img.SetGray(x, y, color.Gray{Y: 0xff})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("ramemu: encode QR code PNG: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// checkTOTPPair accepts two consecutive codes as an authenticator shows them: the previous and current
// step, or the current and next one (a code read just before the step changes, or a slightly fast phone).
func checkTOTPPair(seed string, now time.Time, code1, code2 string) bool {
	key, err := decodeSeed(seed)
	if err != nil {
		return false
	}
	c := totpCounter(now)
	at := func(n uint64) string { return hotp(key, n, totpDigits) }
	cur := at(c)
	return (code1 == at(c-1) && code2 == cur) || (code1 == cur && code2 == at(c+1))
}

type virtualMFADeviceJSON struct {
	SerialNumber     string       `json:"SerialNumber"`
	Base32StringSeed string       `json:"Base32StringSeed,omitempty"`
	QRCodePNG        string       `json:"QRCodePNG,omitempty"`
	ActivateDate     string       `json:"ActivateDate,omitempty"`
	User             *mfaUserJSON `json:"User,omitempty"`
}

// mfaUserJSON is the bound user in a device listing; an unbound device's is {}.
type mfaUserJSON struct {
	UserId      string `json:"UserId,omitempty"`
	UserName    string `json:"UserName,omitempty"`
	DisplayName string `json:"DisplayName,omitempty"`
}

type mfaDeviceJSON struct {
	SerialNumber string `json:"SerialNumber"`
	Type         string `json:"Type"`
}

func (rq *request) createVirtualMFADevice() any {
	name := rq.name("VirtualMFADeviceName", 64, mfaNameRe)
	a, key := rq.caller.acct, strings.ToLower(name)
	if !rq.creatable("ram:CreateVirtualMFADevice", mfaRes(a.ID, name), "VirtualMFADevice", a.mfaDevices[key] != nil, len(a.mfaDevices), maxMFADevices) {
		return nil
	}
	d := &mfaDevice{Name: name, Seed: newMFASeed(), Created: rq.now, seq: a.nextSeq()}
	a.mfaDevices[key] = d
	uri := "otpauth://totp/" + url.PathEscape(name+"@"+rq.s.aliasOrID(a)) + "?secret=" + d.Seed
	return map[string]any{"VirtualMFADevice": virtualMFADeviceJSON{
		SerialNumber: a.mfaSerial(d), Base32StringSeed: d.Seed, QRCodePNG: qrCodePNG(uri),
	}}
}

// mfaDevice is a record for readable: devices are ordered by creation and have no replication lag.
func (d *mfaDevice) order() uint64          { return d.seq }
func (d *mfaDevice) visibleFrom() time.Time { return time.Time{} }

func (rq *request) listVirtualMFADevices() any {
	if !rq.allow("ram:ListVirtualMFADevices", "*") {
		return nil
	}
	a := rq.caller.acct
	devs := readable(rq, a.mfaDevices)
	items := make([]virtualMFADeviceJSON, 0, len(devs))
	for _, d := range devs {
		// An unbound device has an empty User object, as RAM's sample shows.
		it := virtualMFADeviceJSON{SerialNumber: a.mfaSerial(d), User: &mfaUserJSON{}}
		if d.user != nil {
			it.ActivateDate = fmtDate(d.Activated)
			it.User = &mfaUserJSON{UserId: d.user.ID, UserName: d.user.Name, DisplayName: d.user.DisplayName}
		}
		items = append(items, it)
	}
	return map[string]any{"VirtualMFADevices": map[string]any{"VirtualMFADevice": items}}
}

// findMFADevice resolves a SerialNumber of the caller's account (404 EntityNotExist.VirtualMFADevice; a
// serial number of another account names no device here).
func (rq *request) findMFADevice(serial string) *mfaDevice {
	if rq.err != nil {
		return nil
	}
	a := rq.caller.acct
	var d *mfaDevice
	if m := mfaSerialRe.FindStringSubmatch(serial); m != nil && m[1] == a.ID {
		d = a.mfaDevices[strings.ToLower(m[2])]
	}
	return found(rq, d, d != nil, forWrite, "VirtualMFADevice")
}

func (rq *request) deleteVirtualMFADevice() any {
	d := rq.findMFADevice(rq.mandatory("SerialNumber"))
	if d == nil || !rq.allow("ram:DeleteVirtualMFADevice", mfaRes(rq.caller.acct.ID, d.Name)) {
		return nil
	}
	if d.user != nil {
		return rq.fail(errConflict("VirtualMFADevice.User"))
	}
	delete(rq.caller.acct.mfaDevices, strings.ToLower(d.Name))
	return nil
}

// authCode returns a mandatory 6-digit authentication code parameter.
func (rq *request) authCode(p string) string {
	v := rq.mandatory(p)
	if rq.err == nil && !authCodeRe.MatchString(v) {
		rq.check(errAuthCodeFormat())
	}
	return v
}

func (rq *request) bindMFADevice() any {
	name := rq.userName()
	serial := rq.mandatory("SerialNumber")
	code1, code2 := rq.authCode("AuthenticationCode1"), rq.authCode("AuthenticationCode2")
	u := rq.findUser(name, forWrite)
	d := rq.findMFADevice(serial)
	u = authorized(rq, u, "ram:BindMFADevice")
	if rq.err != nil {
		return nil
	}
	switch {
	case u.mfa != nil:
		return rq.fail(errAlready("User.MFADevice"))
	case d.user != nil:
		return rq.fail(errAlready("VirtualMFADevice.User"))
	case !checkTOTPPair(d.Seed, rq.now, code1, code2):
		return rq.fail(errAuthCodeFail())
	}
	d.user, d.Activated, u.mfa = u, rq.now, d
	return nil
}

func (rq *request) unbindMFADevice() any {
	u := rq.userHolding(heldMFADevice, "ram:UnbindMFADevice", forWrite)
	if rq.err != nil {
		return nil
	}
	d := u.mfa
	d.user, d.Activated, u.mfa = nil, time.Time{}, nil
	return map[string]any{"MFADevice": mfaDeviceJSON{SerialNumber: rq.caller.acct.mfaSerial(d), Type: mfaTypeVirtual}}
}

func (rq *request) getUserMFAInfo() any {
	u := rq.userHolding(heldMFADevice, "ram:GetUserMFAInfo", forRead)
	if rq.err != nil {
		return nil
	}
	return map[string]any{"MFADevice": mfaDeviceJSON{SerialNumber: rq.caller.acct.mfaSerial(u.mfa), Type: mfaTypeVirtual}}
}

// mfaDump lists the account's devices for /_emulator/state, in creation order, without seeds.
func mfaDump(a *account) []MFADeviceDump {
	devs := make([]*mfaDevice, 0, len(a.mfaDevices))
	for _, d := range a.mfaDevices {
		devs = append(devs, d)
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].seq < devs[j].seq })
	out := make([]MFADeviceDump, 0, len(devs))
	for _, d := range devs {
		dd := MFADeviceDump{SerialNumber: a.mfaSerial(d)}
		if d.user != nil {
			dd.UserName, dd.ActivateDate = d.user.Name, fmtDate(d.Activated)
		}
		out = append(out, dd)
	}
	return out
}
