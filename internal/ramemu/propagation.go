package ramemu

import "time"

// Propagation as STS and authorization see it (ram-api.md §9 "Propagation"): with a consistency delay, what a
// write grants takes effect only once the delay has passed — a new or re-activated AccessKey, a new policy
// attachment, a new or changed trust document. What a write takes away bites at once (deleted or disabled
// keys, detached policies, a narrowed trust document), because the provider's revocation guarantees are
// tested against that and a lagging revocation would only hide them. Without a delay everything is immediate.

// inEffectAt is when a grant written now takes effect.
func (s *Server) inEffectAt(now time.Time) time.Time { return now.Add(s.opts.ConsistencyDelay) }

// keyInEffect reports whether a long-term AccessKey authenticates at now.
func keyInEffect(k *accessKey, now time.Time) bool { return !now.Before(k.InEffectAt) }

// attachmentInEffect reports whether an attachment grants its policy at now. Every source of identity-based
// policies (a principal's own attachments, and its groups') must go through it.
func attachmentInEffect(at *attachment, now time.Time) bool { return visible(at.visibleAt, now) }

// membershipInEffect reports whether joining a group grants the group's policies at now: a new membership is
// a grant like a new attachment. Leaving a group revokes at once.
func membershipInEffect(m *membership, now time.Time) bool { return visible(m.visibleAt, now) }

// setTrust replaces a role's trust document. Within the delay the document in effect before (none for a
// role being created) is kept, and AssumeRole needs both to allow.
func (s *Server) setTrust(r *role, doc string, parsed *pdoc, now time.Time, created bool) {
	if s.opts.ConsistencyDelay > 0 {
		switch {
		case created:
			r.prevTrust, r.prevTrustDoc = nil, ""
		case !now.Before(r.trustInEffectAt):
			r.prevTrust, r.prevTrustDoc = r.trust, r.TrustDoc
		}
		// Otherwise an earlier change is still propagating: what was in effect before it stays the reference.
		r.trustInEffectAt = s.inEffectAt(now)
	}
	r.TrustDoc, r.trust = doc, parsed
}

// trustDecision evaluates a role's trust for the caller as STS sees it at now.
func trustDecision(r *role, match func(ptype, pattern string) bool, ctx evalCtx, now time.Time) decision {
	d := trustAllows(r.trust, match, ctx)
	if d != allowed || !now.Before(r.trustInEffectAt) {
		return d
	}
	if r.prevTrust == nil {
		return implicitDeny
	}
	return trustAllows(r.prevTrust, match, ctx)
}
