package ramclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Proof of authorship. A CLI can die between RAM's answer to a create and the state write (kill -9, a
// cancelled CI job, a closed laptop; OpenTofu writes intermediate snapshots only every 20 s), and a create's
// answer can be lost on the network. Either way the next create meets "already exists" for an entity the
// provider made itself. The client takes such an entity over only when it can show that it made it:
//
//   - Roles and custom policies carry a marker tag, written atomically with CreateRole / CreatePolicy (their
//     Tag parameter): key MarkerTagKey, value "<owner>:<fingerprint>", where owner names what created it
//     (the resource type, and for a user's managed policy the user) and the fingerprint is a hash of the
//     arguments the configuration created it with. An existing entity is adopted when its marker equals the
//     one this create would write; anything else (no marker: made by someone else, or by aliram before it
//     wrote markers; another marker: made by another configuration, or by this one before its arguments
//     changed) is a *NotCreatedHereError, and the resource asks for an import block instead.
//   - Users have no tags in RAM 2015-05-01. A user's proof is a witness: the user's managed custom policy,
//     created (with a marker naming the user) before the user itself and bound to the user's ID
//     (WitnessUserIDTagKey) right after CreateUser. An existing user is adopted when the witness is bound to
//     its ID. When the CLI died (or the answer was lost) between CreateUser and the binding: when the
//     witness itself existed already (or this call's own CreateUser lost an answer), the user was created no
//     earlier than the witness (RAM's timestamps have whole seconds), shows exactly the profile fields this
//     create sends and holds nothing this create's configuration would not give it (CreateUserInput.MayHold;
//     never a group membership or an MFA device).
//     A user met right after creating a new witness, with no answer lost, is never ours.
//   - Attachments are facts, not entities: attaching what is attached already succeeds.
//
// Two configurations that create the same name with the same arguments cannot be told apart by a marker;
// RAM names are unique per account, so such configurations fight over the entity anyway.

const (
	// MarkerTagKey is the tag key of the marker. Keys starting with ProviderTagPrefix are the provider's:
	// configurations may not set them and they never show in a resource's tags.
	MarkerTagKey = ProviderTagPrefix + "created-by"
	// WitnessUserIDTagKey, on a user's witness policy, holds the ID of the user it vouches for.
	WitnessUserIDTagKey = ProviderTagPrefix + "user-id"
	// ProviderTagPrefix starts every tag key the provider reserves for itself.
	ProviderTagPrefix = "aliram:"
)

// Marker says who creates an entity and from what: Owner names the creator ("aliram_cross_account_role",
// "aliram_delegated_user/alice"), Config lists the configuration's arguments in a fixed order. The zero
// Marker writes no tag and adopts nothing.
type Marker struct {
	Owner  string
	Config []string
}

// value is the marker tag's value for the entity name: at most about 130 characters for RAM's longest
// names, well under the 256 a tag value may hold.
func (m Marker) value(name string) string {
	if m.Owner == "" {
		return ""
	}
	h := sha256.New()
	for _, s := range append([]string{m.Owner, strings.ToLower(name)}, m.Config...) {
		// Length-prefixed, so that no two argument lists hash alike by shifting text between arguments.
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return m.Owner + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}

// TagsConfig renders tags for Marker.Config: sorted key=value pairs, so the order of a map never matters.
func TagsConfig(tags map[string]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(tags) {
		fmt.Fprintf(&b, "%d:%s=%d:%s;", len(k), k, len(tags[k]), tags[k])
	}
	return b.String()
}

// IsReservedTagKey reports whether a tag key belongs to Alibaba Cloud (aliyun..., acs:..., as RAM reserves
// them; services add acs: tags of their own) or to this provider (ProviderTagPrefix): such tags are neither
// shown nor managed as a resource's tags.
func IsReservedTagKey(k string) bool {
	lk := strings.ToLower(k)
	for _, p := range []string{"aliyun", "acs:", "http://", "https://", ProviderTagPrefix} {
		if strings.HasPrefix(lk, p) {
			return true
		}
	}
	return false
}

// UserTags returns tags without the reserved keys (IsReservedTagKey).
func UserTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !IsReservedTagKey(k) {
			out[k] = v
		}
	}
	return out
}

// withMarker returns the Tag parameter of a create: the configuration's tags and the marker; "" for none.
func withMarker(tags map[string]string, marker string) string {
	all := make(map[string]string, len(tags)+1)
	for k, v := range tags {
		all[k] = v
	}
	if marker != "" {
		all[MarkerTagKey] = marker
	}
	if len(all) == 0 {
		return ""
	}
	return tagParameter(all, sortedKeys(all))
}

// tagParameter is the Tag parameter (a JSON list of Key/Value objects) of these keys of tags, in order.
func tagParameter(tags map[string]string, keys []string) string {
	type kv struct {
		Key   string `json:"Key"`
		Value string `json:"Value"`
	}
	pairs := make([]kv, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, kv{k, tags[k]})
	}
	return jsonString(pairs)
}

// sortedKeys are a map's keys in order, so that what is rendered from it never depends on map order.
func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// NotCreatedHereError: a create met an entity of the same name that the client cannot show it made. It wraps
// RAM's EntityAlreadyExists, so IsAlreadyExists holds.
type NotCreatedHereError struct {
	Kind   string // "role", "policy" or "user"
	Name   string
	Reason string // why the proof failed
	exists error
}

func (e *NotCreatedHereError) Error() string {
	return fmt.Sprintf("RAM %s %q already exists and nothing shows that this configuration created it: %s", e.Kind, e.Name, e.Reason)
}

func (e *NotCreatedHereError) Unwrap() error { return e.exists }

// adoptMarked takes over the existing role or policy (kind, as ListTags names it; trackKey its tracker
// key) that a create met, if its tags carry marker: get reads it, adopted marks it so with its tags. Otherwise the
// error is a *NotCreatedHereError wrapping exists (the create's EntityAlreadyExists). RAM said it exists,
// so reads that do not show it yet are its replication lag; what is not adopted is forgotten again.
func adoptMarked[T any](ctx context.Context, c *Client, kind, name, trackKey, marker string, exists error,
	get func() (*T, error), adopted func(v *T, tags map[string]string)) (*T, error) {
	c.track.markCreated(trackKey)
	tags, err := c.ListTags(ctx, kind, name)
	if err == nil {
		if reason := markerVerdict(tags, marker); reason != "" {
			err = &NotCreatedHereError{Kind: kind, Name: name, Reason: reason, exists: exists}
		}
	}
	if err == nil {
		var v *T
		if v, err = get(); err == nil {
			adopted(v, tags)
			return v, nil
		}
	}
	c.track.forget(trackKey)
	return nil, err
}

// markerVerdict compares an existing entity's tags with the marker this create would write; "" means it is
// ours, else the reason it is not.
func markerVerdict(tags map[string]string, want string) string {
	got, ok := tags[MarkerTagKey]
	switch {
	case !ok:
		return "it has no " + MarkerTagKey + " tag, so it was made outside this provider (or by a version before markers)"
	case got != want:
		return fmt.Sprintf("its %s tag is %q, not %q: it was made by another configuration, or by this one with other arguments", MarkerTagKey, got, want)
	}
	return ""
}

// ramTime parses one of RAM's timestamps (RFC 3339, UTC); zero when it cannot.
func ramTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
