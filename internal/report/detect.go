package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// Kind is what a file saved by scim-migrate holds, and so which audit page
// shows it.
type Kind string

const (
	// KindPlan is a plan saved by plan --out: one JSON object.
	KindPlan Kind = "plan"
	// KindRun is the JSON Lines report of an apply or a rollback.
	KindRun Kind = "run"
	// KindAudit is a SCIM token audit, the page RenderAudit writes.
	// DetectKind does not recognise a saved one.
	KindAudit Kind = "audit"
)

// ErrUnknownKind is returned by DetectKind for content that is neither a
// saved plan nor a run report.
var ErrUnknownKind = errors.New("neither a saved plan (plan --out) nor a run report (apply, rollback)")

// DetectKind tells a saved plan from a run report by content, never by file
// name: users rename files, and a report handed to an auditor may have lost
// its extension. A run report's first line is an object whose "type" is
// "run"; a plan is a single object with "version" and "changes" and no
// "type". Only the first JSON value is decoded, so a large report is not
// parsed twice.
func DetectKind(data []byte) (Kind, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&top); err != nil || top == nil {
		return "", fmt.Errorf("%w: it does not start with a JSON object", ErrUnknownKind)
	}
	if raw, ok := top["type"]; ok {
		var typ string
		if json.Unmarshal(raw, &typ) == nil && typ == runlog.TypeRun {
			return KindRun, nil
		}
		return "", fmt.Errorf("%w: the first object has type %s, and a run report starts with a %q header", ErrUnknownKind, raw, runlog.TypeRun)
	}
	_, hasVersion := top["version"]
	_, hasChanges := top["changes"]
	if hasVersion && hasChanges {
		return KindPlan, nil
	}
	return "", fmt.Errorf("%w: a JSON object without \"version\" and \"changes\" (a manifest? give it to plan -f)", ErrUnknownKind)
}

// RenderSaved renders a saved plan or a run report, told apart by content,
// as text, html, markdown or csv. It is the report command's whole job, kept here
// so that every program that shows a saved file shows it the same way.
// source is the file's path, shown in a run's header.
func RenderSaved(w io.Writer, data []byte, source string, f Format) error {
	kind, err := DetectKind(data)
	if err != nil {
		return err
	}
	if kind == KindPlan {
		p, err := plan.DecodePlan(data)
		if err != nil {
			return fmt.Errorf("saved plan: %w", err)
		}
		return renderSaved(w, p, nil, source, f)
	}
	run, err := runlog.ReadRun(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("run report: %w", err)
	}
	return renderSaved(w, nil, run, source, f)
}

// renderSaved renders a saved plan (p) or a run report (run) in one of the
// formats the report command offers.
func renderSaved(w io.Writer, p *plan.Plan, run *runlog.Run, source string, f Format) error {
	r := rowOf(f)
	if r == nil || !slices.Contains(r.docs, DocSaved) {
		return fmt.Errorf("render %s: format %q is not supported", DocSaved, f)
	}
	if p != nil {
		return r.plan(w, p, Style{})
	}
	return r.run(w, run, source)
}
