package resources

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// parsePGPKey accepts an ASCII-armored public key or the base64 of a binary one (the form
// `gpg --export KEY | base64` produces). It returns the first entity that can encrypt.
func parsePGPKey(key string) (*openpgp.Entity, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, errors.New("the key is empty")
	}
	var (
		ring openpgp.EntityList
		err  error
	)
	if strings.HasPrefix(key, "-----BEGIN PGP") {
		block, aerr := armor.Decode(strings.NewReader(key))
		if aerr != nil {
			return nil, fmt.Errorf("the ASCII armor cannot be decoded: %v", aerr)
		}
		if block.Type != openpgp.PublicKeyType {
			return nil, fmt.Errorf("the armored block is a %q, not a %q", block.Type, openpgp.PublicKeyType)
		}
		ring, err = openpgp.ReadKeyRing(block.Body)
	} else {
		raw, derr := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(key), ""))
		if derr != nil {
			return nil, errors.New("it is neither an ASCII-armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----) nor valid base64")
		}
		ring, err = openpgp.ReadKeyRing(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, fmt.Errorf("it is not an OpenPGP public key: %v", err)
	}
	now := time.Now()
	for _, e := range ring {
		if _, ok := e.EncryptionKey(now); ok {
			return e, nil
		}
	}
	return nil, errors.New("the key has no valid (unexpired, unrevoked) encryption subkey")
}

// pgpEncryptBase64 encrypts plaintext for key and returns the base64 of the binary OpenPGP message, which
// `base64 -d | gpg --decrypt` reads.
func pgpEncryptBase64(key, plaintext string) (string, error) {
	entity, err := parsePGPKey(key)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := openpgp.Encrypt(&buf, []*openpgp.Entity{entity}, nil, nil, nil)
	if err != nil {
		return "", fmt.Errorf("encrypting with the PGP key: %v", err)
	}
	if _, err := w.Write([]byte(plaintext)); err != nil {
		return "", fmt.Errorf("encrypting with the PGP key: %v", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("encrypting with the PGP key: %v", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// pgpKeyValidator rejects, at plan time, a pgp_key that cannot be used to encrypt.
type pgpKeyValidator struct{}

func (pgpKeyValidator) Description(context.Context) string {
	return "must be an OpenPGP public key, ASCII-armored or base64-encoded, with an encryption subkey"
}

func (v pgpKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (pgpKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePGPKey(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid PGP key",
			fmt.Sprintf("Attribute %s must be an OpenPGP public key, ASCII-armored or base64-encoded: %v.", req.Path, err))
	}
}
