package resources

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

func testEntity(t *testing.T) (*openpgp.Entity, string, string) {
	t.Helper()
	e, err := openpgp.NewEntity("unit", "", "unit@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	var bin, arm bytes.Buffer
	if err := e.Serialize(&bin); err != nil {
		t.Fatal(err)
	}
	w, err := armor.Encode(&arm, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	return e, arm.String(), base64.StdEncoding.EncodeToString(bin.Bytes())
}

func TestPGPEncryptRoundTrip(t *testing.T) {
	e, armored, b64 := testEntity(t)
	for name, key := range map[string]string{"armored": armored, "base64": b64, "base64 wrapped": wrap(b64, 64)} {
		t.Run(name, func(t *testing.T) {
			enc, err := pgpEncryptBase64(key, "s3cret-value")
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.StdEncoding.DecodeString(enc)
			if err != nil {
				t.Fatal(err)
			}
			md, err := openpgp.ReadMessage(bytes.NewReader(raw), openpgp.EntityList{e}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(md.UnverifiedBody)
			if string(got) != "s3cret-value" {
				t.Fatalf("decrypted %q", got)
			}
		})
	}
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

func TestParsePGPKeyRejects(t *testing.T) {
	for name, key := range map[string]string{
		"empty":       "   ",
		"not base64":  "not a key!",
		"not a key":   base64.StdEncoding.EncodeToString([]byte("hello world")),
		"bad armor":   "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm9wZQ==\n-----END PGP PUBLIC KEY BLOCK-----",
		"private key": "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nbm9wZQ==\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
	} {
		if _, err := parsePGPKey(key); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
