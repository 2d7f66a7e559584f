package report

import "testing"

func TestEscapes(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"bare keeps an id", bare, "con_0a1b", "con_0a1b"},
		{"bare quotes a path with a space", bare, "my manifest.csv", `"my manifest.csv"`},
		{"bare quotes an escape", bare, "a\x1bb", `"a\x1bb"`},
		{"bare quotes an empty value", bare, "", `""`},
		{"quote escapes a bidi override", quote, "a\u202eb", `"a\u202eb"`},
		{"quote keeps unicode", quote, "Zürich ✓", `"Zürich ✓"`},
		{"sanitize keeps quotes", sanitize, `name "x"`, `name "x"`},
		{"sanitize escapes controls", sanitize, "a\nb\x1b[2J", `a\nb\x1b[2J`},
		{"sanitize escapes invalid utf-8", sanitize, "a\xffb", `a\xffb`},
		{"md escapes syntax", md, "a|b`c*d_e[f](g)<h>&#~", "a\\|b\\`c\\*d\\_e\\[f\\](g)&lt;h&gt;&amp;\\#\\~"},
		{"md keeps a backslash literal", md, `a\*`, `a\\\*`},
		{"md keeps a newline visible", md, "a\nb", `a\\nb`},
		{"mdLine escapes a list marker", mdLine, "- x", `\- x`},
		{"mdLine escapes an ordered marker", mdLine, "12. x", `12\. x`},
		{"mdLine drops indentation", mdLine, "     code", "code"},
		{"mdLine keeps a number", mdLine, "42", "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
