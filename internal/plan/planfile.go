package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// MaxPlanBytes caps the size of a saved plan the tool reads. A plan for
// 10,000 connections with 40 mapping entries each is about 40 MB.
const MaxPlanBytes = 256 << 20

// Encode returns the plan's JSON form, indented for people and diff tools.
func (p *Plan) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteFile saves the plan, privately (0600) and atomically.
func (p *Plan) WriteFile(path string) error {
	b, err := p.Encode()
	if err != nil {
		return err
	}
	return fileutil.WriteAtomic(path, b)
}

// ReadPlanFile reads a plan saved by WriteFile and checks it as strictly as
// a manifest: a plan may have been edited by hand, and apply acts on it.
func ReadPlanFile(path string) (*Plan, error) {
	data, err := fileutil.ReadLimited(path, MaxPlanBytes)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	p, err := DecodePlan(data)
	if err != nil {
		return nil, fileutil.Wrap("read plan", path, err)
	}
	p.SavedAs = path
	return p, nil
}

// DecodePlan parses and checks a plan's JSON form.
func DecodePlan(data []byte) (*Plan, error) {
	var version struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &version); err != nil {
		return nil, fmt.Errorf("not a plan file: %w", err)
	}
	if version.Version == nil {
		return nil, errors.New("not a plan file: no \"version\" field")
	}
	if *version.Version != FormatVersion {
		return nil, fmt.Errorf("plan format version %d is not supported (this scim-migrate reads version %d); re-run plan with this version", *version.Version, FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("malformed plan: %w", err)
	}
	if dec.More() {
		return nil, errors.New("malformed plan: data after the plan")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// check refuses a plan whose parts contradict each other.
func (p *Plan) check() error {
	if p.Tenant == "" {
		return errors.New("malformed plan: no tenant")
	}
	switch p.Origin {
	case OriginManifest:
	case "":
		p.Origin = OriginManifest // saved before plans named their origin
	default:
		return fmt.Errorf("malformed plan: origin %q; only plans made from a manifest are saved", p.Origin)
	}
	seen := map[string]bool{}
	for i, c := range p.Changes {
		if err := c.check(); err != nil {
			return fmt.Errorf("malformed plan: change %d: %w", i+1, err)
		}
		if seen[c.ID] {
			return fmt.Errorf("malformed plan: change %d: connection %s appears twice", i+1, c.ID)
		}
		seen[c.ID] = true
	}
	// not_found is checked apart: plans saved before it was counted lack it.
	got, had := SummarizePlan(p), p.Summary
	had.NotFound = got.NotFound
	if got != had {
		return fmt.Errorf("malformed plan: the summary %+v does not match the changes %+v (edited by hand?)", p.Summary, got)
	}
	p.Summary = got
	return nil
}

// check refuses a change whose action does not fit its states.
func (c *Change) check() error {
	if !scim.ValidConnectionID(c.ID) {
		return fmt.Errorf("invalid connection id %q", c.ID)
	}
	if c.Conflict != "" {
		return fmt.Errorf("connection %s: a saved plan holds no conflicts; they are found when it is applied", c.ID)
	}
	if c.Mode != manifest.ModeReplace && c.Mode != manifest.ModeMerge {
		return fmt.Errorf("connection %s: unknown mode %q", c.ID, c.Mode)
	}
	var ok bool
	switch c.Action {
	case ActionCreate:
		ok = c.Before == nil && c.After != nil
	case ActionUpdate:
		ok = c.Before != nil && c.After != nil && !c.Before.Equal(c.After)
	case ActionNone:
		ok = c.Before != nil && c.After != nil && c.Before.Equal(c.After)
	case ActionMissing:
		ok = c.Before == nil && c.After == nil
	case ActionDelete:
		return fmt.Errorf("connection %s: action delete belongs to rollback plans, which are never saved", c.ID)
	default:
		return fmt.Errorf("connection %s: unknown action %q", c.ID, c.Action)
	}
	if !ok {
		return fmt.Errorf("connection %s: before and after do not fit action %q", c.ID, c.Action)
	}
	return c.checkWritable()
}

// checkWritable refuses what a manifest could not have said: an after state
// or a merge request that breaks the manifest's rules (an empty or doubled
// SCIM attribute, a control character), or an after state that does not
// follow from the merge request, so a plan edited by hand fails here rather
// than halfway through a run.
func (c *Change) checkWritable() error {
	if problems := manifest.CheckConfig(c.After, false); len(problems) > 0 {
		return fmt.Errorf("connection %s: after: %s", c.ID, strings.Join(problems, "; "))
	}
	if c.Asked == nil {
		return nil
	}
	if c.Mode != manifest.ModeMerge {
		return fmt.Errorf("connection %s: asked belongs to merge mode", c.ID)
	}
	if problems := manifest.CheckConfig(c.Asked, true); len(problems) > 0 {
		return fmt.Errorf("connection %s: asked: %s", c.ID, strings.Join(problems, "; "))
	}
	if c.After != nil && !Merge(c.Asked, c.Before).Equal(c.After) {
		return fmt.Errorf("connection %s: after is not the merge of asked onto before (edited by hand?)", c.ID)
	}
	return nil
}

// clockSkew is how far in the future a plan's time may be: the clocks of
// the machine that planned and the one that applies may differ a little.
const clockSkew = 5 * time.Minute

// CheckAge refuses a plan made more than maxAge before now: the tenant has
// moved on since, and what was reviewed is no longer what would be written.
// A plan from the future is refused too.
func (p *Plan) CheckAge(now time.Time, maxAge time.Duration) error {
	return CheckAge(p.CreatedAt, now, maxAge)
}

// CheckAge refuses a saved plan of any kind (configuration or token) made
// at created, when that is more than maxAge before now or in the future.
func CheckAge(created, now time.Time, maxAge time.Duration) error {
	age := now.Sub(created)
	switch {
	case age < -clockSkew:
		return fmt.Errorf("the plan was made at %s, in the future (is a clock wrong?)", created.UTC().Format(time.RFC3339))
	case age > maxAge:
		return fmt.Errorf("the plan was made at %s, %s ago, which is more than %s", created.UTC().Format(time.RFC3339),
			age.Round(time.Minute), maxAge)
	}
	return nil
}
