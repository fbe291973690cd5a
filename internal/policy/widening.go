package policy

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Widened access between two trust policies: who may call sts:AssumeRole after a change, or under which
// conditions, that could not before. The comparison is semantic (documents are canonicalised first, so a
// reformatted document widens nothing) and conservative in what it reports: a change is reported only when
// some AssumeRole request refused by the old document is accepted by the new one, as far as the principals and
// the conditions tell. Narrowing (fewer principals, an added condition, a later start, an earlier end, a
// smaller address range) is silent.

// WideningKind says which part of the trust widened.
type WideningKind int

const (
	// NewPrincipal: a principal that the old document did not trust (nor its account's root) may assume the role.
	NewPrincipal WideningKind = iota + 1
	// ExternalIDLoosened: the sts:ExternalId condition is gone, or accepts more external IDs than before.
	ExternalIDLoosened
	// MFALoosened: the acs:MFAPresent condition is gone or no longer asks for MFA.
	MFALoosened
	// SourceIPLoosened: the acs:SourceIp condition is gone or admits addresses it did not.
	SourceIPLoosened
	// ValidUntilLoosened: the acs:CurrentTime end date is gone or later.
	ValidUntilLoosened
	// ConditionLoosened: any other condition is gone or admits more.
	ConditionLoosened
	// DenyRemoved: a Deny statement of the old document is no longer in the new one.
	DenyRemoved
)

// Widening is one way in which the new trust policy admits more than the old one.
type Widening struct {
	Kind WideningKind
	// Principals: for NewPrincipal the principal now trusted; otherwise the principals that the loosened
	// condition guarded. "<type>:<value>" for other than RAM principals ("Service:ecs.aliyuncs.com").
	Principals []string
	// Operator and Key name the condition (for the condition kinds), as the old document spells them.
	Operator, Key string
	// Removed: the condition is gone altogether (otherwise it is still there but admits more).
	Removed bool
	// Before and After are the condition's values. Both are empty for sts:ExternalId: it is a shared secret.
	Before, After []string
	// Admitted lists, for SourceIPLoosened that is not Removed, the new values that the old ones did not cover.
	Admitted []string
}

// The condition keys the typed trust arguments of aliram_cross_account_role write (see BuildTrustPolicy),
// lower-cased: RAM treats condition keys without regard to case.
const (
	keyExternalID  = "sts:externalid"
	keyMFAPresent  = "acs:mfapresent"
	keySourceIP    = "acs:sourceip"
	keyCurrentTime = "acs:currenttime"
)

// TrustWidenings compares two trust policies and lists how after admits more than before, sorted by kind.
// Equal documents, reformatted or not, give none. Either document failing to parse is an error (validation
// refuses such documents earlier).
//
// Decisions:
//   - trusting a user or role of an account whose root was trusted already is narrower, not new;
//   - a different external ID is a rotation, not a loosening: callers must now pass the new one, and the
//     condition guards as much as before. Accepting more external IDs than before is a loosening;
//   - a statement of after is compared with every statement of before that trusts the same principal: it is
//     covered when one of them is at least as strict; otherwise what is looser is reported against the
//     closest one (the fewest loosened conditions).
func TrustWidenings(before, after string) ([]Widening, error) {
	b, err := parseTrust(before)
	if err != nil {
		return nil, fmt.Errorf("the current trust policy: %w", err)
	}
	a, err := parseTrust(after)
	if err != nil {
		return nil, fmt.Errorf("the planned trust policy: %w", err)
	}
	var found []Widening
	for _, st := range a.allows {
		for _, p := range st.principals {
			candidates := b.allowsFor(p)
			if len(candidates) == 0 {
				found = append(found, Widening{Kind: NewPrincipal, Principals: []string{p.String()}})
				continue
			}
			var closest []Widening
			for i, c := range candidates {
				l := loosenings(c.conditions, st.conditions)
				if i == 0 || len(l) < len(closest) {
					closest = l
				}
				if len(l) == 0 {
					break
				}
			}
			for _, w := range closest {
				w.Principals = []string{p.String()}
				found = append(found, w)
			}
		}
	}
	for _, d := range b.denies {
		if !a.hasDeny(d) {
			found = append(found, Widening{Kind: DenyRemoved})
		}
	}
	return mergeWidenings(found), nil
}

// trustPrincipal is one principal of a trust statement; Type is RAM, Service or Federated.
type trustPrincipal struct{ Type, Value string }

func (p trustPrincipal) String() string {
	if p.Type == "RAM" {
		return p.Value
	}
	return p.Type + ":" + p.Value
}

// covers reports whether trusting p already trusts q: the same principal (RAM compares ARNs without regard to
// case), or q is a user or role of the account whose root p is.
func (p trustPrincipal) covers(q trustPrincipal) bool {
	if p.Type != q.Type {
		return false
	}
	if strings.EqualFold(p.Value, q.Value) {
		return true
	}
	if account, ok := strings.CutSuffix(strings.ToLower(p.Value), ":root"); ok && p.Type == "RAM" {
		return strings.HasPrefix(strings.ToLower(q.Value), account+":")
	}
	return false
}

// condition is one operator/key pair of a statement's Condition with its values.
type condition struct {
	Operator, Key string
	Values        []string
}

func (c condition) id() string { return c.Operator + "|" + strings.ToLower(c.Key) }

type trustStatement struct {
	principals []trustPrincipal
	conditions map[string]condition // by id()
	canonical  string               // the statement without its Sid, canonical JSON (for Deny statements)
}

type trustDocument struct {
	allows []trustStatement // Allow statements that grant sts:AssumeRole
	denies []trustStatement
}

func (d trustDocument) allowsFor(p trustPrincipal) []trustStatement {
	var out []trustStatement
	for _, st := range d.allows {
		for _, q := range st.principals {
			if q.covers(p) {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

func (d trustDocument) hasDeny(deny trustStatement) bool {
	for _, st := range d.denies {
		if st.canonical == deny.canonical {
			return true
		}
	}
	return false
}

func parseTrust(doc string) (trustDocument, error) {
	canonical, err := Normalize(doc)
	if err != nil {
		return trustDocument{}, err
	}
	var raw struct {
		Statement []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(canonical), &raw); err != nil {
		return trustDocument{}, fmt.Errorf("trust policy has no list of statements: %w", err)
	}
	var d trustDocument
	for i, fields := range raw.Statement {
		var st struct {
			Effect    string
			Action    []string
			NotAction []string
			Principal map[string][]string
			Condition map[string]map[string][]string
		}
		if err := remarshal(fields, &st); err != nil {
			return trustDocument{}, fmt.Errorf("statement %d: %w", i+1, err)
		}
		ts := trustStatement{conditions: map[string]condition{}}
		for _, typ := range sortedMapKeys(st.Principal) {
			for _, v := range st.Principal[typ] {
				ts.principals = append(ts.principals, trustPrincipal{Type: typ, Value: v})
			}
		}
		for op, keys := range st.Condition {
			for key, values := range keys {
				c := condition{Operator: op, Key: key, Values: values}
				ts.conditions[c.id()] = c
			}
		}
		switch {
		case strings.EqualFold(st.Effect, "Deny"):
			delete(fields, "Sid")
			b, err := json.Marshal(fields) // map keys sorted: canonical
			if err != nil {
				return trustDocument{}, err
			}
			ts.canonical = string(b)
			d.denies = append(d.denies, ts)
		case grantsAssumeRole(st.Action, st.NotAction):
			d.allows = append(d.allows, ts)
		}
	}
	return d, nil
}

func remarshal(fields map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// grantsAssumeRole: an Allow statement matters when its actions include sts:AssumeRole (or a wildcard over
// it), or its NotAction leaves it in.
func grantsAssumeRole(actions, notActions []string) bool {
	matches := func(a string) bool {
		a = strings.ToLower(a)
		return a == "sts:assumerole" || a == "sts:*" || a == "*"
	}
	if actions != nil {
		for _, a := range actions {
			if matches(a) {
				return true
			}
		}
		return false
	}
	for _, a := range notActions {
		if matches(a) {
			return false
		}
	}
	return notActions != nil
}

// loosenings lists how the conditions of a statement of the new document (after) admit what the
// conditions of one of the old document (before) refused; conditions only after has are narrowing.
func loosenings(before, after map[string]condition) []Widening {
	var out []Widening
	for _, id := range sortedMapKeys(before) {
		b := before[id]
		w := Widening{Kind: kindOf(b), Operator: b.Operator, Key: b.Key}
		a, ok := after[id]
		if !ok {
			w.Removed = true
		} else if admitted, looser := admitsMore(b, a.Values); looser {
			w.After, w.Admitted = a.Values, admitted
		} else {
			continue
		}
		w.Before = b.Values
		if w.Kind == ExternalIDLoosened {
			w.Before, w.After = nil, nil // a shared secret: never in a message
		}
		if w.Kind != SourceIPLoosened {
			w.Admitted = nil
		}
		out = append(out, w)
	}
	return out
}

func kindOf(c condition) WideningKind {
	switch key := strings.ToLower(c.Key); {
	case key == keyExternalID && c.Operator == "StringEquals":
		return ExternalIDLoosened
	case key == keyMFAPresent && c.Operator == "Bool":
		return MFALoosened
	case key == keySourceIP && c.Operator == "IpAddress":
		return SourceIPLoosened
	case key == keyCurrentTime && (c.Operator == "DateLessThan" || c.Operator == "DateLessThanEquals"):
		return ValidUntilLoosened
	}
	return ConditionLoosened
}

// admitsMore reports whether a condition with the values after accepts a request that b refused; for IP
// ranges it also returns the values that b did not cover.
func admitsMore(b condition, after []string) (admitted []string, looser bool) {
	if kindOf(b) == ExternalIDLoosened {
		return nil, len(after) > len(b.Values) // a replaced ID is a rotation (see TrustWidenings)
	}
	switch b.Operator {
	case "IpAddress":
		for _, v := range after {
			if !anyPrefixCovers(b.Values, v) {
				admitted = append(admitted, v)
			}
		}
		return admitted, len(admitted) > 0
	case "NotIpAddress": // excludes less when a range it excluded is no longer fully excluded
		for _, v := range b.Values {
			if !anyPrefixCovers(after, v) {
				return nil, true
			}
		}
		return nil, false
	case "Bool":
		return nil, !sameFold(b.Values, after)
	case "DateLessThan", "DateLessThanEquals", "NumericLessThan", "NumericLessThanEquals":
		return nil, !boundNotAbove(after, b.Values, b.Operator)
	case "DateGreaterThan", "DateGreaterThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		return nil, !boundNotBelow(after, b.Values, b.Operator)
	}
	if strings.Contains(b.Operator, "Not") { // StringNotEquals, StringNotLike, ...: must exclude at least as much
		return nil, !subsetFold(b.Values, after, strings.HasSuffix(b.Operator, "IgnoreCase"))
	}
	// StringEquals, StringLike, NumericEquals, DateEquals, ...: may accept no value it did not.
	return nil, !subsetFold(after, b.Values, strings.HasSuffix(b.Operator, "IgnoreCase"))
}

// anyPrefixCovers: value (an address or CIDR block) lies inside one of ranges. Unparsable values are compared
// as written.
func anyPrefixCovers(ranges []string, value string) bool {
	v, vok := parsePrefix(value)
	for _, r := range ranges {
		if r == value {
			return true
		}
		p, ok := parsePrefix(r)
		if ok && vok && p.Addr().Is4() == v.Addr().Is4() && p.Bits() <= v.Bits() && p.Contains(v.Addr()) {
			return true
		}
	}
	return false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err == nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// boundNotAbove: the highest of after's limits is not above the highest of before's (a condition with several
// values holds when any does). Values that do not parse make the two comparable only when equal.
func boundNotAbove(after, before []string, op string) bool {
	am, aok := extreme(after, op, 1)
	bm, bok := extreme(before, op, 1)
	if !aok || !bok {
		return sameFold(after, before)
	}
	return am.Cmp(bm) <= 0
}

func boundNotBelow(after, before []string, op string) bool {
	am, aok := extreme(after, op, -1)
	bm, bok := extreme(before, op, -1)
	if !aok || !bok {
		return sameFold(after, before)
	}
	return am.Cmp(bm) >= 0
}

// extreme returns the largest (sign 1) or smallest (sign -1) of values, as dates or numbers per op.
func extreme(values []string, op string, sign int) (*big.Float, bool) {
	var best *big.Float
	for _, v := range values {
		f, ok := conditionNumber(v, strings.HasPrefix(op, "Date"))
		if !ok {
			return nil, false
		}
		if best == nil || f.Cmp(best) == sign {
			best = f
		}
	}
	return best, best != nil
}

func conditionNumber(v string, date bool) (*big.Float, bool) {
	if date {
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, v); err == nil {
				return new(big.Float).SetInt64(t.UnixNano()), true
			}
		}
		if s, err := strconv.ParseInt(v, 10, 64); err == nil {
			return new(big.Float).SetInt64(s * int64(time.Second)), true
		}
		return nil, false
	}
	f, _, err := big.ParseFloat(v, 10, 128, big.ToNearestEven)
	return f, err == nil
}

func sameFold(a, b []string) bool {
	return subsetFold(a, b, true) && subsetFold(b, a, true)
}

// subsetFold: every value of sub is in super (ignoring case when fold).
func subsetFold(sub, super []string, fold bool) bool {
	for _, s := range sub {
		found := false
		for _, t := range super {
			if s == t || fold && strings.EqualFold(s, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// mergeWidenings folds findings that differ only in the principal into one, sorted by kind, then by
// condition, then by principal.
func mergeWidenings(found []Widening) []Widening {
	var out []Widening
	index := map[string]int{}
	for _, w := range found {
		k := fmt.Sprint(w.Kind, w.Operator, w.Key, w.Removed, w.Before, w.After, w.Admitted)
		if w.Kind == NewPrincipal {
			k += strings.ToLower(strings.Join(w.Principals, ","))
		}
		if i, ok := index[k]; ok {
			for _, p := range w.Principals {
				if !containsFold(out[i].Principals, p) {
					out[i].Principals = append(out[i].Principals, p)
				}
			}
			continue
		}
		index[k] = len(out)
		out = append(out, w)
	}
	for i := range out {
		sort.Strings(out[i].Principals)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Operator+a.Key != b.Operator+b.Key {
			return a.Operator+a.Key < b.Operator+b.Key
		}
		return strings.Join(a.Principals, ",") < strings.Join(b.Principals, ",")
	})
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TrustedPrincipals lists the principals a trust policy lets call sts:AssumeRole, sorted and de-duplicated
// (RAM principals as their ARN, others as "<type>:<value>"), whatever the conditions.
func TrustedPrincipals(doc string) ([]string, error) {
	d, err := parseTrust(doc)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range d.allows {
		for _, p := range st.principals {
			if !containsFold(out, p.String()) {
				out = append(out, p.String())
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
