package app

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// isInteropFormat reports whether an export format writes another tool's
// files (from ExportConnections) rather than a manifest (from ExportEntries).
func isInteropFormat(format report.Format) bool {
	return format == report.FormatDeployYAML || format == report.FormatDeployDir || format == report.FormatTerraform
}

// exportInterop writes the export as Deploy CLI or Terraform files. Deploy
// CLI files name connections by name; Terraform adopts them by id.
func (e *env) exportInterop(s *session, o exportOptions, conns []*scim.LiveConnection) error {
	key := manifest.KeyByName
	if o.format == report.FormatTerraform {
		key = manifest.KeyByID
	}
	exported, omitted := manifest.ExportConnections(conns, key)
	written := len(exported)
	var err error
	switch o.format {
	case report.FormatDeployDir:
		var more []manifest.Omitted
		more, err = e.writeDeployDir(o.out, exported)
		omitted, written = append(omitted, more...), written-len(more)
	case report.FormatDeployYAML:
		err = e.writeExport(o.out, func(b *bytes.Buffer) error { return manifest.WriteDeployCLIYAML(b, exported) })
	case report.FormatTerraform:
		err = e.writeExport(o.out, func(b *bytes.Buffer) error { return manifest.WriteTerraform(b, exported) })
	}
	for _, om := range omitted {
		s.logger.Warn(fmt.Sprintf("connection %s (%q) is left out of the export: %s", om.Connection.ID, om.Connection.Name, om.Reason))
	}
	if err != nil {
		return err
	}
	s.logger.Info("export done", "format", o.format, "connections", written, "left_out", len(omitted),
		"requests", s.client.Stats().Attempts.Load())
	return nil
}

// writeExport renders a file whole, then writes it to stdout or atomically
// to path.
func (e *env) writeExport(path string, render func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if path == "" {
		_, err := e.stdout.Write(b.Bytes())
		return err
	}
	if err := fileutil.WriteAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("write the export to %s: %w", path, err)
	}
	return nil
}

// writeDeployDir writes one connections/<name>.json per connection under
// dir. A file already there is replaced only when it holds nothing but
// what an export writes: a Deploy CLI user's own connection file (with its
// options, enabled clients...) is never overwritten by a partial one, and
// the export is refused before any file is written, naming them.
func (e *env) writeDeployDir(dir string, conns []manifest.ExportedConnection) ([]manifest.Omitted, error) {
	files, omitted := manifest.DeployCLIFiles(conns)
	var foreign []string
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(path)
		if err == nil && !bytes.Equal(old, f.Data) && !manifest.IsOwnDeployFile(old) {
			foreign = append(foreign, path)
		}
	}
	if len(foreign) > 0 {
		return omitted, fmt.Errorf("export to %s would overwrite %d connection file(s) that hold more than a SCIM configuration (first: %s): export to an empty directory and merge the scim_configuration keys yourself",
			dir, len(foreign), foreign[0])
	}
	if err := os.MkdirAll(filepath.Join(dir, manifest.DeployCLIConnectionsDir), 0o755); err != nil {
		return omitted, fmt.Errorf("create the Deploy CLI directory: %w", err)
	}
	var errs []error
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := fileutil.WriteAtomic(path, f.Data); err != nil {
			errs = append(errs, fmt.Errorf("write %s: %w", path, err))
		}
	}
	return omitted, errors.Join(errs...)
}
