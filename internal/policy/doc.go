// Package policy builds, parses, canonicalizes, compares and validates RAM policy documents
// (trust policies and permission policies) and provides the framework custom type used for
// policy-document attributes. It is pure: no I/O, no network.
package policy
