package resources

import (
	"testing"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// TestRoleClaims: an attachment resource left out of the role's exclusive set is caught whichever of the two
// is planned first, names compare without regard to case, a second, different exclusive set for the role is
// refused, and each provider block (client) has its own registry.
func TestRoleClaims(t *testing.T) {
	kafka := policyRef{Type: "System", Name: "AliyunKafkaFullAccess"}
	mq := policyRef{Type: "System", Name: "AliyunMQReadOnlyAccess"}
	want := []policyRef{{Type: "System", Name: "aliyunkafkafullaccess"}}

	attachmentFirst := claimsOf(&ramclient.Client{})
	if !attachmentFirst.planAttachment("Ops", kafka) || !attachmentFirst.planAttachment("ops", mq) {
		t.Fatal("no exclusive set planned yet: nothing to conflict with")
	}
	if got := attachmentFirst.attachmentsMissingFrom("OPS", want); len(got) != 1 || got[0] != mq {
		t.Fatalf("missing from the exclusive set: %v, want [%v]", got, mq)
	}

	exclusiveFirst := claimsOf(&ramclient.Client{})
	if exclusiveFirst == attachmentFirst {
		t.Fatal("two clients share one registry")
	}
	if other := exclusiveFirst.planExclusive("ops", want); other != nil {
		t.Fatalf("first exclusive set refused: %v", other)
	}
	if !exclusiveFirst.planAttachment("Ops", kafka) {
		t.Error("an attachment the exclusive set lists (in other case) was refused")
	}
	if exclusiveFirst.planAttachment("ops", mq) {
		t.Error("an attachment the exclusive set leaves out was accepted")
	}
	if other := exclusiveFirst.planExclusive("OPS", want); other != nil {
		t.Errorf("the same set planned again was refused: %v", other)
	}
	if other := exclusiveFirst.planExclusive("ops", []policyRef{mq}); len(other) != 1 {
		t.Errorf("a second, different exclusive set for the role was accepted (%v)", other)
	}

	exclusiveFirst.attachedByExclusive("ops", kafka)
	exclusiveFirst.attachedByAttachment("ops", mq)
	if !exclusiveFirst.exclusiveAttached("OPS", policyRef{Type: "system", Name: "aliyunkafkafullaccess"}) {
		t.Error("the exclusive resource's own attachment is not known")
	}
	if got := exclusiveFirst.attachedByAttachmentResource("ops", []policyRef{kafka, mq}); len(got) != 1 || got[0] != mq {
		t.Errorf("attached by attachment resources: %v, want [%v]", got, mq)
	}
}
