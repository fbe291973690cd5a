package acctest

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// Warnings records the warnings the provider returns from PlanResourceChange (its ModifyPlan), so a test can
// assert on them: terraform-plugin-testing hands plan checks the planned changes but not the plan's
// diagnostics. Serve the test's providers with Factories, call Reset in a step's PreConfig, and assert with
// the plan checks Expect and ExpectNone (in ConfigPlanChecks.PreApply, or PostApplyPreRefresh for a PlanOnly
// step, which has no pre-apply plan).
type Warnings struct {
	recorder[Warning]
}

// Warning is one recorded plan warning.
type Warning struct {
	ResourceType string // e.g. aliram_cross_account_role
	Attribute    string // the attribute path it points at, e.g. AttributeName("external_id"); "" for none
	Summary      string
	Detail       string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s %s: %s | %s", w.ResourceType, w.Attribute, w.Summary, w.Detail)
}

// Factories is FactoriesWith(names...) with every server recording its plan warnings here.
func (w *Warnings) Factories(names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	out := map[string]func() (tfprotov6.ProviderServer, error){}
	for name, f := range FactoriesWith(names...) {
		out[name] = func() (tfprotov6.ProviderServer, error) {
			s, err := f()
			if err != nil {
				return nil, err
			}
			return warningRecorder{ProviderServer: s, into: w}, nil
		}
	}
	return out
}

// All returns what was recorded since the last Reset.
func (w *Warnings) All() []Warning { return w.all() }

// Expect is a plan check that passes when a warning of resourceType on attribute (its name at the root, ""
// for any) has a summary containing summary and a detail containing every one of details.
func (w *Warnings) Expect(resourceType, attribute, summary string, details ...string) plancheck.PlanCheck {
	return warningCheck{func() error {
		all := w.All()
		for _, x := range all {
			if x.ResourceType != resourceType || !strings.Contains(x.Summary, summary) ||
				(attribute != "" && x.Attribute != fmt.Sprintf("AttributeName(%q)", attribute)) {
				continue
			}
			missing := ""
			for _, d := range details {
				if !strings.Contains(x.Detail, d) {
					missing = d
					break
				}
			}
			if missing == "" {
				return nil
			}
		}
		return fmt.Errorf("no plan warning of %s on %q with %q in the summary and %q in the detail; got:\n%s",
			resourceType, attribute, summary, details, list(all))
	}}
}

// ExpectNone is a plan check that passes when no warning whose summary or detail contains text ("" for any)
// was recorded.
func (w *Warnings) ExpectNone(text string) plancheck.PlanCheck {
	return warningCheck{func() error {
		var hits []Warning
		for _, x := range w.All() {
			if strings.Contains(x.Summary, text) || strings.Contains(x.Detail, text) {
				hits = append(hits, x)
			}
		}
		if len(hits) > 0 {
			return fmt.Errorf("unexpected plan warnings:\n%s", list(hits))
		}
		return nil
	}}
}

func list(ws []Warning) string {
	if len(ws) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, x := range ws {
		b.WriteString("  " + x.String() + "\n")
	}
	return b.String()
}

type warningCheck struct{ check func() error }

func (c warningCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.check()
}

// warningRecorder is the provider's server, with PlanResourceChange's warnings copied out.
type warningRecorder struct {
	tfprotov6.ProviderServer
	into *Warnings
}

func (r warningRecorder) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := r.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		var seen []Warning
		for _, d := range resp.Diagnostics {
			if d == nil || d.Severity != tfprotov6.DiagnosticSeverityWarning {
				continue
			}
			attr := ""
			if d.Attribute != nil {
				attr = d.Attribute.String()
			}
			seen = append(seen, Warning{ResourceType: req.TypeName, Attribute: attr, Summary: d.Summary, Detail: d.Detail})
		}
		r.into.add(seen...)
	}
	return resp, err
}
