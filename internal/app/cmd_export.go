package app

import (
	"bytes"
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

func exportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the live SCIM configuration of every connection that has one, as a manifest (writes nothing to the tenant)",
		Description: "The manifest gives each connection its whole live configuration (replace mode), sorted, so that two exports " +
			"of the same tenant are identical and diff well. With --key name it can be applied to another tenant, " +
			"where connection ids differ.",
		Flags:  exportFlags(),
		Action: action(parseExport, e.export),
	}
}

func (e *env) export(ctx context.Context, o exportOptions) error {
	s, err := e.connect(o.connectOptions)
	if err != nil {
		return err
	}
	ctx = console.ReadOnlyContext(ctx, e.deps.Stop)
	interop := isInteropFormat(o.format)
	conns, err := s.client.Export(ctx, auth0api.ExportOptions{
		Strategies: o.strategies, NeedNames: o.key == manifest.KeyByName || interop,
		NeedStrategies: interop, Concurrency: o.concurrency,
	})
	if err != nil {
		return console.Interrupted(ctx, err, e.stage.Load())
	}
	if interop {
		return e.exportInterop(s, o, conns)
	}
	entries, omitted := manifest.ExportEntries(conns, o.key)
	for _, om := range omitted {
		s.logger.Warn(fmt.Sprintf("connection %s (%q) is left out of the export: %s", om.Connection.ID, om.Connection.Name, om.Reason))
	}
	if len(entries) == 0 {
		s.logger.Warn("no connection with a SCIM configuration to export: the manifest lists none, and plan would refuse it")
	}
	if err := e.writeManifest(o, entries); err != nil {
		return err
	}
	s.logger.Info("export done", "connections", len(entries), "left_out", len(omitted),
		"requests", s.client.Stats().Attempts.Load())
	return nil
}

// writeManifest renders the manifest whole, then writes it to stdout or
// atomically to --out, so a failed export never leaves half a manifest
// where a good one stood.
func (e *env) writeManifest(req exportOptions, entries []manifest.Entry) error {
	var b bytes.Buffer
	write := manifest.WriteJSONManifest
	if req.format == report.FormatCSV {
		write = manifest.WriteCSVManifest
	}
	if err := write(&b, entries); err != nil {
		return err
	}
	if req.out == "" {
		_, err := e.stdout.Write(b.Bytes())
		return err
	}
	if err := fileutil.WriteAtomic(req.out, b.Bytes()); err != nil {
		return fmt.Errorf("write the manifest to %s: %w", req.out, err)
	}
	return nil
}
