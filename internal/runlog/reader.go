package runlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// Limits on what the tool reads from a report, so a wrong file cannot make
// it allocate without bound.
const (
	MaxReportBytes = 512 << 20
	MaxLineBytes   = 16 << 20
)

// Run is a report read back.
type Run struct {
	Header  Header
	Intents []Intent
	Results []Result
	Summary *Summary
	// Truncated is set when the last line was cut off, as it is when the run
	// was killed while writing it; everything before it is intact.
	Truncated bool
	// Torn are the numbers of the lines in the middle that a failed write
	// cut off, with the next line glued to them (reports of versions before
	// the writer cut such lines back). Each was skipped, and the whole line
	// glued to its end was read.
	Torn []int
}

// ReadRunFile reads a report written by Writer.
func ReadRunFile(path string) (*Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > MaxReportBytes {
		return nil, fmt.Errorf("read report %s: %d bytes, larger than the %s limit", path, fi.Size(), fileutil.HumanBytes(MaxReportBytes))
	}
	r, err := ReadRun(io.LimitReader(f, MaxReportBytes+1))
	if err != nil {
		return nil, fileutil.Wrap("read report", path, err)
	}
	return r, nil
}

// ReadRun reads a report from r. A line cut off at the end is tolerated, and
// so is a torn line in the middle (see Run.Torn) between whole lines; any
// other malformed line is an error naming its line number.
func ReadRun(r io.Reader) (*Run, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	run := &Run{}
	total := 0
	prevWhole := false
	for n := 1; ; n++ {
		line, complete, err := readLine(br)
		total += len(line)
		if total > MaxReportBytes {
			return nil, fmt.Errorf("larger than the %s limit", fileutil.HumanBytes(MaxReportBytes))
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if line == nil {
			break
		}
		perr := run.add(n, line)
		switch {
		case perr == nil:
			prevWhole = true
			continue
		case !complete && n > 1:
			// Only a later line may be cut off: a report whose header is
			// damaged says nothing trustworthy about its run.
			run.Truncated = true
		case n > 1 && prevWhole && run.addTorn(n, line):
			// The line after a torn one must be whole again.
			prevWhole = false
			continue
		default:
			return nil, fmt.Errorf("line %d: %w%s", n, perr, afterTorn(run, n))
		}
		break
	}
	if run.Header.Type == "" || run.Header.Tenant == "" {
		return nil, errors.New("empty file: not a scim-migrate report")
	}
	return run, nil
}

// afterTorn says that a bad line follows a torn one, which is why the torn
// one was not skipped.
func afterTorn(run *Run, n int) string {
	if len(run.Torn) > 0 && run.Torn[len(run.Torn)-1] == n-1 {
		return fmt.Sprintf(" (after the torn line %d)", n-1)
	}
	return ""
}

// lineStart is how every line the writer writes begins.
const lineStart = `{"type":"`

// addTorn reads a line that a failed write tore: the start of a line, cut
// off, and glued to it a whole line (or nothing). It reports false, having
// added nothing, when the line is not that.
func (run *Run) addTorn(n int, line []byte) bool {
	for i := 1; i <= len(line); i++ {
		if i < len(line) && !bytes.HasPrefix(line[i:], []byte(lineStart)) {
			continue
		}
		if !cutOff(line[:i]) {
			continue
		}
		// run.add adds nothing of a line it refuses.
		if i == len(line) || run.add(n, line[i:]) == nil {
			run.Torn = append(run.Torn, n)
			return true
		}
	}
	return false
}

// cutOff reports whether p is the start of a line the writer writes, cut
// off before its end.
func cutOff(p []byte) bool {
	if !bytes.HasPrefix(p, []byte(lineStart)) && !bytes.HasPrefix([]byte(lineStart), p) {
		return false
	}
	var v any
	return errors.Is(json.NewDecoder(bytes.NewReader(p)).Decode(&v), io.ErrUnexpectedEOF)
}

// readLine returns the next line without its newline, whether it ended with
// one, and nil at the end of the input.
func readLine(br *bufio.Reader) (line []byte, complete bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > MaxLineBytes {
			return nil, false, fmt.Errorf("longer than the %s line limit", fileutil.HumanBytes(MaxLineBytes))
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(buf[:len(buf)-1], []byte("\r")), true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 {
				return nil, false, nil
			}
			return buf, false, nil
		default:
			return nil, false, err
		}
	}
}

// add decodes one line into the run.
func (run *Run) add(n int, line []byte) error {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if n == 1 {
		if head.Type != TypeRun {
			return errors.New("not a scim-migrate report: the first line is not a run header")
		}
		return run.addHeader(line)
	}
	switch head.Type {
	case TypeIntent:
		return run.addIntent(line)
	case TypeResult:
		return run.addResult(line)
	case TypeSummary:
		var s Summary
		if err := decodeStrict(line, &s); err != nil {
			return err
		}
		run.Summary = &s
		return nil
	}
	return fmt.Errorf("unknown line type %q", head.Type)
}

func (run *Run) addIntent(line []byte) error {
	var i Intent
	if err := decodeStrict(line, &i); err != nil {
		return err
	}
	if err := checkConnection(i.ConnectionID, i.Action, ""); err != nil {
		return err
	}
	if err := checkTokenIDs(i.ConnectionID, append([]string{i.TokenID}, i.ExistingTokens...)...); err != nil {
		return err
	}
	run.Intents = append(run.Intents, i)
	return nil
}

func (run *Run) addResult(line []byte) error {
	var r Result
	if err := decodeStrict(line, &r); err != nil {
		return err
	}
	if r.Status == "" {
		return fmt.Errorf("connection %s: result without a status", r.ConnectionID)
	}
	if err := checkResultConnection(r); err != nil {
		return err
	}
	if err := checkTokenIDs(r.ConnectionID, r.TokenID); err != nil {
		return err
	}
	run.Results = append(run.Results, r)
	return nil
}

func (run *Run) addHeader(line []byte) error {
	if err := decodeStrict(line, &run.Header); err != nil {
		return err
	}
	if run.Header.Version < oldestRunFormatVersion || run.Header.Version > RunFormatVersion {
		return fmt.Errorf("report format version %d is not supported (this scim-migrate reads versions %d to %d)",
			run.Header.Version, oldestRunFormatVersion, RunFormatVersion)
	}
	if run.Header.Tenant == "" {
		return errors.New("run header without a tenant")
	}
	return nil
}

func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed line: %w", err)
	}
	if dec.More() {
		return errors.New("malformed line: data after the JSON object")
	}
	return nil
}

// checkResultConnection checks a result like checkConnection, except that a
// failed result with no action may have no id: a manifest entry naming a
// connection the tenant lacks (plan.Unresolved) has none, and nothing was
// sent for it, so no id from it ever reaches a request path.
func checkResultConnection(r Result) error {
	if r.ConnectionID == "" && r.Status == StatusFailed && r.Action == plan.ActionNone {
		return nil
	}
	return checkConnection(r.ConnectionID, r.Action, r.Status)
}

// checkConnection refuses ids, actions and statuses the tool never writes:
// ids from a report end up in request paths.
func checkConnection(id string, a plan.Action, s Status) error {
	if !scim.ValidConnectionID(id) {
		return fmt.Errorf("invalid connection id %q", id)
	}
	switch a {
	case plan.ActionCreate, plan.ActionUpdate, plan.ActionDelete, plan.ActionNone:
	default:
		if scimtoken.IsTokenAction(string(a)) {
			break
		}
		return fmt.Errorf("connection %s: unknown action %q", id, a)
	}
	switch s {
	case "", StatusApplied, StatusUnchanged, StatusFailed, StatusConflict, StatusSkipped, StatusUnknown:
		return nil
	}
	return fmt.Errorf("connection %s: unknown status %q", id, s)
}

// checkTokenIDs refuses token ids the tenant never gives: they end up in
// request paths (a rollback revokes them).
func checkTokenIDs(conn string, ids ...string) error {
	for _, id := range ids {
		if id != "" && !scimtoken.ValidTokenID(id) {
			return fmt.Errorf("connection %s: invalid token id %q", conn, id)
		}
	}
	return nil
}

// LastIntents returns, for each connection with an intent that keep
// accepts, its last one, in the order connections first appear, leaving out
// the writes that never left (a result says not_sent). A run writes each
// connection once; a report edited or concatenated by hand is still read
// sensibly. Rollbacks of every kind undo what these say.
func (r *Run) LastIntents(keep func(Intent) bool) []Intent {
	notSent := map[string]bool{}
	for _, res := range r.Results {
		if res.NotSent {
			notSent[res.ConnectionID] = true
		}
	}
	index := map[string]int{}
	var out []Intent
	for _, in := range r.Intents {
		if notSent[in.ConnectionID] || (keep != nil && !keep(in)) {
			continue
		}
		if i, ok := index[in.ConnectionID]; ok {
			out[i] = in
			continue
		}
		index[in.ConnectionID] = len(out)
		out = append(out, in)
	}
	return out
}
