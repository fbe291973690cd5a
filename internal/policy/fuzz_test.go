package policy

import (
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	validTrust,
	validPermission,
	`{"Version":"1","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
	`{"Statement":[{"Condition":{"Bool":{"acs:MFAPresent":true},"NumericEquals":{"k":[1,"1",1.0]}}}]}`,
	`{"Statement":[{"Principal":"*","Action":["b",1,"a"],"Resource":[[]]}],"X":{"b":"<&>","a":null}}`,
	`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::1000000000000002:root","acs:ram::1000000000000002:root"],"Service":"ecs.aliyuncs.com"}}]}`,
	`{}`, `[]`, `{"a":"\ud800"}`, `{"a":1e400}`,
}

// FuzzNormalize: Normalize is idempotent, its output is Equal to its input, and validation agrees before
// and after normalization (when the canonical form still fits the length limit).
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		permErr := ValidatePermissionPolicy(doc)
		trustErr := ValidateTrustPolicy(doc)
		n, err := Normalize(doc)
		if err != nil {
			if permErr == nil || trustErr == nil {
				t.Fatalf("Normalize failed (%v) but validation passed", err)
			}
			if Equal(doc, doc) {
				t.Fatalf("Equal true for a document Normalize rejects: %v", err)
			}
			return
		}
		n2, err := Normalize(n)
		if err != nil {
			t.Fatalf("Normalize(Normalize(doc)) failed: %v\n%s", err, n)
		}
		if n2 != n {
			t.Fatalf("not idempotent:\n%s\n%s", n, n2)
		}
		if !Equal(doc, n) || !Equal(n, doc) {
			t.Fatalf("Equal(doc, Normalize(doc)) is false:\n%q\n%s", doc, n)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("canonical form is not UTF-8: %q", n)
		}
		fits := utf8.RuneCountInString(n) <= MaxDocumentLength
		if permErr == nil && fits {
			if err := ValidatePermissionPolicy(n); err != nil {
				t.Fatalf("valid permission policy invalid after Normalize: %v\n%s", err, n)
			}
		}
		if trustErr == nil && fits {
			if err := ValidateTrustPolicy(n); err != nil {
				t.Fatalf("valid trust policy invalid after Normalize: %v\n%s", err, n)
			}
		}
	})
}

// FuzzEqual: Equal is symmetric, reflexive on documents, and agrees with comparing canonical forms.
func FuzzEqual(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, fuzzSeeds[(i+1)%len(fuzzSeeds)])
		f.Add(s, s)
	}
	f.Add(`{"Statement":[{"Action":"a"}]}`, `{"Statement":[{"Action":["a","a"]}]}`)
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := Equal(a, b), Equal(b, a)
		if ab != ba {
			t.Fatalf("Equal not symmetric: Equal(a,b)=%v Equal(b,a)=%v\n%q\n%q", ab, ba, a, b)
		}
		na, errA := Normalize(a)
		nb, errB := Normalize(b)
		if Equal(a, a) != (errA == nil) {
			t.Fatalf("Equal(a, a) = %v but Normalize error %v", Equal(a, a), errA)
		}
		want := errA == nil && errB == nil && na == nb
		if ab != want {
			t.Fatalf("Equal = %v, canonical forms say %v\n%s\n%s", ab, want, na, nb)
		}
	})
}
