package ramemu

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Tagging (ram-api.md §2.25): JSON-style parameters, as the newer SDKs and CommonRequest callers send them.
// Flat "Tag.N.Key" style is accepted too.

// tagList returns the Tag parameter's pairs, and whether it was given.
func (rq *request) tagList() ([][2]string, bool) {
	if rq.err != nil {
		return nil, false
	}
	if raw, ok := rq.param("Tag"); ok {
		var items []struct {
			Key   *string `json:"Key"`
			Value *string `json:"Value"`
		}
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			return nil, rq.check(errInvalid("Tag"))
		}
		out := make([][2]string, 0, len(items))
		for _, it := range items {
			if it.Key == nil {
				return nil, rq.check(errInvalid("Tag"))
			}
			v := ""
			if it.Value != nil {
				v = *it.Value
			}
			out = append(out, [2]string{*it.Key, v})
		}
		return out, true
	}
	var out [][2]string
	for i := 1; ; i++ {
		k, ok := rq.param("Tag." + strconv.Itoa(i) + ".Key")
		if !ok {
			break
		}
		out = append(out, [2]string{k, rq.params["Tag."+strconv.Itoa(i)+".Value"]})
	}
	return out, len(out) > 0
}

func validateTags(tags [][2]string) *apiError {
	if len(tags) > maxTagsPerResource {
		return errf(400, "InvalidParameter.Tag.Count", `The number of tags in parameter - "Tag" beyond the limit.`)
	}
	for _, t := range tags {
		k, v := t[0], t[1]
		if k == "" || runeLen(k) > 128 {
			return errLength("TagKey")
		}
		if runeLen(v) > 256 {
			return errLength("TagValue")
		}
		if reservedTagKey(k) {
			return errReservedTagKey()
		}
	}
	return nil
}

// hasTags reports whether tags match a Tag filter: every pair must match, and a pair with an empty Value
// matches any value of its key.
func hasTags(tags map[string]string, filter [][2]string) bool {
	for _, f := range filter {
		if v, has := tags[f[0]]; !has || (f[1] != "" && v != f[1]) {
			return false
		}
	}
	return true
}

// tagged returns the entities among list whose tags match filter, in list's order; list itself when there
// is no filter. The result is a new slice, so list may be shared state.
func tagged[E any](list []E, tags func(E) map[string]string, filter [][2]string) []E {
	if len(filter) == 0 {
		return list
	}
	out := make([]E, 0, len(list))
	for _, e := range list {
		if hasTags(tags(e), filter) {
			out = append(out, e)
		}
	}
	return out
}

func roleTags(r *role) map[string]string     { return r.Tags }
func policyTags(p *policy) map[string]string { return p.Tags }

// reservedTagKey reports whether only the system may set or remove a tag key (system tags are acs:...).
func reservedTagKey(k string) bool {
	lk := strings.ToLower(k)
	return strings.HasPrefix(lk, "aliyun") || strings.HasPrefix(lk, "acs:") || strings.HasPrefix(lk, "http://") || strings.HasPrefix(lk, "https://")
}

func errReservedTagKey() *apiError {
	return errf(400, "InvalidParameter.TagKey.Reserved", `The parameter - "TagKey" can not start with "aliyun", "acs:", "http://" or "https://".`)
}

// userTagCount is the number of tags that count towards the per-resource limit: system tags do not.
func userTagCount(tags map[string]string) int {
	n := 0
	for k := range tags {
		if !reservedTagKey(k) {
			n++
		}
	}
	return n
}

// addSystemTags adds, with Options.SystemTags, the tags a real account's services put on a new role or
// policy on their own: the Tag service's acs:tag:createdby (documented value formats) and acs:rm:rgId, the
// account's default resource group.
func (rq *request) addSystemTags(tags map[string]string) {
	if !rq.s.opts.SystemTags {
		return
	}
	c := rq.caller
	switch c.kind {
	case callerUser:
		tags["acs:tag:createdby"] = "sub:" + c.user.ID + ":" + c.user.Name
	case callerSession:
		tags["acs:tag:createdby"] = "assumedRoleUser:" + c.sess.RoleName + ":" + c.sess.SourcePrincipalID
	default:
		tags["acs:tag:createdby"] = "customer:" + c.acct.ID
	}
	tags["acs:rm:rgId"] = defaultResourceGroupID(c.acct.ID)
}

// defaultResourceGroupID is a stable ID shaped like a real one ("rg-acfm" and 11 lower-case characters).
func defaultResourceGroupID(accountID string) string {
	h := sha256.Sum256([]byte("default resource group " + accountID))
	return "rg-acfm" + strings.ToLower(base32.StdEncoding.EncodeToString(h[:]))[:11]
}

// createTags parses the optional Tag parameter of CreateRole/CreatePolicy.
func (rq *request) createTags() map[string]string {
	list, _ := rq.tagList()
	if rq.err != nil || !rq.check(validateTags(list)) {
		return nil
	}
	m := map[string]string{}
	for _, t := range list {
		m[t[0]] = t[1]
	}
	return m
}

// stringArray returns a JSON-array (or flat "<p>.N") parameter, and whether it was given.
func (rq *request) stringArray(p string) ([]string, bool) {
	if rq.err != nil {
		return nil, false
	}
	if raw, ok := rq.param(p); ok {
		var out []string
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			return nil, rq.check(errInvalid(p))
		}
		return out, true
	}
	var out []string
	for i := 1; ; i++ {
		v, ok := rq.param(p + "." + strconv.Itoa(i))
		if !ok {
			break
		}
		out = append(out, v)
	}
	return out, len(out) > 0
}

// taggable is a role or a custom policy.
type taggable struct {
	name string
	tags *map[string]string
	seq  uint64
}

func (rq *request) resourceType() string {
	rt := strings.ToLower(rq.mandatory("ResourceType"))
	if rq.err == nil && rt != "role" && rt != "policy" {
		rq.check(errInvalid("ResourceType"))
	}
	return rt
}

// findTaggable finds the role or custom policy name (404) and authorizes action on it unless action is "".
func (rq *request) findTaggable(rt, name, action string, v view) *taggable {
	a := rq.caller.acct
	if rt == "role" {
		r := rq.findRole(name, v)
		if r == nil || (action != "" && !rq.allow(action, roleRes(a.ID, r.Name))) {
			return nil
		}
		return &taggable{r.Name, &r.Tags, r.seq}
	}
	p := rq.findPolicy("Custom", name, v)
	if p == nil || (action != "" && !rq.allow(action, policyRes(a.ID, p.Name))) {
		return nil
	}
	return &taggable{p.Name, &p.Tags, p.seq}
}

// tagTargets resolves ResourceType and ResourceNames of a tag write, each name found and authorized in turn.
func (rq *request) tagTargets(action string) []*taggable {
	rt := rq.resourceType()
	names, set := rq.stringArray("ResourceNames")
	switch {
	case rq.err != nil:
		return nil
	case !set || len(names) == 0:
		rq.check(errMissing("ResourceNames"))
		return nil
	case len(names) > 50:
		rq.check(errf(400, "InvalidParameter.ResourceNames.Count", `The number of resources in parameter - "ResourceNames" beyond the limit.`))
		return nil
	}
	var out []*taggable
	for _, n := range names {
		if t := rq.findTaggable(rt, n, action, forWrite); t != nil {
			out = append(out, t)
		}
	}
	return out
}

func (rq *request) tagResources() any {
	tags, set := rq.tagList()
	if rq.err == nil && (!set || len(tags) == 0) {
		rq.check(errMissing("Tag"))
	}
	if rq.err == nil {
		rq.check(validateTags(tags))
	}
	targets := rq.tagTargets("ram:TagResources")
	if rq.err != nil {
		return nil
	}
	for _, t := range targets {
		n := userTagCount(*t.tags)
		for _, kv := range tags {
			if _, ok := (*t.tags)[kv[0]]; !ok {
				n++
			}
		}
		if n > maxTagsPerResource {
			return rq.fail(errf(400, "InvalidParameter.Tag.Count", `The number of tags in parameter - "Tag" beyond the limit.`))
		}
	}
	for _, t := range targets {
		if *t.tags == nil {
			*t.tags = map[string]string{}
		}
		for _, kv := range tags {
			(*t.tags)[kv[0]] = kv[1]
		}
	}
	return nil
}

func (rq *request) untagResources() any {
	keys, keysSet := rq.stringArray("TagKeys")
	all := rq.flag("All", false)
	switch {
	case rq.err != nil:
	case !keysSet && !all:
		rq.check(errMissing("TagKeys"))
	case len(keys) > maxTagsPerResource:
		rq.check(errf(400, "InvalidParameter.TagKeys.Count", `The number of tag keys in parameter - "TagKeys" beyond the limit.`))
	}
	for _, k := range keys {
		if reservedTagKey(k) {
			rq.check(errReservedTagKey())
			break
		}
	}
	targets := rq.tagTargets("ram:UntagResources")
	if rq.err != nil {
		return nil
	}
	for _, t := range targets {
		if all {
			for k := range *t.tags {
				if !reservedTagKey(k) {
					delete(*t.tags, k)
				}
			}
			continue
		}
		for _, k := range keys {
			delete(*t.tags, k)
		}
	}
	return nil
}

type tagResourceJSON struct {
	ResourceName string `json:"ResourceName"`
	ResourceType string `json:"ResourceType"`
	TagKey       string `json:"TagKey"`
	TagValue     string `json:"TagValue"`
}

func (rq *request) listTagResources() any {
	rt := rq.resourceType()
	names, namesSet := rq.stringArray("ResourceNames")
	filter, _ := rq.tagList()
	pageSize := 50
	if v, ok := rq.param("PageSize"); ok && rq.err == nil {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			rq.check(errRange("PageSize"))
		}
		pageSize = n
	}
	offset := 0
	if v, ok := rq.param("NextToken"); ok && rq.err == nil {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			rq.check(errInvalid("NextToken"))
		}
		offset = n
	}
	if !rq.allow("ram:ListTagResources", "*") {
		return nil
	}
	var targets []*taggable
	a := rq.caller.acct
	if namesSet {
		for _, n := range names {
			targets = append(targets, rq.findTaggable(rt, n, "", forRead))
		}
		if rq.err != nil {
			return nil
		}
	} else if rt == "role" {
		for _, r := range readable(rq, a.roles) {
			targets = append(targets, &taggable{r.Name, &r.Tags, r.seq})
		}
	} else {
		for _, p := range readable(rq, a.policies) {
			targets = append(targets, &taggable{p.Name, &p.Tags, p.seq})
		}
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].seq < targets[j].seq })
	var all []tagResourceJSON
	for _, t := range targets {
		if !hasTags(*t.tags, filter) {
			continue
		}
		keys := make([]string, 0, len(*t.tags))
		for k := range *t.tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			all = append(all, tagResourceJSON{ResourceName: t.name, ResourceType: rt, TagKey: k, TagValue: (*t.tags)[k]})
		}
	}
	if offset > len(all) {
		offset = len(all)
	}
	end := offset + pageSize
	out := map[string]any{}
	if end < len(all) {
		out["NextToken"] = strconv.Itoa(end)
	} else {
		end = len(all)
	}
	page := all[offset:end]
	if page == nil {
		page = []tagResourceJSON{}
	}
	out["TagResources"] = page
	return out
}
