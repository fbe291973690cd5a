package ramemu

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// systemPolicyData is RAM's system-policy catalog: one entry per policy, in ListPolicies order. Where each
// name comes from, and which documents are RAM's text and which are generated, is in catalog/README.md.
//
//go:embed catalog/system_policies.json
var systemPolicyData []byte

// catalogEntry is one line of catalog/system_policies.json.
type catalogEntry struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Document    string `json:"document"`
	// Generated marks a document written by convention ("<code>:*" for FullAccess, Describe/List/Get for the
	// rest), not RAM's text.
	Generated bool   `json:"generated"`
	Source    string `json:"source"`
}

// systemCatalog is the parsed catalog. It is immutable once built and shared by every Server and account:
// accounts refer to system policies by name and keep only their attachments.
type systemCatalog struct {
	byName  map[string]*policy // lower-cased name
	list    []*policy          // file order
	entries []catalogEntry
}

var systemEpoch = time.Date(2015, 4, 28, 8, 0, 0, 0, time.UTC)

// sharedSystemCatalog parses the embedded file once per process: the acceptance tests start one emulator
// per test, and several hundred documents are not worth parsing again each time.
var sharedSystemCatalog = sync.OnceValues(func() (*systemCatalog, error) { return parseSystemCatalog(systemPolicyData) })

func parseSystemCatalog(data []byte) (*systemCatalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var entries []catalogEntry
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("system policy catalog: %w", err)
	}
	c := &systemCatalog{byName: make(map[string]*policy, len(entries)), list: make([]*policy, 0, len(entries)), entries: entries}
	for i, e := range entries {
		if checkName("PolicyName", e.Name, 128, policyNameRe) != nil {
			return nil, fmt.Errorf("system policy catalog: entry %d: bad name %q", i, e.Name)
		}
		key := strings.ToLower(e.Name)
		if c.byName[key] != nil {
			return nil, fmt.Errorf("system policy catalog: %s listed twice", e.Name)
		}
		if strings.TrimSpace(e.Description) == "" || runeLen(e.Description) > 1024 {
			return nil, fmt.Errorf("system policy catalog: %s: description empty or too long", e.Name)
		}
		if !versionIDRe.MatchString(e.Version) {
			return nil, fmt.Errorf("system policy catalog: %s: bad version %q", e.Name, e.Version)
		}
		num, _ := strconv.Atoi(e.Version[1:])
		parsed, err := parsePolicy(e.Document, permissionDoc)
		if err != nil {
			return nil, fmt.Errorf("system policy catalog: %s: %v", e.Name, err)
		}
		p := &policy{
			Name: e.Name, Type: "System", Description: e.Description, DefaultVersion: e.Version,
			Created: systemEpoch, Updated: systemEpoch, nextVer: num + 1,
			versions: map[string]*policyVersion{e.Version: {ID: e.Version, num: num, Doc: e.Document, parsed: parsed, Created: systemEpoch}},
			seq:      uint64(i + 1),
		}
		c.byName[key] = p
		c.list = append(c.list, p)
	}
	return c, nil
}

// initSystemPolicies points the Server at the shared catalog (no copy).
func (s *Server) initSystemPolicies() {
	c, err := sharedSystemCatalog()
	if err != nil {
		panic("ramemu: " + err.Error()) // the embedded file is checked by TestSystemPolicyCatalogWellFormed
	}
	s.system, s.sysList = c.byName, c.list
}
