package ramemu

import (
	"testing"
	"time"
)

// RFC 4226 Appendix D: HOTP of the ASCII key "12345678901234567890" for counters 0..9.
func TestHOTPVectorsRFC4226(t *testing.T) {
	key := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(key, uint64(c), 6); got != w {
			t.Errorf("counter %d: got %s, want %s", c, got, w)
		}
	}
}

// RFC 6238 Appendix B, the SHA1 rows (8 digits, 30 s steps, T0 = 0).
func TestTOTPVectorsRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		if got := hotp(key, totpCounter(time.Unix(v.unix, 0)), 8); got != v.want {
			t.Errorf("T=%d: got %s, want %s", v.unix, got, v.want)
		}
	}
}

// The exported helper takes the base32 seed and gives the 6-digit code (the last 6 digits of the 8-digit one).
func TestTOTPFromBase32Seed(t *testing.T) {
	seed := seedEncoding.EncodeToString([]byte("12345678901234567890")) // GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
	got, err := TOTP(seed, time.Unix(59, 0))
	if err != nil || got != "287082" {
		t.Fatalf("got %q, %v; want 287082", got, err)
	}
	if got2, _ := TOTP(seed, time.Unix(60, 0)); got2 == got {
		t.Fatalf("the code did not change at the step boundary: %s", got2)
	}
	if _, err := TOTP("not base32!", time.Unix(59, 0)); err == nil {
		t.Fatal("a seed that is not base32 was accepted")
	}
}
