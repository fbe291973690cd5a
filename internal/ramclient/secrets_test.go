package ramclient

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

const (
	userPassword   = "UserPassw0rd!NeverLogged"
	newKeySecret   = "NewKeySecretNeverLogged0001"
	stsOutSecret   = "AssumedSecretNeverLogged0001"
	stsOutToken    = "CAISassumedTokenNeverLogged0001"
	testExternalID = "ExternalIdNeverLogged0001"
)

func TestSecretsNeverLoggedOrInErrors(t *testing.T) {
	f := newFake(t)
	f.on("CreateLoginProfile", seq(resp(200, map[string]any{"RequestId": "R", "LoginProfile": map[string]any{"UserName": "u",
		"PasswordResetRequired": true, "MFABindRequired": false, "CreateDate": "2026-01-01T00:00:00Z"}})))
	f.on("UpdateLoginProfile", seq(resp(400, apiErr("InvalidParameter.Password.TooWeak",
		"The parameter - \"Password\" is not compliant with the password policy: "+userPassword))))
	f.on("CreateAccessKey", seq(resp(200, map[string]any{"RequestId": "R", "AccessKey": map[string]any{"AccessKeyId": "LTAI5tNewKey",
		"AccessKeySecret": newKeySecret, "Status": "Active", "CreateDate": "2026-01-01T00:00:00Z"}})))
	f.on("AssumeRole", seq(resp(200, map[string]any{"RequestId": "R",
		"AssumedRoleUser": map[string]any{"AssumedRoleId": "300:s", "Arn": "acs:ram::1000000000000001:role/r/s"},
		"Credentials": map[string]any{"AccessKeyId": "STS.abc", "AccessKeySecret": stsOutSecret, "SecurityToken": stsOutToken,
			"Expiration": "2030-01-02T03:04:05Z"}})))
	f.on("GetRole", seq(resp(400, apiErr("SignatureDoesNotMatch",
		"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS."+testAK+
			"%26SecurityToken%3D"+testToken))))

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	c := newTestClient(t, f, func(c *Config) { c.Credentials = stsCred(t) })

	lp, err := c.CreateLoginProfile(ctx, LoginProfileInput{UserName: "u", Password: userPassword, PasswordResetRequired: true})
	if err != nil || !lp.PasswordResetRequired || lp.UserName != "u" {
		t.Fatalf("%+v %v", lp, err)
	}
	if q := f.last("CreateLoginProfile"); q.Get("Password") != userPassword || q.Get("PasswordResetRequired") != "true" {
		t.Errorf("wire params: %v", q)
	}
	if q := f.last("CreateLoginProfile"); q.Get("SecurityToken") != testToken || q.Get("AccessKeyId") != "STS."+testAK {
		t.Errorf("STS credentials not sent: %v", q)
	}
	errUpd := c.UpdateLoginProfile(ctx, UpdateLoginProfileInput{UserName: "u", Password: userPassword})
	if errUpd == nil || ClassOf(errUpd) != ClassInvalid {
		t.Fatalf("UpdateLoginProfile: %v", errUpd)
	}
	k, err := c.CreateAccessKey(ctx, "u")
	if err != nil || k.Secret != newKeySecret || k.ID != "LTAI5tNewKey" {
		t.Fatalf("%+v %v", k, err)
	}
	tc, err := c.AssumeRole(ctx, AssumeRoleInput{RoleARN: "acs:ram::1000000000000001:role/r", SessionName: "s",
		ExternalID: testExternalID, DurationSeconds: 900})
	if err != nil || tc.AccessKeySecret != stsOutSecret || tc.SecurityToken != stsOutToken ||
		tc.Expiration.Format("2006-01-02T15:04:05Z") != "2030-01-02T03:04:05Z" || tc.AssumedRoleARN != "acs:ram::1000000000000001:role/r/s" ||
		tc.AssumedRoleID != "300:s" {
		t.Fatalf("%+v %v", tc, err)
	}
	if q := f.last("AssumeRole"); q.Get("ExternalId") != testExternalID || q.Get("DurationSeconds") != "900" || q.Get("Version") != "2015-04-01" {
		t.Errorf("AssumeRole params: %v", q)
	}
	_, sigErr := c.GetRole(ctx, "r")
	if !IsAuth(sigErr) || !HasCode(sigErr, "SignatureDoesNotMatch") {
		t.Fatalf("want SignatureDoesNotMatch auth error, got %v", sigErr)
	}
	msg := sigErr.Error()
	if !strings.Contains(msg, "heck the secret key (secret_key / ALIBABA_CLOUD_ACCESS_KEY_SECRET)") {
		t.Errorf("signature error does not say what to check: %s", msg)
	}
	if strings.Contains(msg, "string to sign") || strings.Contains(msg, "POST&") {
		t.Errorf("signature error leaks the string-to-sign: %s", msg)
	}

	logs := buf.String()
	if !strings.Contains(logs, `"@module":"provider.ramclient"`) || !strings.Contains(logs, `"action":"CreateLoginProfile"`) ||
		!strings.Contains(logs, `"http_status":200`) || !strings.Contains(logs, `"error_code":"SignatureDoesNotMatch"`) ||
		!strings.Contains(logs, `"attempt":1`) || !strings.Contains(logs, `"duration_ms"`) {
		t.Errorf("expected call logs missing:\n%s", logs)
	}
	for _, secret := range []string{userPassword, newKeySecret, stsOutSecret, stsOutToken, testExternalID, testSecret, testToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("secret %q appears in logs", secret)
		}
		for _, e := range []error{errUpd, sigErr} {
			if strings.Contains(e.Error(), secret) {
				t.Errorf("secret %q appears in error %q", secret, e.Error())
			}
		}
	}
	if !strings.Contains(logs, `"Password":"***"`) {
		t.Errorf("masked password marker missing:\n%s", logs)
	}
}

func TestMaskParams(t *testing.T) {
	m := maskParams(map[string]string{"UserName": "u", "Password": "p", "ExternalId": "e", "Empty": ""})
	if m["UserName"] != "u" || m["Password"] != "***" || m["ExternalId"] != "***" {
		t.Errorf("%v", m)
	}
	if _, ok := m["Empty"]; ok {
		t.Error("empty params (not sent by the SDK) should not be logged")
	}
	_ = url.Values{}
}
