package policy

import (
	"fmt"
)

// Statement is one statement of a permission policy built from typed input (the policy-document data source).
type Statement struct {
	Sid        string // optional; omitted when empty
	Effect     string // "Allow" (default when empty) or "Deny"
	Actions    []string
	NotActions []string
	Resources  []string
	// NotResources carries NotResource through source/override documents; the data source has no argument for it.
	NotResources []string
	Conditions   []Condition
}

// Condition is one operator/key/values triple; values of one condition are alternatives (any may match).
type Condition struct {
	Test, Variable string
	Values         []string
}

// RenderPolicy renders statements as a validated permission policy in canonical compact JSON (see Normalize);
// the output is deterministic. Statement order is kept, so Statement[i] in errors is statements[i].
func RenderPolicy(statements []Statement) (string, error) {
	list := make([]any, 0, len(statements))
	var problems []string
	for i, s := range statements {
		st := map[string]any{}
		if s.Sid != "" {
			st["Sid"] = s.Sid
		}
		st["Effect"] = s.Effect
		if s.Effect == "" {
			st["Effect"] = "Allow"
		}
		if s.Actions != nil {
			st["Action"] = strings2any(s.Actions)
		}
		if s.NotActions != nil {
			st["NotAction"] = strings2any(s.NotActions)
		}
		if s.Resources != nil {
			st["Resource"] = strings2any(s.Resources)
		}
		if s.NotResources != nil {
			st["NotResource"] = strings2any(s.NotResources)
		}
		if len(s.Conditions) > 0 {
			cond := map[string]any{}
			for _, c := range s.Conditions {
				keys, _ := cond[c.Test].(map[string]any)
				if keys == nil {
					keys = map[string]any{}
					cond[c.Test] = keys
				}
				if _, dup := keys[c.Variable]; dup {
					// Two blocks on one key would be AND-ed by intent but RAM's JSON can only OR values: refuse.
					problems = append(problems, fmt.Sprintf("Statement[%d] has two %s conditions on %q; put all values in one condition (any value may match)", i, c.Test, c.Variable))
					continue
				}
				keys[c.Variable] = strings2any(c.Values)
			}
			st["Condition"] = cond
		}
		list = append(list, st)
	}
	if len(problems) > 0 {
		return "", &ValidationError{Kind: "permission policy", Problems: problems}
	}
	out, err := encode(canonicalDocument(map[string]any{"Version": "1", "Statement": list}))
	if err != nil {
		return "", err
	}
	if err := ValidatePermissionPolicy(out); err != nil {
		return "", err
	}
	return out, nil
}

func strings2any(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// ParseStatements decodes a permission policy into typed statements (for merging source and override documents
// by Sid). The document must pass ValidatePermissionPolicy.
func ParseStatements(doc string) ([]Statement, error) {
	if err := ValidatePermissionPolicy(doc); err != nil {
		return nil, err
	}
	m, err := decode(doc)
	if err != nil {
		return nil, err
	}
	m = canonicalDocument(m)
	raw, _ := m["Statement"].([]any)
	out := make([]Statement, 0, len(raw))
	for _, r := range raw {
		st, _ := r.(map[string]any)
		s := Statement{Effect: st["Effect"].(string)}
		s.Sid, _ = st["Sid"].(string)
		s.Actions = anyStrings(st["Action"])
		s.NotActions = anyStrings(st["NotAction"])
		s.Resources = anyStrings(st["Resource"])
		s.NotResources = anyStrings(st["NotResource"])
		if cond, ok := st["Condition"].(map[string]any); ok {
			for _, op := range sortedKeys(cond) {
				keys, _ := cond[op].(map[string]any)
				for _, k := range sortedKeys(keys) {
					s.Conditions = append(s.Conditions, Condition{Test: op, Variable: k, Values: anyStrings(keys[k])})
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// anyStrings converts a canonical folded list back to strings (nil when absent).
func anyStrings(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// MergeStatements merges statement lists by Sid the way aws_iam_policy_document does: each later statement with
// a non-empty Sid equal to an earlier one replaces it in place; every other statement is appended.
func MergeStatements(base []Statement, more ...[]Statement) []Statement {
	out := append([]Statement(nil), base...)
	for _, list := range more {
		for _, s := range list {
			replaced := false
			if s.Sid != "" {
				for i := range out {
					if out[i].Sid == s.Sid {
						out[i] = s
						replaced = true
						break
					}
				}
			}
			if !replaced {
				out = append(out, s)
			}
		}
	}
	return out
}
