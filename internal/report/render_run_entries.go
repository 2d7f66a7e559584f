package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// entry is one connection as the audit renderings (HTML, markdown, CSV) show
// it, whether it comes from a plan or a run, so that the three forms list the
// same rows with the same values.
type entry struct {
	scim.Identity
	Action string
	// Status is how the connection ended; empty in a plan, which has not run.
	Status string
	// Mode and From (the manifest position) are known only in a plan.
	Mode, From string
	// Ran is set for a run's entries; Attempts and DurationMS mean nothing
	// in a plan.
	Ran        bool
	Attempts   int
	DurationMS int64
	Error      string
	Before     *scim.Config
	After      *scim.Config
}

// key is the value the audit view counts and filters by: the status of a
// run's connection, the action of a plan's.
func (e entry) key() string {
	if e.Ran {
		return e.Status
	}
	return e.Action
}

// changed reports whether the entry has a mapping diff to show: its before
// and after states differ. That holds for writes, and also for a conflict or
// a failure, whose diff is what would have been written.
func (e entry) changed() bool { return !e.Before.Equal(e.After) }

// statusUnfinished is shown for a connection whose intent was recorded but
// whose result was not: the run was killed while writing it.
const statusUnfinished = "unfinished"

// runKeys and planKeys order the summary counts; the last key of each is
// shown only when some entry has it, since most files never do.
var (
	runKeys  = []string{string(runlog.StatusApplied), string(runlog.StatusUnchanged), string(runlog.StatusFailed), string(runlog.StatusConflict), string(runlog.StatusSkipped), statusUnfinished}
	planKeys = []string{string(plan.ActionCreate), string(plan.ActionUpdate), string(plan.ActionNone), string(plan.ActionMissing), string(plan.ActionDelete)}
)

// planEntries lists a plan's changes in the plan's own (deterministic) order.
func planEntries(p *plan.Plan) []entry {
	out := make([]entry, len(p.Changes))
	for i, c := range p.Changes {
		out[i] = entry{
			Identity: c.Identity,
			Action:   string(c.Action), Mode: string(c.Mode),
			From:   fmt.Sprintf("%s:%d", c.From.File, c.From.Line),
			Before: c.Before, After: c.After,
		}
	}
	return out
}

// runEntries lists a run's connections sorted by name then id: results come
// in the order workers finished them, which means nothing to a reader.
// A connection with an intent but no result (a run killed mid-write) is
// listed too, as unfinished, because that is exactly what an auditor must see.
func runEntries(run *runlog.Run) []entry {
	out := make([]entry, 0, len(run.Results))
	done := make(map[string]bool, len(run.Results))
	for _, r := range run.Results {
		done[r.ConnectionID] = true
		out = append(out, entry{
			Identity: scim.Identity{ID: r.ConnectionID, Name: r.ConnectionName, Strategy: r.Strategy},
			Action:   actionText(r.Action, r.TokenID), Status: string(r.Status), Ran: true,
			Attempts: r.Attempts, DurationMS: r.DurationMS, Error: r.Error,
			Before: r.Before, After: r.After,
		})
	}
	for _, in := range run.Intents {
		if done[in.ConnectionID] {
			continue
		}
		done[in.ConnectionID] = true
		out = append(out, entry{
			Identity: scim.Identity{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy},
			Action:   actionText(in.Action, in.TokenID), Status: statusUnfinished, Ran: true,
			Error:  "no result recorded: the run stopped after announcing this write; the live state is unknown",
			Before: in.Before, After: in.After,
		})
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	return out
}

// actionText is a result's action as the views show it: with the token it
// issued or revoked, for a token run.
func actionText(a plan.Action, tokenID string) string {
	if tokenID == "" {
		return string(a)
	}
	return string(a) + " " + tokenID
}

// tally is one count of the summary.
type tally struct {
	Key string
	N   int
}

// countEntries counts entries by key in the order of keys. Every key but the
// last is always listed, even at zero, so summaries of different runs line
// up; the last is listed only when present.
func countEntries(entries []entry, keys []string) []tally {
	got := make([]string, len(entries))
	for i, e := range entries {
		got[i] = e.key()
	}
	return countKeys(got, keys)
}

// countKeys counts the keys got in the order of keys, as countEntries does.
func countKeys(got, keys []string) []tally {
	n := map[string]int{}
	for _, k := range got {
		n[k]++
	}
	out := make([]tally, 0, len(keys))
	for i, k := range keys {
		if i < len(keys)-1 || n[k] > 0 {
			out = append(out, tally{Key: k, N: n[k]})
		}
	}
	return out
}

// field is one line of an audit header.
type field struct {
	Label, Value string
}

// Wide tells the HTML page to give a long value (a hash, a path) a line of
// its own rather than break it over several.
func (f field) Wide() bool { return len(f.Value) > 28 }

// runFields describes where a run came from: who ran what against which
// tenant, when, and from which manifest. Unknown values are left out rather
// than shown empty.
func runFields(run *runlog.Run, source string) []field {
	h := run.Header
	fields := []field{{"Tenant", h.Tenant}, {"Command", commandText(h)}}
	if by := runBy(h); by != "" {
		fields = append(fields, field{"Run by", by})
	}
	fields = append(fields, field{"Started", timeText(h.StartedAt)}, field{"Finished", finishedText(run)})
	if h.ToolVersion != "" {
		fields = append(fields, field{"Tool version", h.ToolVersion})
	}
	if h.Manifest != nil {
		fields = append(fields, field{"Manifest", h.Manifest.Path}, field{"Manifest SHA-256", h.Manifest.SHA256})
	}
	if run.Summary != nil {
		fields = append(fields, field{"Requests sent", fmt.Sprint(run.Summary.Requests)})
	}
	if source != "" {
		fields = append(fields, field{"Report file", source})
	}
	return fields
}

// planFields describes where a plan came from.
func planFields(p *plan.Plan) []field {
	return []field{
		{"Tenant", p.Tenant}, {"Command", "plan"}, {"Created", timeText(p.CreatedAt)},
		{"Tool version", p.ToolVersion}, {"Manifest", p.Manifest.Path}, {"Manifest SHA-256", p.Manifest.SHA256},
	}
}

// commandText names the run's command with what it ran from.
func commandText(h runlog.Header) string {
	s := h.Command
	switch {
	case h.PlanFile != "":
		s += " --plan " + h.PlanFile
	case h.RollsBack != "":
		s += " --from " + h.RollsBack
	}
	if h.DryRun {
		s += " (dry run)"
	}
	return s
}

// runBy is user@host (pid N), with whatever parts the report has.
func runBy(h runlog.Header) string {
	s := h.User
	if h.Host != "" {
		s += "@" + h.Host
	}
	s = strings.TrimPrefix(s, "@")
	if h.PID != 0 {
		s = strings.TrimSpace(s + fmt.Sprintf(" (pid %d)", h.PID))
	}
	return s
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}

// finishedText gives the end time and how long the run took, or says that
// the run never wrote its last line.
func finishedText(run *runlog.Run) string {
	if run.Summary == nil {
		return "not recorded: the report has no summary line (the run was killed or is still going)"
	}
	end := run.Summary.FinishedAt
	if run.Header.StartedAt.IsZero() || end.IsZero() {
		return timeText(end)
	}
	return fmt.Sprintf("%s (took %s)", timeText(end), end.Sub(run.Header.StartedAt).Round(time.Millisecond))
}

// runNotes are the things about a run an auditor must not miss: it was
// interrupted, stopped by a fatal error, cut off, or its summary line
// disagrees with its results.
func runNotes(run *runlog.Run, counts []tally) []string {
	var notes []string
	if run.Truncated {
		notes = append(notes, "The report's last line was cut off (the run was killed while writing it); everything before it is shown.")
	}
	if s := run.Summary; s != nil {
		if s.Interrupted {
			notes = append(notes, "The run was interrupted: writes in flight were finished and recorded, no new ones were started.")
		}
		if s.Error != "" {
			notes = append(notes, "The run stopped on an error: "+s.Error)
		}
		if got := countsOf(counts); got != s.Counts {
			notes = append(notes, fmt.Sprintf("The report's summary line counts %+v, but its result lines count %+v; this view shows the result lines.", s.Counts, got))
		}
	}
	return notes
}

// countsOf turns the view's tallies back into Counts, to compare them with
// the report's own summary line.
func countsOf(tallies []tally) runlog.Counts {
	n := make(map[string]int, len(tallies))
	for _, t := range tallies {
		n[t.Key] = t.N
	}
	return runlog.Counts{
		Applied: n[string(runlog.StatusApplied)], Unchanged: n[string(runlog.StatusUnchanged)], Failed: n[string(runlog.StatusFailed)],
		Conflict: n[string(runlog.StatusConflict)], Skipped: n[string(runlog.StatusSkipped)],
	}
}

// durationText shows a duration in milliseconds the way people read it.
func durationText(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	return fmt.Sprintf("%.1f s", float64(ms)/1000)
}

// diffRows is a connection's mapping diff without its unchanged entries, and
// how many entries stay as they are.
func diffRows(e entry) (changed []plan.PairChange, unchanged int) {
	diff := plan.DiffMapping(configOf(e.Before).Mapping, configOf(e.After).Mapping)
	changed = plan.ChangedPairs(diff)
	return changed, len(diff) - len(changed)
}
