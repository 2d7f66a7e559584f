package execute

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// ForEach calls fn for 0..n-1 with at most concurrency calls at once. The
// first error cancels the calls not yet started and is returned; fn should
// return an error only for what must stop everything.
func ForEach(ctx context.Context, n, concurrency int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(concurrency, 1))
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			// The slot may have been freed by the call that stopped
			// everything: then nothing more starts.
			if gctx.Err() != nil {
				return nil
			}
			return fn(gctx, i)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
