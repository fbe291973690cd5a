package ramemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// TOTP as RAM's virtual MFA devices use it: RFC 6238 over HMAC-SHA1 (RFC 4226), 30 s steps, 6 digits.
// The emulator carries its own implementation because it shares no code with the provider.

const (
	totpStep   = 30 * time.Second
	totpDigits = 6
)

// hotp is RFC 4226's HOTP value of key at counter, as a zero-padded decimal of the given width.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpCounter is the RFC 6238 time step t falls in (T0 = Unix epoch).
func totpCounter(t time.Time) uint64 { return uint64(t.Unix()) / uint64(totpStep/time.Second) }

// seedEncoding is how Base32StringSeed is written: RFC 4648 base32, upper case, no padding.
var seedEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func decodeSeed(seed string) ([]byte, error) {
	return seedEncoding.DecodeString(strings.ToUpper(strings.TrimRight(seed, "=")))
}

// TOTP returns the 6-digit code an authenticator app shows at t for a virtual MFA device's Base32StringSeed.
// It is test support: tests outside this package compute the codes BindMFADevice wants with it, from the
// seed CreateVirtualMFADevice returned and the emulator's (fake) clock.
func TOTP(seed string, t time.Time) (string, error) {
	key, err := decodeSeed(seed)
	if err != nil {
		return "", fmt.Errorf("ramemu: TOTP seed is not base32: %w", err)
	}
	return hotp(key, totpCounter(t), totpDigits), nil
}
