package ramemu

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Tagging (ram-api.md §2.25): JSON-style parameters, as the newer SDKs and CommonRequest callers send them.
// Flat "Tag.N.Key" style is accepted too.

func (rq *request) tagList() ([][2]string, bool, *apiError) {
	if raw, ok := rq.param("Tag"); ok {
		var items []struct {
			Key   *string `json:"Key"`
			Value *string `json:"Value"`
		}
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			return nil, true, errInvalid("Tag")
		}
		out := make([][2]string, 0, len(items))
		for _, it := range items {
			if it.Key == nil {
				return nil, true, errInvalid("Tag")
			}
			v := ""
			if it.Value != nil {
				v = *it.Value
			}
			out = append(out, [2]string{*it.Key, v})
		}
		return out, true, nil
	}
	var out [][2]string
	for i := 1; ; i++ {
		k, ok := rq.param("Tag." + strconv.Itoa(i) + ".Key")
		if !ok {
			break
		}
		out = append(out, [2]string{k, rq.params["Tag."+strconv.Itoa(i)+".Value"]})
	}
	return out, len(out) > 0, nil
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
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "aliyun") || strings.HasPrefix(lk, "acs:") || strings.HasPrefix(lk, "http://") || strings.HasPrefix(lk, "https://") {
			return errf(400, "InvalidParameter.TagKey.Reserved", `The parameter - "TagKey" can not start with "aliyun", "acs:", "http://" or "https://".`)
		}
	}
	return nil
}

// createTags parses the optional Tag parameter of CreateRole/CreatePolicy.
func (rq *request) createTags() (map[string]string, *apiError) {
	list, _, aerr := rq.tagList()
	if aerr != nil {
		return nil, aerr
	}
	if aerr := validateTags(list); aerr != nil {
		return nil, aerr
	}
	m := map[string]string{}
	for _, t := range list {
		m[t[0]] = t[1]
	}
	return m, nil
}

func (rq *request) stringArray(p string) ([]string, bool, *apiError) {
	if raw, ok := rq.param(p); ok {
		var out []string
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			return nil, true, errInvalid(p)
		}
		return out, true, nil
	}
	var out []string
	for i := 1; ; i++ {
		v, ok := rq.param(p + "." + strconv.Itoa(i))
		if !ok {
			break
		}
		out = append(out, v)
	}
	return out, len(out) > 0, nil
}

// taggable is a role or a custom policy.
type taggable struct {
	name string
	tags *map[string]string
	seq  uint64
}

func (rq *request) resourceType() (string, *apiError) {
	rt, aerr := rq.required("ResourceType")
	if aerr != nil {
		return "", aerr
	}
	rt = strings.ToLower(rt)
	if rt != "role" && rt != "policy" {
		return "", errInvalid("ResourceType")
	}
	return rt, nil
}

func (rq *request) findTaggable(rt, name string, read bool) (*taggable, string, *apiError) {
	a := rq.caller.acct
	if rt == "role" {
		r, aerr := rq.findRole(name, read)
		if aerr != nil {
			return nil, "", aerr
		}
		return &taggable{r.Name, &r.Tags, r.seq}, roleRes(a.ID, r.Name), nil
	}
	p, aerr := rq.findPolicy("Custom", name, read)
	if aerr != nil {
		return nil, "", aerr
	}
	return &taggable{p.Name, &p.Tags, p.seq}, policyRes(a.ID, p.Name), nil
}

func (rq *request) tagTargets(action string) ([]*taggable, *apiError) {
	rt, aerr := rq.resourceType()
	if aerr != nil {
		return nil, aerr
	}
	names, set, aerr := rq.stringArray("ResourceNames")
	if aerr != nil {
		return nil, aerr
	}
	if !set || len(names) == 0 {
		return nil, errMissing("ResourceNames")
	}
	if len(names) > 50 {
		return nil, errf(400, "InvalidParameter.ResourceNames.Count", `The number of resources in parameter - "ResourceNames" beyond the limit.`)
	}
	var out []*taggable
	for _, n := range names {
		t, res, aerr := rq.findTaggable(rt, n, false)
		if aerr != nil {
			return nil, aerr
		}
		if aerr := rq.authorize("ram:"+action, res); aerr != nil {
			return nil, aerr
		}
		out = append(out, t)
	}
	return out, nil
}

func (rq *request) tagResources() (any, *apiError) {
	tags, set, aerr := rq.tagList()
	if aerr != nil {
		return nil, aerr
	}
	if !set || len(tags) == 0 {
		return nil, errMissing("Tag")
	}
	if aerr := validateTags(tags); aerr != nil {
		return nil, aerr
	}
	targets, aerr := rq.tagTargets("TagResources")
	if aerr != nil {
		return nil, aerr
	}
	for _, t := range targets {
		n := len(*t.tags)
		for _, kv := range tags {
			if _, ok := (*t.tags)[kv[0]]; !ok {
				n++
			}
		}
		if n > maxTagsPerResource {
			return nil, errf(400, "InvalidParameter.Tag.Count", `The number of tags in parameter - "Tag" beyond the limit.`)
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
	return nil, nil
}

func (rq *request) untagResources() (any, *apiError) {
	keys, keysSet, aerr := rq.stringArray("TagKeys")
	if aerr != nil {
		return nil, aerr
	}
	all, aerr := rq.boolParam("All", false)
	if aerr != nil {
		return nil, aerr
	}
	if !keysSet && !all {
		return nil, errMissing("TagKeys")
	}
	if len(keys) > maxTagsPerResource {
		return nil, errf(400, "InvalidParameter.TagKeys.Count", `The number of tag keys in parameter - "TagKeys" beyond the limit.`)
	}
	targets, aerr := rq.tagTargets("UntagResources")
	if aerr != nil {
		return nil, aerr
	}
	for _, t := range targets {
		if all {
			*t.tags = map[string]string{}
			continue
		}
		for _, k := range keys {
			delete(*t.tags, k)
		}
	}
	return nil, nil
}

type tagResourceJSON struct {
	ResourceName string `json:"ResourceName"`
	ResourceType string `json:"ResourceType"`
	TagKey       string `json:"TagKey"`
	TagValue     string `json:"TagValue"`
}

func (rq *request) listTagResources() (any, *apiError) {
	rt, aerr := rq.resourceType()
	if aerr != nil {
		return nil, aerr
	}
	names, namesSet, aerr := rq.stringArray("ResourceNames")
	if aerr != nil {
		return nil, aerr
	}
	filter, _, aerr := rq.tagList()
	if aerr != nil {
		return nil, aerr
	}
	pageSize := 50
	if v, ok := rq.param("PageSize"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, errRange("PageSize")
		}
		pageSize = n
	}
	offset := 0
	if v, ok := rq.param("NextToken"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, errInvalid("NextToken")
		}
		offset = n
	}
	if aerr := rq.authorize("ram:ListTagResources", "*"); aerr != nil {
		return nil, aerr
	}
	var targets []*taggable
	a := rq.caller.acct
	if namesSet {
		for _, n := range names {
			t, _, aerr := rq.findTaggable(rt, n, true)
			if aerr != nil {
				return nil, aerr
			}
			targets = append(targets, t)
		}
	} else if rt == "role" {
		for _, r := range a.roles {
			if visible(r.visibleAt, rq.now) {
				targets = append(targets, &taggable{r.Name, &r.Tags, r.seq})
			}
		}
	} else {
		for _, p := range a.policies {
			if visible(p.visibleAt, rq.now) {
				targets = append(targets, &taggable{p.Name, &p.Tags, p.seq})
			}
		}
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].seq < targets[j].seq })
	var all []tagResourceJSON
	for _, t := range targets {
		ok := true
		for _, f := range filter {
			if v, has := (*t.tags)[f[0]]; !has || (f[1] != "" && v != f[1]) {
				ok = false
				break
			}
		}
		if !ok {
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
	return out, nil
}
