package ramemu

import (
	"fmt"
	"strings"
	"testing"
)

// listedNames returns the names in a ListRoles/ListPolicies answer, its Marker and IsTruncated.
func listedNames(t *testing.T, m map[string]any, outer, inner, nameKey string) ([]string, string, bool) {
	t.Helper()
	var names []string
	for _, it := range m[outer].(map[string]any)[inner].([]any) {
		names = append(names, it.(map[string]any)[nameKey].(string))
	}
	marker, _ := m["Marker"].(string)
	return names, marker, m["IsTruncated"].(bool)
}

func tagParam(pairs ...string) string {
	var items []string
	for i := 0; i+1 < len(pairs); i += 2 {
		items = append(items, fmt.Sprintf(`{"Key":%q,"Value":%q}`, pairs[i], pairs[i+1]))
	}
	return "[" + strings.Join(items, ",") + "]"
}

// tagFilterCase is one Tag filter and the names it must list, in creation order.
type tagFilterCase struct {
	filter string
	want   string // names joined by ","
}

var tagFilterCases = []tagFilterCase{
	{tagParam("env", "prod"), "p1,p2,p4,p6"},
	{tagParam("env", "prod", "team", "a"), "p1,p4,p6"}, // every pair must match
	{tagParam("env", "qa"), ""},
	{tagParam("env", "prod", "team", "c"), ""},
	{`[{"Key":"team"}]`, "p1,p2,p3,p4,p6"}, // no Value: any value of the key
}

// taggedEntities creates p1..p6 with create (a role or a policy) and these tags.
func taggedEntities(t *testing.T, create func(name, tags string)) {
	t.Helper()
	for _, c := range []struct{ name, tags string }{
		{"p1", tagParam("env", "prod", "team", "a")},
		{"p2", tagParam("env", "prod", "team", "b")},
		{"p3", tagParam("env", "dev", "team", "a")},
		{"p4", tagParam("team", "a", "env", "prod")},
		{"p5", ""},
		{"p6", tagParam("env", "prod", "team", "a", "extra", "x")},
	} {
		create(c.name, c.tags)
	}
}

func testTagFilter(t *testing.T, e *testEnv, action string, base map[string]string, outer, inner, nameKey string) {
	t.Helper()
	a := e.rootA()
	with := func(extra ...string) map[string]string {
		p := map[string]string{}
		for k, v := range base {
			p[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			p[extra[i]] = extra[i+1]
		}
		return p
	}
	for _, c := range tagFilterCases {
		m, err := e.commonAs(a, action, with("Tag", c.filter))
		must(t, err)
		names, marker, truncated := listedNames(t, m, outer, inner, nameKey)
		if strings.Join(names, ",") != c.want || truncated || marker != "" {
			t.Errorf("%s Tag=%s: %v (truncated %v), want %q", action, c.filter, names, truncated, c.want)
		}
	}
	// Paging walks the filtered set: MaxItems counts matches only, and the Marker resumes among them.
	var pages []string
	marker := ""
	for i := 0; i < 5; i++ {
		p := with("Tag", tagParam("env", "prod", "team", "a"), "MaxItems", "2")
		if marker != "" {
			p["Marker"] = marker
		}
		m, err := e.commonAs(a, action, p)
		must(t, err)
		names, next, truncated := listedNames(t, m, outer, inner, nameKey)
		pages = append(pages, strings.Join(names, ","))
		if truncated != (next != "") {
			t.Fatalf("IsTruncated %v with Marker %q", truncated, next)
		}
		if marker = next; marker == "" {
			break
		}
	}
	if got := strings.Join(pages, " | "); got != "p1,p4 | p6" {
		t.Errorf("%s pages over the filtered set: %s", action, got)
	}
	_, err := e.commonAs(a, action, with("Tag", `{"Key":"env"}`))
	wantErr(t, err, "InvalidParameter.Tag", 400)
}

// TestListRolesTagFilter: ListRoles' Tag filter returns only the roles whose tags match every pair, and pages
// over them.
func TestListRolesTagFilter(t *testing.T) {
	e := newEnv(t, Options{})
	taggedEntities(t, func(name, tags string) {
		p := map[string]string{"RoleName": name, "AssumeRolePolicyDocument": trustB}
		if tags != "" {
			p["Tag"] = tags
		}
		_, err := e.commonAs(e.rootA(), "CreateRole", p)
		must(t, err)
	})
	testTagFilter(t, e, "ListRoles", nil, "Roles", "Role", "RoleName")
}

// TestListPoliciesTagFilter: likewise for ListPolicies; system policies carry no tags, so a filter leaves
// only custom policies even when PolicyType is absent.
func TestListPoliciesTagFilter(t *testing.T) {
	e := newEnv(t, Options{})
	taggedEntities(t, func(name, tags string) {
		p := map[string]string{"PolicyName": name, "PolicyDocument": permDoc("ecs:*")}
		if tags != "" {
			p["Tag"] = tags
		}
		_, err := e.commonAs(e.rootA(), "CreatePolicy", p)
		must(t, err)
	})
	testTagFilter(t, e, "ListPolicies", nil, "Policies", "Policy", "PolicyName")
	testTagFilter(t, e, "ListPolicies", map[string]string{"PolicyType": "Custom"}, "Policies", "Policy", "PolicyName")
	m, err := e.commonAs(e.rootA(), "ListPolicies", map[string]string{"PolicyType": "System", "Tag": tagParam("env", "prod")})
	must(t, err)
	if names, _, _ := listedNames(t, m, "Policies", "Policy", "PolicyName"); len(names) != 0 {
		t.Fatalf("system policies matched a tag filter: %v", names)
	}
	// Without a filter everything is still listed.
	m, err = e.commonAs(e.rootA(), "ListPolicies", map[string]string{"PolicyType": "Custom"})
	must(t, err)
	if names, _, _ := listedNames(t, m, "Policies", "Policy", "PolicyName"); strings.Join(names, ",") != "p1,p2,p3,p4,p5,p6" {
		t.Fatalf("unfiltered: %v", names)
	}
}
