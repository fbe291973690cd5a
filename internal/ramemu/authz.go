package ramemu

import (
	"net/http"
	"strings"
	"time"
)

// systemPolicyDefs are the system policies of ram-api.md §4.6, present in every account.
var systemPolicyDefs = []struct{ name, desc, version, doc string }{
	{"AdministratorAccess", "Provides full access to Alibaba Cloud services and resources.", "v1",
		`{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"ReadOnlyAccess", "Provides read-only access to Alibaba Cloud services and resources.", "v1",
		`{"Statement":[{"Action":["*:Describe*","*:List*","*:Get*","*:Query*","*:BatchGet*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunRAMFullAccess", "Provides full access to Resource Access Management (RAM).", "v1",
		`{"Statement":[{"Action":"ram:*","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunRAMReadOnlyAccess", "Provides read-only access to Resource Access Management (RAM).", "v3",
		`{"Statement":[{"Action":["ram:Get*","ram:List*","ram:GenerateCredentialReport"],"Effect":"Allow","Resource":"*"},{"Action":["accessanalyzer:Get*","accessanalyzer:List*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunSTSAssumeRoleAccess", "Provides access to call the AssumeRole API of Security Token Service (STS).", "v1",
		`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunKafkaFullAccess", "Provides full access to ApsaraMQ for Kafka.", "v4",
		`{"Statement":[{"Action":"alikafka:*","Effect":"Allow","Resource":"*"},{"Action":"ram:CreateServiceLinkedRole","Condition":{"StringEquals":{"ram:ServiceName":["connector.alikafka.aliyuncs.com","instanceencryption.alikafka.aliyuncs.com","alikafka.aliyuncs.com","etl.alikafka.aliyuncs.com"]}},"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunKafkaReadOnlyAccess", "Provides read-only access to ApsaraMQ for Kafka.", "v3",
		`{"Statement":[{"Action":["alikafka:List*","alikafka:Query*","alikafka:Get*","alikafka:Download*","alikafka:Check*","alikafka:DashboardList","alikafka:MetaData","alikafka:RegionData","alikafka:ReportMigrationProcess","alikafka:DashboardCheckServiceStatus"],"Effect":"Allow","Resource":"acs:alikafka:*:*:*"}],"Version":"1"}`},
	{"AliyunMQFullAccess", "Provides full access to ApsaraMQ for RocketMQ and ApsaraMQ for MQTT.", "v5",
		`{"Statement":[{"Action":["mq:*","rocketmq:*","mq-as:*"],"Effect":"Allow","Resource":"*"},{"Action":"ram:CreateServiceLinkedRole","Condition":{"StringEquals":{"ram:ServiceName":["ons.aliyuncs.com","migration.rmq.aliyuncs.com"]}},"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	{"AliyunMQReadOnlyAccess", "Provides read-only access to ApsaraMQ for RocketMQ and ApsaraMQ for MQTT.", "v6",
		`{"Statement":[{"Action":["mq:OnsInstanceBaseInfo","mq:List*","mq:Query*","mq:Get*","mq:Download*","mq:Dashboard*","rocketmq:List*","rocketmq:SubmitQuery*","rocketmq:Get*","rocketmq:Download*","mq-as:List*","mq-as:Get*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`},
}

// Further common system policies (document text approximated: full = "<svc>:*", read-only = Describe/List/Get),
// so principals can reach the 20-system-policy limit and configurations naming them work.
func init() {
	for _, svc := range []struct{ name, prefix, label string }{
		{"ECS", "ecs", "Elastic Compute Service (ECS)"}, {"OSS", "oss", "Object Storage Service (OSS)"},
		{"RDS", "rds", "ApsaraDB RDS"}, {"VPC", "vpc", "Virtual Private Cloud (VPC)"}, {"SLB", "slb", "Server Load Balancer (SLB)"},
		{"Log", "log", "Simple Log Service (SLS)"}, {"KMS", "kms", "Key Management Service (KMS)"},
		{"CloudMonitor", "cms", "CloudMonitor"},
	} {
		systemPolicyDefs = append(systemPolicyDefs,
			struct{ name, desc, version, doc string }{"Aliyun" + svc.name + "FullAccess", "Provides full access to " + svc.label + ".", "v1",
				`{"Statement":[{"Action":"` + svc.prefix + `:*","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
			struct{ name, desc, version, doc string }{"Aliyun" + svc.name + "ReadOnlyAccess", "Provides read-only access to " + svc.label + ".", "v1",
				`{"Statement":[{"Action":["` + svc.prefix + `:Describe*","` + svc.prefix + `:List*","` + svc.prefix + `:Get*"],"Effect":"Allow","Resource":"*"}],"Version":"1"}`})
	}
}

var systemEpoch = time.Date(2015, 4, 28, 8, 0, 0, 0, time.UTC)

func (s *Server) initSystemPolicies() {
	s.system = map[string]*policy{}
	for i, d := range systemPolicyDefs {
		parsed, err := parsePolicy(d.doc, permissionDoc)
		if err != nil {
			panic("ramemu: bad system policy " + d.name + ": " + err.Error())
		}
		var num int
		for _, c := range d.version[1:] {
			num = num*10 + int(c-'0')
		}
		p := &policy{
			Name: d.name, Type: "System", Description: d.desc, DefaultVersion: d.version,
			Created: systemEpoch, Updated: systemEpoch, nextVer: num + 1,
			versions: map[string]*policyVersion{d.version: {ID: d.version, num: num, Doc: d.doc, parsed: parsed, Created: systemEpoch}},
			seq:      uint64(i + 1),
		}
		s.system[strings.ToLower(d.name)] = p
		s.sysList = append(s.sysList, p)
	}
}

// Resource ARNs used for RAM API authorization (ram-api.md §7.5).
func roleRes(acct, name string) string   { return "acs:ram:*:" + acct + ":role/" + name }
func userRes(acct, name string) string   { return "acs:ram:*:" + acct + ":user/" + name }
func policyRes(acct, name string) string { return "acs:ram:*:" + acct + ":policy/" + name }

// condCtx builds the request's condition keys.
func (rq *request) condCtx() evalCtx {
	return evalCtx{
		"acs:sourceip":        {rq.sourceIP},
		"acs:currenttime":     {fmtDate(rq.now)},
		"acs:securetransport": {boolStr(rq.secure)},
		"acs:mfapresent":      {"false"}, // AccessKey callers never carry MFA
		"acs:accessid":        {rq.caller.akID},
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// identityDocs returns the caller's identity-based policy documents in effect at now (see propagation.go),
// plus a session policy (nil if none). Caller holds s.mu.
func (s *Server) identityDocs(c *caller, now time.Time) (docs []*pdoc, sessionPolicy *pdoc, ok bool) {
	var atts map[string]*attachment
	switch c.kind {
	case callerUser:
		u := c.acct.users[strings.ToLower(c.user.Name)]
		if u == nil || u != c.user {
			return nil, nil, false
		}
		atts = u.policies
	case callerSession:
		r := c.acct.roles[strings.ToLower(c.sess.RoleName)]
		if r == nil || r.ID != c.sess.RoleID {
			return nil, nil, false
		}
		atts = r.policies
		sessionPolicy = c.sess.policy
	default:
		return nil, nil, true
	}
	for _, at := range atts {
		if !attachmentInEffect(at, now) {
			continue
		}
		p := s.lookupPolicy(c.acct, at.PolicyType, at.policyLower)
		if p == nil {
			continue
		}
		if v := p.defaultDoc(); v != nil {
			docs = append(docs, v.parsed)
		}
	}
	return docs, sessionPolicy, true
}

// authorize checks that the caller may perform "<svc>:<Action>" on resource. Root may do anything in its
// own account. Caller holds s.mu.
func (rq *request) authorize(action, resource string) *apiError {
	c := rq.caller
	if c.kind == callerRoot {
		return nil
	}
	d := rq.s.decide(c, action, resource, rq.condCtx(), rq.now)
	if d == allowed {
		return nil
	}
	return rq.noPermission(action, d, "AccountLevelIdentityBasedPolicy", "You are not authorized to do this action.")
}

func (s *Server) decide(c *caller, action, resource string, ctx evalCtx, now time.Time) decision {
	docs, sessPol, ok := s.identityDocs(c, now)
	if !ok {
		return implicitDeny
	}
	d := evaluate(docs, action, resource, ctx)
	if d != allowed || sessPol == nil {
		return d
	}
	return evaluate([]*pdoc{sessPol}, action, resource, ctx)
}

func (rq *request) noPermission(action string, d decision, policyType, msg string) *apiError {
	c := rq.caller
	e := errf(http.StatusForbidden, "NoPermission", msg)
	pt := "SubUser"
	name := ""
	switch c.kind {
	case callerUser:
		name = c.user.Name + "@" + rq.s.aliasOrID(c.acct) + ".onaliyun.com"
	case callerSession:
		pt = "AssumedRoleUser"
		name = c.sess.RoleName + "/" + c.sess.SessionName
	default:
		pt = "Account"
		name = c.acct.ID
	}
	npt := "ImplicitDeny"
	if d == explicitDeny {
		npt = "ExplicitDeny"
	}
	e.Detail = map[string]string{
		"AuthAction":               action,
		"AuthPrincipalDisplayName": name,
		"AuthPrincipalOwnerId":     c.acct.ID,
		"AuthPrincipalType":        pt,
		"NoPermissionType":         npt,
		"PolicyType":               policyType,
		"EncodedDiagnosticMessage": "",
	}
	return e
}

func (s *Server) aliasOrID(a *account) string {
	if a.Alias != "" {
		return a.Alias
	}
	return a.ID
}
