package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Every string a rendering shows may come from the tenant or the manifest,
// so none reaches the output raw: a connection name holding "\x1b[2J" must
// not clear the user's terminal, and one holding "|" or "<script>" must not
// change a markdown table or inject HTML.

// quote quotes a value for the text diff. strconv.Quote escapes control
// characters, invalid UTF-8 and invisible format characters (such as bidi
// overrides), while keeping printable unicode readable.
func quote(s string) string { return strconv.Quote(s) }

// bare shows an identifier (id, strategy, path, tenant) without quotes when
// it is plainly printable, and quoted otherwise, so an odd value stays
// visible and harmless.
func bare(s string) string {
	if s == "" || strings.ContainsAny(s, "\"\\") {
		return quote(s)
	}
	for _, r := range s {
		if r == ' ' || !strconv.IsPrint(r) {
			return quote(s)
		}
	}
	return s
}

// sanitize escapes the unprintable runes of free text (a warning) the way Go
// source would, keeping everything else as written, so the message reads
// naturally but cannot carry control sequences.
func sanitize(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case strconv.IsPrint(r):
			b.WriteString(s[:n])
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		s = s[n:]
	}
	return b.String()
}

// mdReplacer escapes the characters that carry meaning inline in GitHub
// markdown. Backslash comes first in effect because Replacer never rescans
// its own output.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`,
	"`", "\\`",
	"*", `\*`,
	"_", `\_`,
	"[", `\[`,
	"]", `\]`,
	"|", `\|`,
	"#", `\#`,
	"~", `\~`,
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
)

// md makes a value safe inside a markdown line or table cell: unprintable
// runes (newlines included) become visible escapes first, so a value can
// never end a row or a line, then markdown and HTML syntax is escaped.
func md(s string) string { return mdReplacer.Replace(sanitize(s)) }

// mdLine is md for a value that starts a line (a list item's text), where a
// leading "-", "+", "=", "1." or indentation would start a new block.
func mdLine(s string) string {
	out := md(strings.TrimLeft(s, " "))
	if out != "" && strings.ContainsRune("-+=", rune(out[0])) {
		return `\` + out
	}
	digits := len(out) - len(strings.TrimLeft(out, "0123456789"))
	if digits > 0 && digits < len(out) && (out[digits] == '.' || out[digits] == ')') {
		return out[:digits] + `\` + out[digits:]
	}
	return out
}
