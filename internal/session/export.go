package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// ExportRequest is what export is asked for.
type ExportRequest struct {
	Strategies []string
	// Key is how a manifest names connections (by id, or by name).
	Key    manifest.Key
	Format report.Format
	// Out is the file, or the Deploy CLI directory, the export goes to
	// ("": stdout).
	Out string
}

// Export reads the SCIM configuration of the tenant's connections and
// writes it in the format asked for, whole, to stdout or atomically to the
// file r.Out, so a failed export never leaves half a file where a good one
// stood.
func (s *Session) Export(ctx context.Context, r ExportRequest, stdout io.Writer) error {
	// Another tool's files are written from the connections
	// (ExportConnections), a manifest from its entries (ExportEntries).
	interop := report.IsInterop(r.Format)
	conns, err := s.Client.Export(ctx, auth0api.ExportOptions{
		Strategies: r.Strategies, NeedNames: r.Key == manifest.KeyByName || interop,
		NeedStrategies: interop, Concurrency: s.opts.Concurrency,
	})
	if err != nil {
		return err
	}
	if interop {
		return s.exportInterop(r, conns, stdout)
	}
	entries, omitted := manifest.ExportEntries(conns, r.Key)
	s.warnOmitted(omitted)
	if len(entries) == 0 {
		s.Logger.Warn("no connection with a SCIM configuration to export: the manifest lists none, and plan would refuse it")
	}
	write := manifest.WriteJSONManifest
	if r.Format == report.FormatCSV {
		write = manifest.WriteCSVManifest
	}
	err = writeWhole(r.Out, stdout, "the manifest", func(b *bytes.Buffer) error { return write(b, entries) })
	if err != nil {
		return err
	}
	s.Logger.Info("export done", "connections", len(entries), "left_out", len(omitted), "requests", s.Requests())
	return nil
}

func (s *Session) warnOmitted(omitted []manifest.Omitted) {
	for _, om := range omitted {
		s.Logger.Warn(fmt.Sprintf("connection %s (%q) is left out of the export: %s", om.Connection.ID, om.Connection.Name, om.Reason))
	}
}

// exportInterop writes the export as Deploy CLI or Terraform files. Deploy
// CLI files name connections by name; Terraform adopts them by id.
func (s *Session) exportInterop(r ExportRequest, conns []*scim.LiveConnection, stdout io.Writer) error {
	key := manifest.KeyByName
	if r.Format == report.FormatTerraform {
		key = manifest.KeyByID
	}
	exported, omitted := manifest.ExportConnections(conns, key)
	written := len(exported)
	var err error
	switch r.Format {
	case report.FormatDeployDir:
		var more []manifest.Omitted
		more, err = writeDeployDir(r.Out, exported)
		omitted, written = append(omitted, more...), written-len(more)
	case report.FormatDeployYAML:
		err = writeWhole(r.Out, stdout, "the export", func(b *bytes.Buffer) error { return manifest.WriteDeployCLIYAML(b, exported) })
	case report.FormatTerraform:
		err = writeWhole(r.Out, stdout, "the export", func(b *bytes.Buffer) error { return manifest.WriteTerraform(b, exported) })
	}
	s.warnOmitted(omitted)
	if err != nil {
		return err
	}
	s.Logger.Info("export done", "format", r.Format, "connections", written, "left_out", len(omitted), "requests", s.Requests())
	return nil
}

// writeWhole renders a file (what, for the message) whole, then writes it
// to stdout, or atomically to path.
func writeWhole(path string, stdout io.Writer, what string, render func(*bytes.Buffer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if path == "" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := fileutil.WriteAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("write %s to %s: %w", what, path, err)
	}
	return nil
}

// writeDeployDir writes one connections/<name>.json per connection under
// dir. A file already there is replaced only when it holds nothing but
// what an export writes: a Deploy CLI user's own connection file (with its
// options, enabled clients...) is never overwritten by a partial one, and
// the export is refused before any file is written, naming them.
func writeDeployDir(dir string, conns []manifest.ExportedConnection) ([]manifest.Omitted, error) {
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
