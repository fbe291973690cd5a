package resources

import (
	"strings"
	"sync"

	"github.com/aliram/terraform-provider-aliram/internal/ramclient"
)

// What aliram_role_policy_attachment and aliram_role_policy_attachments_exclusive resources of one provider
// block tell each other within one CLI walk, so the two kinds cooperate on a role instead of fighting:
//
//   - at plan, each attachment resource and each exclusive set register what they want; whichever of the
//     two is planned second sees the other and fails the plan when the exclusive set leaves the attachment
//     out. Terraform plans every resource of the configuration in each plan, so the order does not matter.
//   - at apply, an attachment the exclusive resource made is not "already attached outside this
//     configuration" to an attachment resource of the same apply, and an exclusive resource does not detach
//     what an attachment resource attached in the same apply.
//
// The registry belongs to the provider block's client (one per ConfigureProvider, i.e. per block and per
// walk); it holds names only and is never written to state.
type roleClaims struct {
	mu sync.Mutex
	// exclusive: role key => the planned exclusive set (policy key => policy).
	exclusive map[string]map[string]policyRef
	// attachments: role key => policies that aliram_role_policy_attachment resources plan to keep attached.
	attachments map[string]map[string]policyRef
	// attachedBy: "<role key>|<policy key>" => which kind of resource attached it in this walk.
	attachedBy map[string]claimKind
}

type claimKind int

const (
	byAttachmentResource claimKind = iota + 1
	byExclusiveResource
)

var claimsByClient sync.Map // *ramclient.Client => *roleClaims

func claimsOf(c *ramclient.Client) *roleClaims {
	if v, ok := claimsByClient.Load(c); ok {
		return v.(*roleClaims)
	}
	v, _ := claimsByClient.LoadOrStore(c, &roleClaims{
		exclusive:   map[string]map[string]policyRef{},
		attachments: map[string]map[string]policyRef{},
		attachedBy:  map[string]claimKind{},
	})
	return v.(*roleClaims)
}

func roleClaimKey(role string) string { return strings.ToLower(role) }

// planExclusive records the planned exclusive set of role; when another, different set was planned for
// the same role it is returned instead.
func (c *roleClaims) planExclusive(role string, want []policyRef) []policyRef {
	set := make(map[string]policyRef, len(want))
	for _, p := range want {
		set[p.key()] = p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.exclusive[roleClaimKey(role)]; ok && !sameKeys(prev, set) {
		return sortedRefs(prev)
	}
	c.exclusive[roleClaimKey(role)] = set
	return nil
}

// attachmentsMissingFrom lists the attachment resources planned for role that want leaves out.
func (c *roleClaims) attachmentsMissingFrom(role string, want []policyRef) []policyRef {
	c.mu.Lock()
	planned := sortedRefs(c.attachments[roleClaimKey(role)])
	c.mu.Unlock()
	return subtract(planned, want)
}

// planAttachment records an attachment resource's policy; it reports false when an exclusive set planned
// for the role leaves it out.
func (c *roleClaims) planAttachment(role string, p policyRef) (listed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := roleClaimKey(role)
	if c.attachments[k] == nil {
		c.attachments[k] = map[string]policyRef{}
	}
	c.attachments[k][p.key()] = p
	set, ok := c.exclusive[k]
	if !ok {
		return true
	}
	_, listed = set[p.key()]
	return listed
}

func (c *roleClaims) attached(role string, p policyRef, by claimKind) {
	c.mu.Lock()
	c.attachedBy[roleClaimKey(role)+"|"+p.key()] = by
	c.mu.Unlock()
}

func (c *roleClaims) attachedByExclusive(role string, p policyRef) {
	c.attached(role, p, byExclusiveResource)
}
func (c *roleClaims) attachedByAttachment(role string, p policyRef) {
	c.attached(role, p, byAttachmentResource)
}

// attachedByAttachmentResource returns those of ps that an attachment resource attached to role in this walk.
func (c *roleClaims) attachedByAttachmentResource(role string, ps []policyRef) []policyRef {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []policyRef
	for _, p := range ps {
		if c.attachedBy[roleClaimKey(role)+"|"+p.key()] == byAttachmentResource {
			out = append(out, p)
		}
	}
	return out
}

// exclusiveAttached reports whether the role's exclusive resource attached p in this walk.
func (c *roleClaims) exclusiveAttached(role string, p policyRef) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attachedBy[roleClaimKey(role)+"|"+p.key()] == byExclusiveResource
}

func sameKeys(a, b map[string]policyRef) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
