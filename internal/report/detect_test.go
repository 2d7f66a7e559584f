package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectKind(t *testing.T) {
	planData, err := os.ReadFile(filepath.Join("testdata", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	runData, err := os.ReadFile(filepath.Join("testdata", "run.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		want Kind
	}{
		{"saved plan", string(planData), KindPlan},
		{"run report", string(runData), KindRun},
		{"run report with a byte-order mark", "\xef\xbb\xbf" + string(runData), KindRun},
		{"run header alone", `{"type":"run","version":1,"tenant":"t"}`, KindRun},
		{"compact plan", `{"version":1,"changes":[]}`, KindPlan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectKind([]byte(tt.data))
			if err != nil || got != tt.want {
				t.Fatalf("DetectKind = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDetectKind_refusesOtherFiles(t *testing.T) {
	tests := []struct{ name, data, hint string }{
		{"empty", "", "does not start with a JSON object"},
		{"csv manifest", "connection_id,scim,auth0\ncon_a,userName,email\n", "does not start with a JSON object"},
		{"json manifest", `{"connections":[]}`, "a manifest?"},
		{"report line that is not a header", `{"type":"result","connection_id":"con_a"}`, `type "result"`},
		{"array", `[1,2]`, "does not start with a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DetectKind([]byte(tt.data))
			if !errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), tt.hint) {
				t.Fatalf("error %v, want ErrUnknownKind mentioning %q", err, tt.hint)
			}
		})
	}
}

func TestRenderSaved_everyFormat(t *testing.T) {
	for _, file := range []string{"plan.json", "run.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{FormatHTML, FormatMarkdown, FormatCSV, FormatText} {
			var buf bytes.Buffer
			if err := RenderSaved(&buf, data, file, f); err != nil || buf.Len() == 0 {
				t.Errorf("%s as %s: %v", file, f, err)
			}
		}
		if err := RenderSaved(&bytes.Buffer{}, data, file, FormatJSON); err == nil {
			t.Errorf("%s as json: want an error (it is JSON already)", file)
		}
	}
}

func TestRenderSaved_badContentNamesTheProblem(t *testing.T) {
	err := RenderSaved(&bytes.Buffer{}, []byte(`{"type":"run","version":99,"tenant":"t"}`+"\n"), "r.jsonl", FormatHTML)
	if err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("error %v", err)
	}
	err = RenderSaved(&bytes.Buffer{}, []byte(`{"version":1,"changes":[],"summary":{}}`), "p.json", FormatHTML)
	if err == nil || !strings.Contains(err.Error(), "saved plan") {
		t.Fatalf("error %v", err)
	}
}
