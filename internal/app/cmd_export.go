package app

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/urfave/cli/v2"
)

func exportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the live SCIM configuration of every connection that has one, as a manifest (writes nothing to the tenant)",
		Description: "The manifest gives each connection its whole live configuration (replace mode), sorted, so that two exports " +
			"of the same tenant are identical and diff well. With --key name it can be applied to another tenant, " +
			"where connection ids differ.",
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "strategy", Usage: "export only connections of strategy `S` (samlp, oidc, okta or waad); repeat it, or separate with commas, for several"},
			&cli.StringFlag{Name: "format", Value: "json", Usage: "manifest format: json or csv"},
			&cli.StringFlag{Name: "key", Value: string(manifest.KeyByID), Usage: "name connections by id, or by name (portable to another tenant): id or name"},
			&cli.StringFlag{Name: "out", Usage: "write the manifest to `PATH` (created 0600) instead of stdout"},
		}, tenantFlags()...),
		Action: e.runExport,
	}
}

// exportRequest is what the export flags ask for, checked.
type exportRequest struct {
	strategies []string
	format     string
	key        manifest.ManifestKey
	out        string
}

func (e *env) runExport(c *cli.Context) error {
	if err := noArguments(c); err != nil {
		return err
	}
	req, err := exportFlags(c)
	if err != nil {
		return err
	}
	opts, client, err := e.connect(c)
	if err != nil {
		return err
	}
	ctx := e.readOnlyContext(c.Context)
	conns, err := client.Export(ctx, auth0api.ExportOptions{
		Strategies: req.strategies, NeedNames: req.key == manifest.KeyByName, Concurrency: opts.concurrency,
	})
	if err != nil {
		return e.interrupted(ctx, err)
	}
	entries, omitted := manifest.ExportEntries(conns, req.key)
	for _, o := range omitted {
		opts.logger.Warn(fmt.Sprintf("connection %s (%q) is left out of the export: %s", o.Connection.ID, o.Connection.Name, o.Reason))
	}
	if len(entries) == 0 {
		opts.logger.Warn("no connection with a SCIM configuration to export: the manifest lists none, and plan would refuse it")
	}
	if err := e.writeManifest(req, entries); err != nil {
		return err
	}
	opts.logger.Info("export done", "connections", len(entries), "left_out", len(omitted),
		"requests", client.Stats().Attempts.Load())
	return nil
}

// exportFlags reads and checks the export flags, before anything is sent.
func exportFlags(c *cli.Context) (exportRequest, error) {
	req := exportRequest{format: c.String("format"), key: manifest.ManifestKey(c.String("key")), out: c.String("out")}
	if req.format != "json" && req.format != "csv" {
		return req, &usageError{fmt.Errorf("--format %q: give json or csv", req.format)}
	}
	if req.key != manifest.KeyByID && req.key != manifest.KeyByName {
		return req, &usageError{fmt.Errorf("--key %q: give id or name", req.key)}
	}
	for _, s := range c.StringSlice("strategy") {
		s = strings.TrimSpace(s)
		if !scim.SupportsSCIM(s) {
			return req, &usageError{fmt.Errorf("--strategy %q: only connections of the SCIM strategies %s can have a SCIM configuration",
				s, strings.Join(scim.SCIMStrategies, ", "))}
		}
		if !slices.Contains(req.strategies, s) {
			req.strategies = append(req.strategies, s)
		}
	}
	return req, nil
}

// writeManifest renders the manifest whole, then writes it to stdout or
// atomically to --out, so a failed export never leaves half a manifest
// where a good one stood.
func (e *env) writeManifest(req exportRequest, entries []manifest.Entry) error {
	var b bytes.Buffer
	write := manifest.WriteJSONManifest
	if req.format == "csv" {
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
