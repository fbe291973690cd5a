package policy

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// TrustSpec is the typed input of a cross-account trust policy.
type TrustSpec struct {
	AccountIDs    []string // -> "acs:ram::<id>:root"
	PrincipalARNs []string // acs:ram::<id>:user/<n> or :role/<n>
	Services      []string // service principals such as ecs.aliyuncs.com -> Principal.Service
	ExternalID    string   // StringEquals sts:ExternalId
	RequireMFA    bool     // Bool acs:MFAPresent "true"
	SourceIPs     []string // IpAddress acs:SourceIp
	ValidUntil    string   // RFC 3339 -> DateLessThan acs:CurrentTime (UTC)
}

// ValidUntilLayout is the UTC layout BuildTrustPolicy writes acs:CurrentTime limits in.
const ValidUntilLayout = "2006-01-02T15:04:05Z"

// BuildTrustPolicy renders the spec as one Allow sts:AssumeRole statement in canonical JSON: Principal.RAM holds
// the sorted account roots and principal ARNs, and every given restriction becomes a Condition (all must hold).
func BuildTrustPolicy(s TrustSpec) (string, error) {
	var errs []error
	var principals []any
	for _, id := range s.AccountIDs {
		if err := ValidateAccountID(id); err != nil {
			errs = append(errs, fmt.Errorf("trusted account: %w", err))
			continue
		}
		principals = append(principals, AccountRootARN(id))
	}
	for _, arn := range s.PrincipalARNs {
		if _, _, _, err := ParsePrincipalARN(arn); err != nil {
			errs = append(errs, fmt.Errorf("trusted principal: %w", err))
			continue
		}
		principals = append(principals, arn)
	}
	var services []any
	for _, svc := range s.Services {
		if err := ValidateServicePrincipal(svc); err != nil {
			errs = append(errs, fmt.Errorf("trusted service: %w", err))
			continue
		}
		services = append(services, svc)
	}
	if len(s.AccountIDs) == 0 && len(s.PrincipalARNs) == 0 && len(s.Services) == 0 {
		errs = append(errs, errors.New("a trust policy needs at least one trusted account ID, principal ARN or service"))
	}

	cond := map[string]any{}
	add := func(op, key string, values ...string) {
		m, _ := cond[op].(map[string]any)
		if m == nil {
			m = map[string]any{}
			cond[op] = m
		}
		list := make([]any, len(values))
		for i, v := range values {
			list[i] = v
		}
		m[key] = list
	}
	if s.ExternalID != "" {
		if err := ValidateExternalID(s.ExternalID); err != nil {
			errs = append(errs, err)
		}
		add("StringEquals", "sts:ExternalId", s.ExternalID)
	}
	if s.RequireMFA {
		add("Bool", "acs:MFAPresent", "true")
	}
	if len(s.SourceIPs) > 0 {
		for _, ip := range s.SourceIPs {
			if err := ValidateIPOrCIDR(ip); err != nil {
				errs = append(errs, fmt.Errorf("allowed source IP: %w", err))
			}
		}
		ips := append([]string(nil), s.SourceIPs...)
		sort.Strings(ips)
		add("IpAddress", "acs:SourceIp", ips...)
	}
	if s.ValidUntil != "" {
		t, err := ParseValidUntil(s.ValidUntil)
		if err != nil {
			errs = append(errs, err)
		} else {
			add("DateLessThan", "acs:CurrentTime", t.Format(ValidUntilLayout))
		}
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}

	// Only the principal types given: RAM refuses none of them empty, but an empty list would read as drift.
	principal := map[string]any{}
	if len(principals) > 0 {
		principal["RAM"] = principals
	}
	if len(services) > 0 {
		principal["Service"] = services
	}
	st := map[string]any{
		"Effect":    "Allow",
		"Action":    "sts:AssumeRole",
		"Principal": principal,
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	doc := map[string]any{"Version": "1", "Statement": []any{st}}
	out, err := encode(canonicalDocument(doc))
	if err != nil {
		return "", err
	}
	if err := ValidateTrustPolicy(out); err != nil {
		return "", err
	}
	return out, nil
}

// ParseValidUntil parses an RFC 3339 timestamp and returns it in UTC, truncated to the second (the precision of
// acs:CurrentTime).
func ParseValidUntil(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("valid_until %q is not an RFC 3339 timestamp such as 2026-12-31T23:59:59Z or 2026-12-31T23:59:59+08:00", s)
	}
	return t.UTC().Truncate(time.Second), nil
}
