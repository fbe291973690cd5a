package demo_test

import (
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/aliram/terraform-provider-aliram/internal/demo"
)

// A signature error's message carries the server's string to sign (AccessKeyId, SecurityToken): the
// demo's output must not show it.
func TestDescribeDropsStringToSign(t *testing.T) {
	const token = "CAISsecretSessionToken"
	body := `{"RequestId":"R","HostId":"sts.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.x%26SecurityToken%3D` + token + `"}`
	got := demo.Describe(sdkerrors.NewServerError(400, body, ""))
	want := "SignatureDoesNotMatch (HTTP 400): Specified signature is not matched with our calculation."
	if got != want || strings.Contains(got, token) {
		t.Fatalf("Describe = %q, want %q", got, want)
	}
}
