package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Statement elements whose value may be a string or a list of strings; in canonical form they are
// always a sorted, de-duplicated list, since RAM treats both spellings and any order the same.
var foldedElements = map[string]bool{
	"Action":      true,
	"NotAction":   true,
	"Resource":    true,
	"NotResource": true,
}

// Normalize returns the canonical compact JSON form of a policy document:
//   - object keys sorted (at every level);
//   - in each statement, Action, NotAction, Resource, NotResource, every Principal key's values and every
//     Condition key's values folded from string-or-list to a sorted, de-duplicated list of strings
//     (numbers and booleans in Condition values become their literal string form: RAM accepts true and "true");
//   - a single statement object is folded into a one-element Statement list;
//   - Statement order, Effect, Version and everything else kept as written.
//
// The document must be a JSON object; it is not otherwise validated (see ValidatePermissionPolicy and
// ValidateTrustPolicy).
func Normalize(doc string) (string, error) {
	v, err := decode(doc)
	if err != nil {
		return "", err
	}
	return encode(canonicalDocument(v))
}

// Equal reports whether two policy documents are semantically equal, that is whether their canonical
// forms (see Normalize) are identical. It is false if either document is not a JSON object.
func Equal(a, b string) bool {
	if a == b {
		// Identical bytes are equal only if they are a document at all.
		_, err := decode(a)
		return err == nil
	}
	na, err := Normalize(a)
	if err != nil {
		return false
	}
	nb, err := Normalize(b)
	if err != nil {
		return false
	}
	return na == nb
}

// decode parses doc as exactly one JSON object, keeping numbers as written.
func decode(doc string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("policy document is not valid JSON: the document is empty")
		}
		return nil, fmt.Errorf("policy document is not valid JSON: %s", jsonErrorDetail(doc, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("policy document is not valid JSON: unexpected data after the top-level value at offset %d", dec.InputOffset())
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy document must be a JSON object, got %s", jsonKind(v))
	}
	return m, nil
}

// jsonErrorDetail adds the line and column to syntax errors: the offset alone is hard to find in HCL heredocs.
func jsonErrorDetail(doc string, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, including the offending one.
		line, col := lineCol(doc, se.Offset-1)
		return fmt.Sprintf("%s (line %d, column %d)", se.Error(), line, col)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineCol(doc, te.Offset)
		return fmt.Sprintf("%s (line %d, column %d)", te.Error(), line, col)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input (unclosed object, list or string)"
	}
	return err.Error()
}

func lineCol(doc string, offset int64) (int, int) {
	if offset > int64(len(doc)) {
		offset = int64(len(doc))
	}
	if offset < 0 {
		offset = 0
	}
	before := doc[:offset]
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndex(before, "\n")
	return line, col
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func encode(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Policies carry '&', '<', '>' in conditions; keep them readable (still valid JSON).
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func canonicalDocument(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "Statement" {
			out[k] = v // maps are re-encoded with sorted keys; scalars kept as written
			continue
		}
		switch s := v.(type) {
		case map[string]any:
			out[k] = []any{canonicalStatement(s)}
		case []any:
			list := make([]any, len(s))
			for i, st := range s {
				if m, ok := st.(map[string]any); ok {
					list[i] = canonicalStatement(m)
				} else {
					list[i] = st
				}
			}
			out[k] = list
		default:
			out[k] = v
		}
	}
	return out
}

func canonicalStatement(st map[string]any) map[string]any {
	out := make(map[string]any, len(st))
	for k, v := range st {
		switch {
		case foldedElements[k]:
			out[k] = foldStrings(v, false)
		case k == "Principal":
			out[k] = foldEach(v, false)
		case k == "Condition":
			out[k] = canonicalCondition(v)
		default:
			out[k] = v
		}
	}
	return out
}

// canonicalCondition folds {"Operator": {"key": value-or-list}} values.
func canonicalCondition(v any) any {
	return mapObject(v, func(keys any) any { return foldEach(keys, true) })
}

// foldEach folds every value of an object (Principal keys, condition keys).
func foldEach(v any, scalars bool) any {
	return mapObject(v, func(vv any) any { return foldStrings(vv, scalars) })
}

// mapObject replaces every value of an object by f of it; anything but an object is left as written.
func mapObject(v any, f func(any) any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, vv := range m {
		out[k] = f(vv)
	}
	return out
}

// foldStrings turns a string (or, with scalars, a number or boolean) or a list of them into a sorted,
// de-duplicated list of strings. Anything else (nested lists, objects, null) is left as written, so
// validation can report it and normalization stays idempotent.
func foldStrings(v any, scalars bool) any {
	if s, ok := scalarString(v, scalars); ok {
		return []any{s}
	}
	list, ok := v.([]any)
	if !ok {
		return v
	}
	strs := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := scalarString(e, scalars)
		if !ok {
			return v
		}
		strs = append(strs, s)
	}
	sort.Strings(strs)
	out := make([]any, 0, len(strs))
	for i, s := range strs {
		if i > 0 && strs[i-1] == s {
			continue
		}
		out = append(out, s)
	}
	return out
}

func scalarString(v any, scalars bool) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		if scalars {
			return x.String(), true
		}
	case bool:
		if scalars {
			if x {
				return "true", true
			}
			return "false", true
		}
	}
	return "", false
}
