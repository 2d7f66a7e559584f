// Command local-tenant serves an emulated Auth0 tenant on loopback for demos and
// manual tests of scim-migrate:
//
//	go run ./examples/local-tenant [--seed testdata/tenant.json] [--addr 127.0.0.1:0] [--addr-file PATH]
//	    [--env-file PATH] [--plan essentials | --rate 20 --burst 10] [--latency 50ms --token-lifetime 1h]
//	    [--generate N] [--seed-tokens] [--profile bundled|strict|shuffled|no-headers|storm]
//
// Without --seed it serves the demo tenant (demo-seed.json, the same as
// testdata/tenant.json). It prints `local tenant "<name>" listening on
// http://127.0.0.1:PORT`, the environment that points scim-migrate at it (export
// lines: AUTH0_DOMAIN and its first client's credentials, which are the
// emulator's own, not secrets of any real tenant), then one line per SCIM token
// --seed-tokens put on a connection; writes the URL alone to --addr-file and the
// export lines to --env-file when given, and exits cleanly on SIGINT or SIGTERM.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// config holds the parsed flags.
type config struct {
	seed, addr, addrFile string
	envFile              string
	plan                 string
	profile              string
	generate             int
	generateSeed         int64
	seedTokens           bool
	opts                 emulator.Options
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return // --help asked, and was printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "local-tenant:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("local-tenant", flag.ContinueOnError)
	fs.StringVar(&c.seed, "seed", "", "seed file (JSON: tenant_name, clients, tokens, connections); default: the demo tenant")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	fs.StringVar(&c.addrFile, "addr-file", "", "write the base URL to this file once listening")
	fs.StringVar(&c.envFile, "env-file", "", "write the export lines of the environment to this file once listening (for . FILE)")
	fs.Float64Var(&c.opts.Rate, "rate", 0, "Management API requests per second (0: unlimited)")
	fs.IntVar(&c.opts.Burst, "burst", 10, "rate-limit bucket size")
	fs.StringVar(&c.plan, "plan", "", "rate limits of an Auth0 plan instead of --rate and --burst: "+
		strings.Join(emulator.PlanNames(), ", "))
	fs.StringVar(&c.profile, "profile", "bundled", "the choices the tenant makes where Auth0's reference is silent "+
		"(cursors, listing order, page cap, reset, rate-limit headers, token lifetime): "+strings.Join(emulator.ProfileNames(), ", "))
	fs.DurationVar(&c.opts.Latency, "latency", 0, "latency added to every Management API answer")
	fs.DurationVar(&c.opts.TokenLifetime, "token-lifetime", 24*time.Hour, "lifetime of issued access tokens")
	fs.IntVar(&c.generate, "generate", 0, "add N generated connections to the seed")
	fs.Int64Var(&c.generateSeed, "generate-seed", 1, "random seed of --generate")
	fs.Float64Var(&c.opts.Faults.ServerErrorRate, "server-errors", 0, "share of requests answered with a 5xx")
	fs.Float64Var(&c.opts.Faults.DropRate, "drops", 0, "share of requests whose connection is dropped")
	fs.Float64Var(&c.opts.Faults.RateLimitedRate, "rate-limited", 0, "share of requests answered 429")
	fs.BoolVar(&c.seedTokens, "seed-tokens", false, "give the first connections with a SCIM configuration SCIM tokens "+
		"in every state the audit reports: expired, expiring within 30 days, never used, healthy, none (see tokens.go)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.applyPlan(fs); err != nil {
		return c, err
	}
	if err := c.applyProfile(fs); err != nil {
		return c, err
	}
	return c, checkLoopback(c.addr)
}

// applyPlan sets the buckets of --plan, which --rate and --burst would
// contradict.
func (c *config) applyPlan(fs *flag.FlagSet) error {
	if c.plan == "" {
		return nil
	}
	var conflict error
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "rate" || f.Name == "burst" {
			conflict = fmt.Errorf("--plan and --%s cannot be used together", f.Name)
		}
	})
	if conflict != nil {
		return conflict
	}
	buckets, err := emulator.Plan(c.plan)
	if err != nil {
		return fmt.Errorf("--plan: %w", err)
	}
	c.opts.Buckets = buckets
	return nil
}

// applyProfile makes the choices of --profile; a flag given on the command
// line (--token-lifetime, --rate-limited) wins over the profile's choice.
func (c *config) applyProfile(fs *flag.FlagSet) error {
	given := c.opts
	opts, err := emulator.WithProfile(c.profile, c.opts)
	if err != nil {
		return fmt.Errorf("--profile: %w", err)
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "token-lifetime":
			opts.TokenLifetime = given.TokenLifetime
		case "rate-limited":
			opts.Faults.RateLimitedRate = given.Faults.RateLimitedRate
		}
	})
	c.opts = opts
	return nil
}

// checkLoopback refuses to expose the emulator, which accepts any well-formed
// request from its seeded clients, beyond the local machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--addr %q: only loopback addresses are allowed", addr)
	}
	return nil
}

// buildTenant loads the seed and, with --seed-tokens, seeds SCIM tokens; it
// returns a line describing each seeded token.
func buildTenant(c config) (*emulator.Tenant, []string, error) {
	seed, err := loadSeed(c.seed)
	if err != nil {
		return nil, nil, err
	}
	if c.generate > 0 {
		seed.Connections = append(seed.Connections, emulator.Generate(c.generate, c.generateSeed)...)
	}
	t := emulator.New(c.opts)
	if err := t.LoadSeed(seed); err != nil {
		return nil, nil, fmt.Errorf("loading %s: %w", c.seed, err)
	}
	if !c.seedTokens {
		return t, nil, nil
	}
	clock := c.opts.Clock
	if clock == nil {
		clock = time.Now
	}
	lines, err := seedTokens(t, seed.Connections, clock().Truncate(time.Second))
	if err != nil {
		return nil, nil, fmt.Errorf("--seed-tokens: %w", err)
	}
	return t, lines, nil
}

// builtinSeed is the tenant served without --seed: testdata/tenant.json
// (main_test.go keeps the two the same), built in so that the binary serves
// it from any directory.
//
//go:embed demo-seed.json
var builtinSeed []byte

// loadSeed reads the seed file, or the demo tenant's without one.
func loadSeed(path string) (emulator.Seed, error) {
	if path != "" {
		return emulator.LoadSeedFile(path)
	}
	var s emulator.Seed
	dec := json.NewDecoder(bytes.NewReader(builtinSeed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("decoding the demo seed: %w", err)
	}
	return s, nil
}

// exports are the shell lines that point scim-migrate at the tenant: its
// URL and its first client's credentials (the emulator's own).
func exports(url string, clients []emulator.Client) string {
	lines := "export AUTH0_DOMAIN=" + url + "\n"
	if len(clients) > 0 {
		lines += "export AUTH0_CLIENT_ID=" + shellWord(clients[0].ID) + "\n" +
			"export AUTH0_CLIENT_SECRET=" + shellWord(clients[0].Secret) + "\n"
	}
	return lines
}

// shellWord quotes a value for a POSIX shell.
func shellWord(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	tenant, tokenLines, err := buildTenant(c)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if c.addrFile != "" {
		if err := writeAtomically(c.addrFile, url); err != nil {
			ln.Close()
			return err
		}
		defer os.Remove(c.addrFile)
	}
	seed, err := loadSeed(c.seed)
	if err != nil {
		ln.Close()
		return err
	}
	env := exports(url, seed.Clients)
	if c.envFile != "" {
		if err := writeAtomically(c.envFile, env); err != nil {
			ln.Close()
			return err
		}
		defer os.Remove(c.envFile)
	}
	fmt.Fprintf(stdout, "local tenant %q listening on %s\nTo use it, export:\n%s", tenant.TenantName(), url, env)
	for _, line := range tokenLines {
		fmt.Fprintln(stdout, line)
	}
	srv := &http.Server{Handler: tenant.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// writeAtomically writes through a temporary file and a rename, so that a script
// polling for the file never reads a partial URL.
func writeAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
