package report

// Style says how a human rendering may decorate its output. The caller
// decides, usually with ColorAllowed, because only it knows the stream.
type Style struct {
	// Color allows ANSI colors and bold. When false no escape code is ever written.
	Color bool
}

// ColorAllowed reports whether output may be colored: only on a terminal,
// never when NO_COLOR holds any non-empty value (https://no-color.org) and
// never for TERM=dumb, which cannot show escape codes. A nil getenv stands
// for an empty environment, which keeps tests independent of the real one.
func ColorAllowed(isTerminal bool, getenv func(string) string) bool {
	if !isTerminal {
		return false
	}
	if getenv == nil {
		return true
	}
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// SGR parameters used by the renderings; plain ANSI so no terminal library
// is needed.
const (
	sgrBold   = "1"
	sgrRed    = "31"
	sgrGreen  = "32"
	sgrYellow = "33"
)

// paint wraps text in the SGR code when colors are allowed, and returns it
// untouched otherwise.
func (s Style) paint(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) bold(text string) string { return s.paint(sgrBold, text) }

// marker colors a diff marker the way Terraform does: green adds, yellow
// changes, red removals; a missing connection is a warning, so yellow too.
func (s Style) marker(m string) string {
	switch m {
	case "+":
		return s.paint(sgrGreen, m)
	case "-":
		return s.paint(sgrRed, m)
	case "~", "!":
		return s.paint(sgrYellow, m)
	}
	return m
}
