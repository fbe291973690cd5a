package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxDocumentLength is RAM's limit on a policy document, in characters (ram-api.md §5). It is applied to trust
// policies too: RAM documents no separate figure for AssumeRolePolicyDocument.
const MaxDocumentLength = 6144

// ValidationError lists every problem found in a document, so a user can fix them all in one go.
type ValidationError struct {
	Kind     string   // "permission policy" or "trust policy"
	Problems []string // user-facing sentences, each naming the element
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("invalid %s: %s", e.Kind, e.Problems[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s (%d problems):", e.Kind, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

const maxProblems = 20

type checker struct {
	kind     string
	problems []string
}

func (c *checker) addf(format string, args ...any) {
	if len(c.problems) < maxProblems {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	} else if len(c.problems) == maxProblems {
		c.problems = append(c.problems, "(further problems not shown)")
	}
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Kind: c.kind, Problems: c.problems}
}

// ValidatePermissionPolicy checks doc against the permission-policy grammar of RAM (ram-api.md §4.4):
// Version "1"; a non-empty Statement list; each statement with Effect Allow|Deny, Action (or NotAction),
// Resource (or NotResource), an optional Condition with known operators; no Principal; at most
// MaxDocumentLength characters. The error is a *ValidationError (or a JSON error) with user-facing sentences.
func ValidatePermissionPolicy(doc string) error {
	return validate(doc, false)
}

// ValidateTrustPolicy checks doc against the trust-policy grammar of RAM (ram-api.md §4.3): as a permission
// policy, but every statement needs a Principal with RAM, Service or Federated entries, its actions must be STS
// actions (sts:AssumeRole), and Resource is not allowed.
func ValidateTrustPolicy(doc string) error {
	return validate(doc, true)
}

func validate(doc string, trust bool) error {
	c := &checker{kind: "permission policy"}
	if trust {
		c.kind = "trust policy"
	}
	m, err := decode(doc)
	if err != nil {
		return err
	}
	if n := utf8.RuneCountInString(doc); n > MaxDocumentLength {
		c.addf("the document is %d characters long; RAM allows at most %d", n, MaxDocumentLength)
	}
	for _, k := range sortedKeys(m) {
		if k != "Version" && k != "Statement" {
			c.addf("unknown top-level element %q%s; a policy has only Version and Statement", k, suggest(k, []string{"Version", "Statement"}))
		}
	}
	switch v, ok := m["Version"]; {
	case !ok:
		c.addf(`Version is required and must be "1"`)
	case v != "1":
		c.addf(`Version must be the string "1", got %s`, describe(v))
	}
	st, ok := m["Statement"]
	switch list, isList := st.([]any); {
	case !ok:
		c.addf("Statement is required: a policy needs at least one statement")
	case !isList:
		c.addf("Statement must be a list of statements, got %s", describe(st))
	case len(list) == 0:
		c.addf("Statement must not be empty: a policy needs at least one statement")
	default:
		for i, s := range list {
			where := fmt.Sprintf("Statement[%d]", i)
			sm, ok := s.(map[string]any)
			if !ok {
				c.addf("%s must be an object, got %s", where, describe(s))
				continue
			}
			if trust {
				c.trustStatement(where, sm)
			} else {
				c.permissionStatement(where, sm)
			}
		}
	}
	return c.err()
}

var (
	permissionElements = []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
	trustElements      = []string{"Sid", "Effect", "Action", "Principal", "Condition"}
)

func (c *checker) permissionStatement(where string, st map[string]any) {
	for _, k := range sortedKeys(st) {
		switch {
		case slices.Contains(permissionElements, k):
		case k == "Principal":
			c.addf("%s.Principal is not allowed in a permission policy: principals belong in a role's trust policy", where)
		default:
			c.addf("%s has unknown element %q%s; allowed elements are %s", where, k, suggest(k, permissionElements), strings.Join(permissionElements, ", "))
		}
	}
	c.sid(where, st)
	c.effect(where, st)
	c.exactlyOne(where, st, "Action", "NotAction", func(el string, v string) error { return ValidateAction(v) })
	c.exactlyOne(where, st, "Resource", "NotResource", func(el string, v string) error { return ValidateResource(v) })
	c.condition(where, st)
}

func (c *checker) trustStatement(where string, st map[string]any) {
	for _, k := range sortedKeys(st) {
		switch {
		case slices.Contains(trustElements, k):
		case k == "Resource" || k == "NotResource":
			c.addf("%s.%s is not allowed in a trust policy: the role itself is the resource", where, k)
		case k == "NotAction" || k == "NotPrincipal":
			c.addf("%s.%s is not allowed in a trust policy; use %s", where, k, strings.TrimPrefix(k, "Not"))
		default:
			c.addf("%s has unknown element %q%s; allowed elements are %s", where, k, suggest(k, trustElements), strings.Join(trustElements, ", "))
		}
	}
	c.sid(where, st)
	c.effect(where, st)
	if _, ok := st["Action"]; !ok {
		c.addf("%s.Action is required: a trust policy statement grants sts:AssumeRole", where)
	} else {
		c.stringList(where+".Action", st["Action"], func(v string) error {
			if err := ValidateAction(v); err != nil {
				return err
			}
			if svc, _, _ := strings.Cut(v, ":"); !strings.EqualFold(svc, "sts") {
				return fmt.Errorf("%q is not an STS action: a trust policy grants sts:AssumeRole", v)
			}
			return nil
		})
	}
	c.principal(where, st)
	c.condition(where, st)
}

func (c *checker) sid(where string, st map[string]any) {
	if v, ok := st["Sid"]; ok {
		if _, isStr := v.(string); !isStr {
			c.addf("%s.Sid must be a string, got %s", where, describe(v))
		}
	}
}

func (c *checker) effect(where string, st map[string]any) {
	v, ok := st["Effect"]
	switch {
	case !ok:
		c.addf(`%s.Effect is required and must be "Allow" or "Deny"`, where)
	case v != "Allow" && v != "Deny":
		c.addf(`%s.Effect must be "Allow" or "Deny", got %s`, where, describe(v))
	}
}

// exactlyOne checks that a statement has one of a pair like Action/NotAction and validates its values.
func (c *checker) exactlyOne(where string, st map[string]any, el, notEl string, check func(string, string) error) {
	v, has := st[el]
	nv, hasNot := st[notEl]
	switch {
	case has && hasNot:
		c.addf("%s must not have both %s and %s", where, el, notEl)
	case !has && !hasNot:
		c.addf("%s.%s is required (or %s)", where, el, notEl)
	case has:
		c.stringList(where+"."+el, v, func(s string) error { return check(el, s) })
	default:
		c.stringList(where+"."+notEl, nv, func(s string) error { return check(notEl, s) })
	}
}

// stringList checks a string-or-list-of-strings element and each of its values.
func (c *checker) stringList(where string, v any, check func(string) error) {
	switch x := v.(type) {
	case string:
		if err := check(x); err != nil {
			c.addf("%s: %s", where, err)
		}
	case []any:
		if len(x) == 0 {
			c.addf("%s must not be an empty list", where)
		}
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				c.addf("%s[%d] must be a string, got %s", where, i, describe(e))
				continue
			}
			if err := check(s); err != nil {
				c.addf("%s[%d]: %s", where, i, err)
			}
		}
	default:
		c.addf("%s must be a string or a list of strings, got %s", where, describe(v))
	}
}

var principalKinds = []string{"RAM", "Service", "Federated"}

var (
	ramPrincipalPattern       = regexp.MustCompile(`^acs:ram::[0-9]{16}:(root|user/[^/\s]+|role/[^/\s]+)$`)
	federatedPrincipalPattern = regexp.MustCompile(`^acs:ram::[0-9]{16}:(saml-provider|oidc-provider)/[^/\s]+$`)
	servicePrincipalPattern   = regexp.MustCompile(`^\S+$`)
)

func (c *checker) principal(where string, st map[string]any) {
	v, ok := st["Principal"]
	if !ok {
		c.addf("%s.Principal is required in a trust policy: name who may assume the role with RAM, Service or Federated", where)
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.addf("%s.Principal must be an object with RAM, Service or Federated entries, got %s", where, describe(v))
		return
	}
	if len(m) == 0 {
		c.addf("%s.Principal must name at least one principal in RAM, Service or Federated", where)
	}
	for _, k := range sortedKeys(m) {
		var pat *regexp.Regexp
		var want string
		switch k {
		case "RAM":
			pat, want = ramPrincipalPattern, "acs:ram::<16-digit account ID>:root, :user/<name> or :role/<name>"
		case "Service":
			pat, want = servicePrincipalPattern, "a service name such as ecs.aliyuncs.com"
		case "Federated":
			pat, want = federatedPrincipalPattern, "acs:ram::<16-digit account ID>:saml-provider/<name> or :oidc-provider/<name>"
		default:
			c.addf("%s.Principal has unknown key %q%s; use RAM, Service or Federated", where, k, suggest(k, principalKinds))
			continue
		}
		c.stringList(fmt.Sprintf("%s.Principal.%s", where, k), m[k], func(s string) error {
			if !pat.MatchString(s) {
				return fmt.Errorf("%q is not a valid %s principal: expected %s", s, k, want)
			}
			return nil
		})
	}
}

func (c *checker) condition(where string, st map[string]any) {
	v, ok := st["Condition"]
	if !ok {
		return
	}
	where += ".Condition"
	ops, ok := v.(map[string]any)
	if !ok {
		c.addf("%s must be an object of operators, got %s", where, describe(v))
		return
	}
	for _, op := range sortedKeys(ops) {
		opWhere := fmt.Sprintf("%s[%q]", where, op)
		if err := ValidateConditionOperator(op); err != nil {
			c.addf("%s: %s", where, err)
			continue
		}
		keys, ok := ops[op].(map[string]any)
		if !ok {
			c.addf("%s must be an object of condition keys to values, got %s", opWhere, describe(ops[op]))
			continue
		}
		if len(keys) == 0 {
			c.addf("%s must have at least one condition key", opWhere)
		}
		for _, key := range sortedKeys(keys) {
			keyWhere := fmt.Sprintf("%s[%q]", opWhere, key)
			if strings.TrimSpace(key) == "" {
				c.addf("%s: condition keys must not be empty", opWhere)
				continue
			}
			check := func(i int, e any) {
				at := keyWhere
				if i >= 0 {
					at = fmt.Sprintf("%s[%d]", keyWhere, i)
				}
				s, ok := conditionScalar(e)
				if !ok {
					c.addf("%s must be a string, number or boolean, got %s", at, describe(e))
					return
				}
				if err := ValidateConditionValue(op, s); err != nil {
					c.addf("%s: %s", at, err)
				}
			}
			if list, isList := keys[key].([]any); isList {
				if len(list) == 0 {
					c.addf("%s must have at least one value", keyWhere)
				}
				for i, e := range list {
					check(i, e)
				}
			} else {
				check(-1, keys[key])
			}
		}
	}
}

func conditionScalar(v any) (string, bool) {
	return scalarString(v, true)
}

// conditionOperators are the operators RAM documents (ram-api.md §4.4). RAM documents no "...IfExists"
// variants (unlike AWS), so they are rejected rather than failing later at apply time.
var conditionOperators = map[string]string{
	"StringEquals": "string", "StringNotEquals": "string", "StringEqualsIgnoreCase": "string",
	"StringNotEqualsIgnoreCase": "string", "StringLike": "string", "StringNotLike": "string",
	"NumericEquals": "numeric", "NumericNotEquals": "numeric", "NumericLessThan": "numeric",
	"NumericLessThanEquals": "numeric", "NumericGreaterThan": "numeric", "NumericGreaterThanEquals": "numeric",
	"DateEquals": "date", "DateNotEquals": "date", "DateLessThan": "date", "DateLessThanEquals": "date",
	"DateGreaterThan": "date", "DateGreaterThanEquals": "date",
	"Bool":      "bool",
	"IpAddress": "ip", "NotIpAddress": "ip",
}

// ConditionOperators returns the condition operators RAM accepts, sorted.
func ConditionOperators() []string {
	ops := make([]string, 0, len(conditionOperators))
	for op := range conditionOperators {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// ValidateConditionOperator reports whether op is a RAM condition operator (case-sensitive, as RAM is).
func ValidateConditionOperator(op string) error {
	if _, ok := conditionOperators[op]; ok {
		return nil
	}
	if base, ok := strings.CutSuffix(op, "IfExists"); ok {
		if _, known := conditionOperators[base]; known {
			return fmt.Errorf("unknown condition operator %q: RAM has no ...IfExists operators; use %q", op, base)
		}
	}
	return fmt.Errorf("unknown condition operator %q%s; RAM accepts %s", op, suggest(op, ConditionOperators()), strings.Join(ConditionOperators(), ", "))
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"}

// ValidateConditionValue checks one value against its operator's type: numbers for Numeric*, ISO 8601 dates for
// Date*, true/false for Bool, IP addresses or CIDR blocks for IpAddress/NotIpAddress. op must be known.
func ValidateConditionValue(op, value string) error {
	switch conditionOperators[op] {
	case "numeric":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return fmt.Errorf("%s needs a number, got %q", op, value)
		}
	case "date":
		for _, layout := range dateLayouts {
			if _, err := time.Parse(layout, value); err == nil {
				return nil
			}
		}
		if _, err := strconv.ParseInt(value, 10, 64); err == nil {
			return nil // epoch seconds
		}
		return fmt.Errorf("%s needs an ISO 8601 date such as 2026-12-31T23:59:59Z, got %q", op, value)
	case "bool":
		if !strings.EqualFold(value, "true") && !strings.EqualFold(value, "false") {
			return fmt.Errorf("%s needs true or false, got %q", op, value)
		}
	case "ip":
		if err := ValidateIPOrCIDR(value); err != nil {
			return fmt.Errorf("%s needs an IP address or CIDR block: %w", op, err)
		}
	}
	return nil
}

// ValidateIPOrCIDR accepts an IPv4/IPv6 address or CIDR block such as 203.0.113.0/24.
func ValidateIPOrCIDR(s string) error {
	if strings.Contains(s, "/") {
		if _, err := netip.ParsePrefix(s); err != nil {
			return fmt.Errorf("%q is not a valid CIDR block", s)
		}
		return nil
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return fmt.Errorf("%q is not a valid IP address or CIDR block", s)
	}
	return nil
}

var (
	actionPattern   = regexp.MustCompile(`^[A-Za-z0-9*?_-]+:[A-Za-z0-9*?_.-]+$`)
	servicePattern  = regexp.MustCompile(`^[A-Za-z0-9*?_-]+$`)
	noSpacesPattern = regexp.MustCompile(`^\S*$`)
)

// ValidateAction checks one Action/NotAction value: "*" or "<service>:<Api>", where "*" and "?" are wildcards
// (for example "ecs:Describe*", "mq:PUB", "*:List*").
func ValidateAction(a string) error {
	if a == "*" || actionPattern.MatchString(a) {
		return nil
	}
	return fmt.Errorf(`%q is not a valid action: use "*" or "<service>:<Api>", for example "ecs:DescribeInstances" or "mq:*" ("*" and "?" are wildcards)`, a)
}

// ValidateResource checks one Resource/NotResource value: "*" or "acs:<service>:<region>:<account>:<relative-id>"
// (region and account may be "*" or empty; "*" and "?" are wildcards anywhere).
func ValidateResource(r string) error {
	if r == "*" {
		return nil
	}
	bad := fmt.Errorf(`%q is not a valid resource: use "*" or "acs:<service>:<region>:<account-id>:<relative-id>", for example "acs:mq:*:*:MQ_INST_123%%topic"`, r)
	parts := strings.SplitN(r, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" || !servicePattern.MatchString(parts[1]) || parts[4] == "" || !noSpacesPattern.MatchString(r) {
		return bad
	}
	return nil
}

// describe renders a JSON value for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case json.Number:
		return "the number " + x.String()
	case nil:
		return "null"
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	}
	return jsonKind(v)
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// suggest returns ` (did you mean "X"?)` for a case-insensitive or plural/singular near miss.
func suggest(got string, allowed []string) string {
	g := strings.ToLower(got)
	for _, a := range allowed {
		l := strings.ToLower(a)
		if g == l || g == l+"s" || g+"s" == l {
			return fmt.Sprintf(" (did you mean %q?)", a)
		}
	}
	return ""
}
