package app

import (
	"context"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/session"
	"github.com/urfave/cli/v2"
)

func exportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the live SCIM configuration of every connection that has one, as a manifest (writes nothing to the tenant)",
		Description: "The manifest gives each connection its whole live configuration (replace mode), sorted, so that two exports " +
			"of the same tenant are identical and diff well. With --key name it can be applied to another tenant, " +
			"where connection ids differ.",
		Flags:  options.ExportFlags(),
		Action: action(options.ParseExport, e.export),
	}
}

func (e *env) export(ctx context.Context, o options.Export) error {
	s, err := e.connect(o.Connect)
	if err != nil {
		return err
	}
	ctx = console.ReadOnlyContext(ctx, e.deps.Stop)
	req := session.ExportRequest{Strategies: o.Strategies, Key: o.Key, Format: o.Format, Out: o.Out}
	return console.Interrupted(ctx, s.Export(ctx, req, e.stdout), e.stage.Load())
}
