package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

func TestRenderCSV_golden(t *testing.T) {
	var run, p bytes.Buffer
	if err := RenderRunCSV(&run, loadRunFixture(t)); err != nil {
		t.Fatal(err)
	}
	if err := RenderPlanCSV(&p, loadFixture(t)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "run.csv", run.String())
	checkGolden(t, "plan.csv", p.String())
}

// TestRenderCSV_columns: the column order is a contract, every row has
// every column, and before/after are one-line JSON.
func TestRenderCSV_columns(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderRunCSV(&buf, loadRunFixture(t)); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "connection_name,connection_id,strategy,action,status,attempts,duration_ms,error,before,after"
	if got := strings.Join(records[0], ","); got != want {
		t.Fatalf("header %s, want %s", got, want)
	}
	if len(records) != 7 {
		t.Fatalf("%d records, want a header and 6 connections", len(records))
	}
	for _, r := range records[1:] {
		before, after := r[8], r[9]
		if strings.Contains(before+after, "\n") || !(before == "null" || strings.HasPrefix(before, `{"user_id_attribute":`)) {
			t.Errorf("%s: before %q, after %q", r[1], before, after)
		}
	}
}

// TestRenderCSV_formulasDefused: a name a spreadsheet would evaluate is
// written as text.
func TestRenderCSV_formulasDefused(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderRunCSV(&buf, loadRunFixture(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n'=cmd|' /C calc'!A0,") {
		t.Fatalf("the formula-like name is not defused:\n%s", buf.String())
	}
	for _, s := range []string{"=x", "+x", "-x", "@x", "\tx"} {
		if got := csvText(s); got != "'"+s {
			t.Errorf("csvText(%q) = %q", s, got)
		}
	}
	if got := csvText("acme"); got != "acme" {
		t.Errorf("csvText changed a plain name: %q", got)
	}
}

func TestRenderCSV_emptyRunHasHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderRunCSV(&buf, &runlog.Run{Header: runlog.Header{Type: runlog.TypeRun, Tenant: "t"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "connection_name,connection_id,") {
		t.Fatalf("output %q", buf.String())
	}
}
