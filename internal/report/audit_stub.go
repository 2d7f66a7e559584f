package report

import (
	"encoding/json"
	"io"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// RenderAudit is a stand-in until the audit renderers land (JSON only).
func RenderAudit(w io.Writer, a *scimtoken.Audit, f Format, s Style) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
