package report

import "testing"

func TestParseFormat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		allowed []Format
		want    Format
		wantErr string
	}{
		{"text by default", "text", nil, FormatText, ""},
		{"markdown by default", "markdown", nil, FormatMarkdown, ""},
		{"case and spaces ignored", " JSON ", nil, FormatJSON, ""},
		{"html not a plan format yet", "html", nil, "", `unknown format "html": use one of text, json, markdown`},
		{"empty refused", "", nil, "", `unknown format "": use one of text, json, markdown`},
		{"outside the allowed set", "text", []Format{"html", FormatMarkdown, "csv"}, "", `unknown format "text": use one of html, markdown, csv`},
		{"inside the allowed set", "csv", []Format{"html", FormatMarkdown, "csv"}, "csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFormat(tt.in, tt.allowed...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
