package ramemu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// fullWithoutReadOnly are the FullAccess policies whose service documents no ReadOnlyAccess counterpart
// (catalog/README.md names the sources). TestSystemPolicyCatalogWellFormed checks both directions, so the
// list cannot hide a missing pair or go stale.
var fullWithoutReadOnly = map[string]bool{
	"AliyunECSWorkbenchFullAccess": true, "AliyunSWASFullAccess": true, "AliyunECDTagFullAccess": true,
	"AliyunECDOfficeSiteFullAccess": true, "AliyunECDUserFullAccess": true, "AliyunECDPolicyGroupFullAccess": true,
	"AliyunECDDesktopFullAccess": true, "AliyunECDTechnicalSupportFullAccess": true, "AliyunHCSSGWFullAccess": true,
	"AliyunCloudShellFullAccess": true, "AliyunMTSFullAccess": true, "AliyunEMRFullAccess": true, "AliyunDataVFullAccess": true,
	// The source lists the read-only counterpart only truncated ("AliyunYundunDDoSRewardsReadOnlyA"), so it is left out.
	"AliyunYundunDDoSRewardsFullAccess": true,
	"AliyunSupportFullAccess":           true, "AliyunMarketplaceFullAccess": true, "AliyunBSSMyFreetierFullAccess": true,
	"AliyunBeianFullAccess": true, "AliyunMGWFullAccess": true, "AliyunACMFullAccess": true,
	"AliyunYundunAvdsFullAccess": true, "AliyunNotificationsFullAccess": true, "AliyunLubanFullAccess": true,
}

// readOnlyCounterpart finds X's ReadOnlyAccess for XFullAccess; RAM spells a few "ReadonlyAccess".
func readOnlyCounterpart(c *systemCatalog, full string) *policy {
	return c.byName[strings.ToLower(strings.TrimSuffix(full, "FullAccess")+"ReadOnlyAccess")]
}

func TestSystemPolicyCatalogWellFormed(t *testing.T) {
	c, err := parseSystemCatalog(systemPolicyData)
	must(t, err)
	if len(c.list) < 300 {
		t.Fatalf("catalog has %d policies", len(c.list))
	}
	sources := map[string]bool{"ram-api": true, "ram-services": true, "ram-services-2021": true, "ram-services-zh": true}
	for _, e := range c.entries {
		if !sources[e.Source] {
			t.Errorf("%s: unknown source %q", e.Name, e.Source)
		}
		if !strings.HasPrefix(e.Document, `{"Statement":[`) {
			t.Errorf("%s: document not in RAM's compact form: %s", e.Name, e.Document)
		}
	}
	for _, p := range c.list {
		if !strings.HasSuffix(p.Name, "FullAccess") {
			continue
		}
		ro := readOnlyCounterpart(c, p.Name)
		switch {
		case ro == nil && !fullWithoutReadOnly[p.Name]:
			t.Errorf("%s has no read-only counterpart", p.Name)
		case ro != nil && fullWithoutReadOnly[p.Name]:
			t.Errorf("%s is listed as unpaired but %s exists", p.Name, ro.Name)
		}
	}
	for name := range fullWithoutReadOnly {
		if c.byName[strings.ToLower(name)] == nil {
			t.Errorf("unpaired %s is not in the catalog", name)
		}
	}
	for _, name := range []string{"AdministratorAccess", "ReadOnlyAccess", "AliyunSTSAssumeRoleAccess",
		"AliyunRAMFullAccess", "AliyunRAMReadOnlyAccess", "AliyunKafkaFullAccess", "AliyunKafkaReadOnlyAccess",
		"AliyunMQFullAccess", "AliyunMQReadOnlyAccess", "AliyunSOFAFullAccess", "AliyunSOFAReadOnlyAccess",
		"AliyunRDSGADReadOnlyAccess", "AliyunGlobalAccelerationReadOnlyAccess", "AliyunECSFullAccess",
		"AliyunOSSReadOnlyAccess", "AliyunCSFullAccess", "AliyunSLBReadOnlyAccess", "AliyunVPCFullAccess",
		"AliyunLogReadOnlyAccess", "AliyunCloudMonitorFullAccess", "AliyunKMSReadOnlyAccess"} {
		if c.byName[strings.ToLower(name)] == nil {
			t.Errorf("%s missing", name)
		}
	}
	// The documents that decide RAM and STS calls, and those of ram-api.md §4.6, are RAM's text; and no
	// generated document reaches RAM or STS unless its name says it does.
	for _, name := range []string{"AliyunSTSAssumeRoleAccess", "AliyunRAMReadOnlyAccess", "AliyunKafkaFullAccess",
		"AliyunKafkaReadOnlyAccess", "AliyunMQFullAccess", "AliyunMQReadOnlyAccess"} {
		for _, e := range c.entries {
			if e.Name == name && e.Generated {
				t.Errorf("%s: its document should be RAM's text", name)
			}
		}
	}
	ctx := evalCtx{}
	ramAdmin := map[string]bool{"AdministratorAccess": true, "AliyunRAMFullAccess": true}
	for _, p := range c.list {
		doc := []*pdoc{p.defaultDoc().parsed}
		if got := evaluate(doc, "ram:CreateRole", "acs:ram:*:1000000000000001:role/x", ctx) == allowed; got != ramAdmin[p.Name] {
			t.Errorf("%s: ram:CreateRole allowed = %v", p.Name, got)
		}
		wantAssume := p.Name == "AliyunSTSAssumeRoleAccess" || p.Name == "AdministratorAccess"
		if got := evaluate(doc, "sts:AssumeRole", "acs:ram::1000000000000001:role/x", ctx) == allowed; got != wantAssume {
			t.Errorf("%s: sts:AssumeRole allowed = %v", p.Name, got)
		}
	}
	// A generated FullAccess document grants its service; a generated ReadOnlyAccess one only reads it.
	ga := []*pdoc{c.byName["aliyunglobalaccelerationfullaccess"].defaultDoc().parsed}
	gaRO := []*pdoc{c.byName["aliyunglobalaccelerationreadonlyaccess"].defaultDoc().parsed}
	if evaluate(ga, "ga:CreateAccelerator", "*", ctx) != allowed || evaluate(gaRO, "ga:CreateAccelerator", "*", ctx) == allowed ||
		evaluate(gaRO, "ga:DescribeAccelerator", "*", ctx) != allowed {
		t.Error("generated Global Accelerator documents do not grant what their names say")
	}
}

func TestSystemPolicyCatalogRejectsBadData(t *testing.T) {
	good := `{"name": "AliyunXFullAccess", "description": "d", "version": "v1", "document": "{\"Statement\":[{\"Action\":\"x:*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"1\"}", "generated": true, "source": "ram-services"}`
	if _, err := parseSystemCatalog([]byte("[" + good + "]")); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"duplicate name":  "[" + good + "," + strings.Replace(good, "AliyunXFullAccess", "aliyunxfullaccess", 1) + "]",
		"empty desc":      "[" + strings.Replace(good, `"description": "d"`, `"description": " "`, 1) + "]",
		"bad name":        "[" + strings.Replace(good, "AliyunXFullAccess", "Aliyun_X", 1) + "]",
		"bad version":     "[" + strings.Replace(good, `"v1"`, `"1"`, 1) + "]",
		"bad document":    "[" + strings.Replace(good, `\"Effect\":\"Allow\",`, "", 1) + "]",
		"unknown field":   "[" + strings.Replace(good, `"generated"`, `"generatd"`, 1) + "]",
		"not a json list": good,
	} {
		if _, err := parseSystemCatalog([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSystemPolicyCatalogSharedBetweenServers(t *testing.T) {
	s1, err := New(Options{})
	must(t, err)
	s2, err := New(Options{})
	must(t, err)
	if len(s1.sysList) == 0 || s1.sysList[0] != s2.sysList[0] || s1.system["aliyunrdsgadreadonlyaccess"] != s2.system["aliyunrdsgadreadonlyaccess"] {
		t.Fatal("each server has its own copy of the system policies")
	}
}

func TestGetCatalogSystemPolicies(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	c, err := sharedSystemCatalog()
	must(t, err)
	for _, name := range []string{"AliyunRDSGADReadOnlyAccess", "AliyunGlobalAccelerationReadOnlyAccess"} {
		want := c.byName[strings.ToLower(name)]
		q := ram.CreateGetPolicyRequest()
		q.PolicyName, q.PolicyType = strings.ToLower(name), "System"
		r, err := a.GetPolicy(q)
		must(t, err)
		if r.Policy.PolicyName != name || r.Policy.PolicyType != "System" || r.Policy.Description == "" ||
			r.Policy.DefaultVersion != "v1" || r.Policy.CreateDate != "2015-04-28T08:00:00Z" || r.Policy.AttachmentCount != 0 ||
			r.DefaultPolicyVersion.PolicyDocument != want.defaultDoc().Doc || !r.DefaultPolicyVersion.IsDefaultVersion {
			t.Fatalf("GetPolicy %s: %+v", name, r)
		}
		vq := ram.CreateGetPolicyVersionRequest()
		vq.PolicyName, vq.PolicyType, vq.VersionId = name, "System", "v1"
		vr, err := a.GetPolicyVersion(vq)
		must(t, err)
		if vr.PolicyVersion.PolicyDocument != want.defaultDoc().Doc || vr.PolicyVersion.VersionId != "v1" {
			t.Fatalf("GetPolicyVersion %s: %+v", name, vr.PolicyVersion)
		}
		q.PolicyType = "Custom"
		_, err = a.GetPolicy(q)
		wantErr(t, err, "EntityNotExist.Policy", 404)
	}
	for _, name := range []string{"AliyunNoSuchServiceFullAccess", "AliyunRocketMQFullAccess"} {
		wantErr(t, do(a, "GetPolicy", "PolicyName", name, "PolicyType", "System"), "EntityNotExist.Policy", 404)
		createRole(t, a, "r-"+strings.ToLower(name), trustB)
		wantErr(t, attachTo(a, "Role", "r-"+strings.ToLower(name), "System", name), "EntityNotExist.Policy", 404)
	}
}

func TestListSystemPoliciesPagesThroughCatalog(t *testing.T) {
	e := newEnv(t, Options{})
	a := e.rootA()
	createPolicy(t, a, "NotSystem", permDoc("ecs:*"))
	c, err := sharedSystemCatalog()
	must(t, err)
	const pageSize = 37
	seen := map[string]int{}
	var order []string
	pages := 0
	q := ram.CreateListPoliciesRequest()
	q.PolicyType, q.MaxItems = "System", requests.NewInteger(pageSize)
	for {
		r, err := a.ListPolicies(q)
		must(t, err)
		pages++
		if len(r.Policies.Policy) == 0 || len(r.Policies.Policy) > pageSize {
			t.Fatalf("page %d has %d policies", pages, len(r.Policies.Policy))
		}
		for _, p := range r.Policies.Policy {
			if p.PolicyType != "System" || p.Description == "" {
				t.Fatalf("listed %+v", p)
			}
			seen[p.PolicyName]++
			order = append(order, p.PolicyName)
		}
		if !r.IsTruncated {
			if r.Marker != "" {
				t.Fatalf("last page has marker %q", r.Marker)
			}
			break
		}
		if r.Marker == "" || pages > len(c.list) {
			t.Fatalf("page %d: truncated without a usable marker", pages)
		}
		q.Marker = r.Marker
	}
	if want := (len(c.list) + pageSize - 1) / pageSize; pages != want {
		t.Errorf("%d pages, want %d", pages, want)
	}
	if len(order) != len(c.list) {
		t.Fatalf("listed %d policies, catalog has %d", len(order), len(c.list))
	}
	for i, p := range c.list {
		if seen[p.Name] != 1 || order[i] != p.Name {
			t.Fatalf("entry %d: %s listed %d times, got %s at that place", i, p.Name, seen[p.Name], order[i])
		}
	}
}

func TestAttachCatalogPolicyCounted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, Options{StatePath: path})
	a := e.rootA()
	createRole(t, a, "GAReader", trustB)
	createUser(t, a, "ga-user")
	const name = "AliyunGlobalAccelerationReadOnlyAccess"
	count := func(c *ram.Client) int {
		t.Helper()
		q := ram.CreateGetPolicyRequest()
		q.PolicyName, q.PolicyType = name, "System"
		r, err := c.GetPolicy(q)
		must(t, err)
		return r.Policy.AttachmentCount
	}
	must(t, attachTo(a, "Role", "GAReader", "System", name))
	if n := count(a); n != 1 {
		t.Fatalf("after role attach: AttachmentCount %d", n)
	}
	must(t, attachTo(a, "User", "ga-user", "System", strings.ToUpper(name)))
	if n := count(a); n != 2 {
		t.Fatalf("after user attach: AttachmentCount %d", n)
	}
	if n := count(e.rootB()); n != 0 {
		t.Fatalf("account B: AttachmentCount %d", n)
	}
	lq := ram.CreateListPoliciesRequest()
	lq.PolicyType, lq.MaxItems = "System", requests.NewInteger(1000)
	lr, err := a.ListPolicies(lq)
	must(t, err)
	for _, p := range lr.Policies.Policy {
		if want := map[bool]int{true: 2}[p.PolicyName == name]; p.AttachmentCount != want {
			t.Errorf("ListPolicies %s: AttachmentCount %d, want %d", p.PolicyName, p.AttachmentCount, want)
		}
	}
	eq := ram.CreateListEntitiesForPolicyRequest()
	eq.PolicyName, eq.PolicyType = name, "System"
	er, err := a.ListEntitiesForPolicy(eq)
	must(t, err)
	if len(er.Roles.Role) != 1 || er.Roles.Role[0].RoleName != "GAReader" || len(er.Users.User) != 1 {
		t.Fatalf("entities %+v", er)
	}
	rq := ram.CreateListPoliciesForRoleRequest()
	rq.RoleName = "GAReader"
	rr, err := a.ListPoliciesForRole(rq)
	must(t, err)
	if len(rr.Policies.Policy) != 1 || rr.Policies.Policy[0].PolicyName != name || rr.Policies.Policy[0].PolicyType != "System" {
		t.Fatalf("policies for role %+v", rr.Policies)
	}
	must(t, detachFrom(a, "Role", "GAReader", "System", name))
	if n := count(a); n != 1 {
		t.Fatalf("after detach: AttachmentCount %d", n)
	}
	// The state file holds the attachment by name, not the catalog.
	raw, err := os.ReadFile(path)
	must(t, err)
	if !strings.Contains(strings.ToLower(string(raw)), strings.ToLower(name)) || strings.Contains(string(raw), "Global Accelerator") ||
		strings.Contains(string(raw), "AliyunRDSGADReadOnlyAccess") {
		t.Fatalf("state file carries catalog entries: %s", raw)
	}
}
