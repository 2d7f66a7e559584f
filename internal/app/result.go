package app

import (
	"context"

	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

// action is a command's action: its flags parsed into its options value,
// then the command run on them. A usage error gets the hint to the
// command's --help.
func action[O any](parse func(*cli.Context) (O, error), run func(context.Context, O) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := parse(c)
		if err != nil {
			return withHint(err, c)
		}
		return run(c.Context, o)
	}
}

// resultDoc is a command's JSON document (--format json), completed once
// the command's exit code is known. A command returns it; Run prints it.
type resultDoc interface {
	complete(code int, err error) any
}

// docFunc is a document made only at the end, from the exit code.
type docFunc func(code int, err error) any

func (f docFunc) complete(code int, err error) any { return f(code, err) }

// docSlot is where Run finds the document the command returned.
type docSlot struct{ doc resultDoc }

type docSlotKey struct{}

// withDocSlot gives a command run under ctx a place for its document.
func withDocSlot(ctx context.Context) (context.Context, *docSlot) {
	slot := &docSlot{}
	return context.WithValue(ctx, docSlotKey{}, slot), slot
}

// actionDoc is the action of a command that returns a result document:
// as action, and the document goes where Run prints it.
func actionDoc[O any](parse func(*cli.Context) (O, error), run func(context.Context, O) (resultDoc, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := parse(c)
		if err != nil {
			return withHint(err, c)
		}
		doc, err := run(c.Context, o)
		if slot, ok := c.Context.Value(docSlotKey{}).(*docSlot); ok && doc != nil {
			slot.doc = doc
		}
		return err
	}
}

// runResult is a writing run's result document when --format json asks
// for one, whatever happened in between; nil otherwise.
func runResult(d *report.RunResult, o options.Write) resultDoc {
	if o.Format != report.FormatJSON {
		return nil
	}
	return docFunc(func(code int, err error) any { return d.Complete(code, errorMessage(err)) })
}

// errorMessage is the error a result document carries: none for an outcome
// that prints nothing.
func errorMessage(err error) string {
	if silent(err) {
		return ""
	}
	return err.Error()
}
