package ramemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// The emulator's own policy language implementation (ram-api.md §4.3/4.4); deliberately independent of the
// provider's internal/policy package.

type docKind int

const (
	permissionDoc docKind = iota
	trustDoc
)

type pdoc struct{ stmts []pstmt }

type pstmt struct {
	allow        bool
	actions      []string
	notActions   []string
	resources    []string
	notResources []string
	principals   map[string][]string // "ram" | "service" | "federated" -> values
	conds        []pcond
}

type pcond struct {
	op       string // canonical operator name
	ifExists bool
	key      string // lower-cased
	values   []string
}

var condOps = map[string]string{}

func init() {
	for _, op := range []string{
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
		"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
		"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "IpAddress", "NotIpAddress",
	} {
		condOps[strings.ToLower(op)] = op
	}
}

// parsePolicy validates and compiles a document; the error text becomes the MalformedPolicyDocument message.
func parsePolicy(doc string, kind docKind) (*pdoc, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("the document is not valid JSON")
	}
	if dec.More() {
		return nil, fmt.Errorf("the document is not valid JSON")
	}
	var stmtsRaw []any
	version, hasVersion := "", false
	for k, v := range top {
		switch k {
		case "Version":
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf(`"Version" must be the string "1"`)
			}
			version, hasVersion = s, true
		case "Statement":
			switch st := v.(type) {
			case []any:
				stmtsRaw = st
			case map[string]any:
				stmtsRaw = []any{st}
			default:
				return nil, fmt.Errorf(`"Statement" must be a list of statements`)
			}
		default:
			return nil, fmt.Errorf("unknown element %q", k)
		}
	}
	if !hasVersion || version != "1" {
		return nil, fmt.Errorf(`"Version" must be "1"`)
	}
	if len(stmtsRaw) == 0 {
		return nil, fmt.Errorf(`"Statement" is required and must not be empty`)
	}
	d := &pdoc{}
	for i, raw := range stmtsRaw {
		m, ok := raw.(map[string]any)
		if !ok {
			//lint:ignore ST1005 the message names the JSON element as the user wrote it
			return nil, fmt.Errorf("Statement[%d] must be an object", i)
		}
		st, err := parseStatement(m, kind)
		if err != nil {
			//lint:ignore ST1005 the message names the JSON element as the user wrote it
			return nil, fmt.Errorf("Statement[%d]: %v", i, err)
		}
		d.stmts = append(d.stmts, st)
	}
	return d, nil
}

func parseStatement(m map[string]any, kind docKind) (pstmt, error) {
	var st pstmt
	var err error
	seen := map[string]bool{}
	for k, v := range m {
		seen[k] = true
		switch k {
		case "Sid":
			if _, ok := v.(string); !ok {
				return st, fmt.Errorf(`"Sid" must be a string`)
			}
		case "Effect":
			switch v {
			case "Allow":
				st.allow = true
			case "Deny":
			default:
				return st, fmt.Errorf(`"Effect" must be "Allow" or "Deny"`)
			}
		case "Action", "NotAction":
			list, e := stringList(v, k)
			if e != nil {
				return st, e
			}
			for _, a := range list {
				if a != "*" && !strings.Contains(a, ":") {
					return st, fmt.Errorf("%s %q must be \"*\" or \"<service>:<action>\"", k, a)
				}
			}
			if k == "Action" {
				st.actions = list
			} else {
				st.notActions = list
			}
		case "Resource", "NotResource":
			if kind == trustDoc {
				return st, fmt.Errorf("%q is not allowed in a trust policy", k)
			}
			list, e := stringList(v, k)
			if e != nil {
				return st, e
			}
			if k == "Resource" {
				st.resources = list
			} else {
				st.notResources = list
			}
		case "Principal":
			if kind != trustDoc {
				return st, fmt.Errorf(`"Principal" is not allowed in a permission policy`)
			}
			st.principals, err = parsePrincipal(v)
			if err != nil {
				return st, err
			}
		case "Condition":
			st.conds, err = parseConditions(v)
			if err != nil {
				return st, err
			}
		default:
			return st, fmt.Errorf("unknown element %q", k)
		}
	}
	if !seen["Effect"] {
		return st, fmt.Errorf(`"Effect" is required`)
	}
	if seen["Action"] == seen["NotAction"] {
		return st, fmt.Errorf(`exactly one of "Action" or "NotAction" is required`)
	}
	if kind == permissionDoc && seen["Resource"] == seen["NotResource"] {
		return st, fmt.Errorf(`exactly one of "Resource" or "NotResource" is required`)
	}
	if kind == trustDoc {
		if !seen["Principal"] {
			return st, fmt.Errorf(`"Principal" is required in a trust policy`)
		}
		// sts:SetSourceIdentity may stand beside sts:AssumeRole (ram-api.md §9); it grants no AssumeRole.
		for _, a := range st.actions {
			la := strings.ToLower(a)
			if !globMatch(la, "sts:assumerole") && la != "sts:setsourceidentity" {
				return st, fmt.Errorf(`"Action" of a trust policy must be "sts:AssumeRole" or "sts:SetSourceIdentity", not %q`, a)
			}
		}
	}
	return st, nil
}

func stringList(v any, name string) ([]string, error) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil, fmt.Errorf("%q must not be empty", name)
		}
		return []string{t}, nil
	case []any:
		if len(t) == 0 {
			return nil, fmt.Errorf("%q must not be empty", name)
		}
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok || s == "" {
				return nil, fmt.Errorf("%q must hold non-empty strings", name)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%q must be a string or a list of strings", name)
}

func parsePrincipal(v any) (map[string][]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"Principal" must be an object with "RAM", "Service" or "Federated"`)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf(`"Principal" must not be empty`)
	}
	out := map[string][]string{}
	for k, val := range m {
		lk := strings.ToLower(k)
		if lk != "ram" && lk != "service" && lk != "federated" {
			return nil, fmt.Errorf("unknown principal type %q", k)
		}
		if l, ok := val.([]any); ok && len(l) == 0 {
			continue // an empty list of one type is as if absent (ram-api.md §9); see the check below
		}
		list, err := stringList(val, "Principal."+k)
		if err != nil {
			return nil, err
		}
		if lk == "ram" {
			for _, p := range list {
				if p != "*" && !hasPrefixFold(p, "acs:ram::") {
					return nil, fmt.Errorf("principal %q is not a RAM ARN", p)
				}
			}
		}
		out[lk] = append(out[lk], list...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf(`"Principal" must name at least one principal`)
	}
	return out, nil
}

func parseConditions(v any) ([]pcond, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"Condition" must be an object`)
	}
	var out []pcond
	for opName, body := range m {
		lop := strings.ToLower(opName)
		ifExists := false
		if strings.HasSuffix(lop, "ifexists") {
			ifExists = true
			lop = strings.TrimSuffix(lop, "ifexists")
		}
		op, ok := condOps[lop]
		if !ok {
			return nil, fmt.Errorf("unknown condition operator %q", opName)
		}
		keys, ok := body.(map[string]any)
		if !ok || len(keys) == 0 {
			return nil, fmt.Errorf("condition %q must map keys to values", opName)
		}
		for key, raw := range keys {
			vals, err := condValues(raw)
			if err != nil {
				return nil, fmt.Errorf("condition %s %q: %v", opName, key, err)
			}
			for _, cv := range vals {
				if err := checkCondValue(op, cv); err != nil {
					return nil, fmt.Errorf("condition %s %q: %v", opName, key, err)
				}
			}
			out = append(out, pcond{op: op, ifExists: ifExists, key: strings.ToLower(key), values: vals})
		}
	}
	return out, nil
}

func condValues(v any) ([]string, error) {
	scalar := func(e any) (string, bool) {
		switch t := e.(type) {
		case string:
			return t, true
		case bool:
			return strconv.FormatBool(t), true
		case json.Number:
			return t.String(), true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	if list, ok := v.([]any); ok && len(list) > 0 {
		out := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := scalar(e)
			if !ok {
				return nil, fmt.Errorf("values must be strings, numbers or booleans")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("values must be a scalar or a non-empty list")
}

func checkCondValue(op, v string) error {
	switch {
	case strings.HasPrefix(op, "Numeric"):
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
	case strings.HasPrefix(op, "Date"):
		if _, ok := parseCondDate(v); !ok {
			return fmt.Errorf("%q is not a date", v)
		}
	case op == "Bool":
		if v != "true" && v != "false" {
			return fmt.Errorf("%q is not a boolean", v)
		}
	case op == "IpAddress" || op == "NotIpAddress":
		if _, ok := parseCIDR(v); !ok {
			return fmt.Errorf("%q is not an IP address or CIDR", v)
		}
	}
	return nil
}

func parseCondDate(v string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04:05Z", "2006-01-02T15:04Z", "2006-01-02"} {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

func parseCIDR(v string) (*net.IPNet, bool) {
	if !strings.Contains(v, "/") {
		ip := net.ParseIP(v)
		if ip == nil {
			return nil, false
		}
		if ip4 := ip.To4(); ip4 != nil {
			return &net.IPNet{IP: ip4, Mask: net.CIDRMask(32, 32)}, true
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(128, 128)}, true
	}
	_, n, err := net.ParseCIDR(v)
	return n, err == nil
}

// --- evaluation ---

type decision int

const (
	implicitDeny decision = iota
	allowed
	explicitDeny
)

// evalCtx carries the request's condition keys (lower-cased names).
type evalCtx map[string][]string

// evaluate applies a set of documents to (action, resource): explicit Deny wins, then any Allow.
func evaluate(docs []*pdoc, action, resource string, ctx evalCtx) decision {
	action = strings.ToLower(action)
	res := implicitDeny
	for _, d := range docs {
		if d == nil {
			continue
		}
		for i := range d.stmts {
			st := &d.stmts[i]
			if !st.matchesAction(action) || !st.matchesResource(resource) || !condsHold(st.conds, ctx) {
				continue
			}
			if !st.allow {
				return explicitDeny
			}
			res = allowed
		}
	}
	return res
}

func (st *pstmt) matchesAction(action string) bool {
	if st.actions != nil {
		for _, a := range st.actions {
			if globMatch(strings.ToLower(a), action) {
				return true
			}
		}
		return false
	}
	for _, a := range st.notActions {
		if globMatch(strings.ToLower(a), action) {
			return false
		}
	}
	return true
}

func (st *pstmt) matchesResource(res string) bool {
	if st.resources != nil {
		for _, p := range st.resources {
			if arnMatch(p, res) {
				return true
			}
		}
		return false
	}
	if st.notResources != nil {
		for _, p := range st.notResources {
			if arnMatch(p, res) {
				return false
			}
		}
		return true
	}
	return true // trust policies have no Resource
}

// arnMatch matches a policy Resource pattern against a resource ARN, segment by segment, case-insensitively.
// An empty or "*" region on either side matches any region (RAM is global).
func arnMatch(pattern, res string) bool {
	if pattern == "*" {
		return true
	}
	pattern, res = strings.ToLower(pattern), strings.ToLower(res)
	pp := strings.SplitN(pattern, ":", 5)
	rp := strings.SplitN(res, ":", 5)
	if len(pp) != 5 || len(rp) != 5 {
		return globMatch(pattern, res)
	}
	if !globMatch(pp[0], rp[0]) || !globMatch(pp[1], rp[1]) {
		return false
	}
	if pp[2] != "" && pp[2] != "*" && rp[2] != "" && rp[2] != "*" && !globMatch(pp[2], rp[2]) {
		return false
	}
	return globMatch(pp[3], rp[3]) && globMatch(pp[4], rp[4])
}

// globMatch matches with '*' (any run) and '?' (one char); both inputs already lower-cased as needed.
func globMatch(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func condsHold(conds []pcond, ctx evalCtx) bool {
	for i := range conds {
		if !condHolds(&conds[i], ctx) {
			return false
		}
	}
	return true
}

func negated(op string) bool {
	return strings.Contains(op, "Not")
}

func condHolds(c *pcond, ctx evalCtx) bool {
	vals, ok := ctx[c.key]
	if !ok || len(vals) == 0 {
		if c.ifExists {
			return true
		}
		// A missing key satisfies only the negated operators.
		return negated(c.op)
	}
	if negated(c.op) {
		pos := strings.Replace(c.op, "Not", "", 1)
		for _, v := range vals {
			if anyMatch(pos, v, c.values) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if anyMatch(c.op, v, c.values) {
			return true
		}
	}
	return false
}

func anyMatch(op, ctxVal string, condVals []string) bool {
	for _, cv := range condVals {
		if match1(op, ctxVal, cv) {
			return true
		}
	}
	return false
}

func match1(op, v, cv string) bool {
	switch op {
	case "StringEquals":
		return v == cv
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(v, cv)
	case "StringLike":
		return globMatch(cv, v)
	case "Bool":
		return strings.EqualFold(v, cv)
	case "IpAddress":
		ip := net.ParseIP(v)
		n, ok := parseCIDR(cv)
		return ip != nil && ok && n.Contains(ip)
	}
	if strings.HasPrefix(op, "Numeric") {
		a, err1 := strconv.ParseFloat(v, 64)
		b, err2 := strconv.ParseFloat(cv, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return cmpOp(strings.TrimPrefix(op, "Numeric"), compareFloat(a, b))
	}
	if strings.HasPrefix(op, "Date") {
		a, ok1 := parseCondDate(v)
		b, ok2 := parseCondDate(cv)
		if !ok1 || !ok2 {
			return false
		}
		return cmpOp(strings.TrimPrefix(op, "Date"), a.Compare(b))
	}
	return false
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpOp(suffix string, c int) bool {
	switch suffix {
	case "Equals":
		return c == 0
	case "LessThan":
		return c < 0
	case "LessThanEquals":
		return c <= 0
	case "GreaterThan":
		return c > 0
	case "GreaterThanEquals":
		return c >= 0
	}
	return false
}

// trustAllows evaluates a role's trust policy for an AssumeRole by the caller that match recognises: it is
// asked about each principal of each statement, with the principal type lower-cased ("ram", "service",
// "federated").
func trustAllows(d *pdoc, match func(ptype, pattern string) bool, ctx evalCtx) decision {
	res := implicitDeny
	for i := range d.stmts {
		st := &d.stmts[i]
		if !st.matchesAction("sts:assumerole") {
			continue
		}
		hit := false
		for ptype, list := range st.principals {
			for _, p := range list {
				if match(ptype, p) {
					hit = true
				}
			}
		}
		if !hit || !condsHold(st.conds, ctx) {
			continue
		}
		if !st.allow {
			return explicitDeny
		}
		res = allowed
	}
	return res
}
