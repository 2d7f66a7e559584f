package cliui

import (
	"strings"
	"testing"
)

// Without a version linked in, the version is the build's, never Go's
// "(devel)".
func TestVersionString_withoutALinkedVersion(t *testing.T) {
	t.Parallel()
	if got := VersionString(""); got == "" || strings.HasPrefix(got, "(devel)") {
		t.Errorf("VersionString without a linked version: %q", got)
	}
}
