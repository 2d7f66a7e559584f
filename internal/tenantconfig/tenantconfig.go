// Package tenantconfig owns the named-tenants file: which tenants a user
// works with (domain, client id, audience) and where each one's client
// secret comes from (an environment variable's name, or a command whose
// output is the secret, as aws credential_process does). The file never
// holds a secret: a client_secret key is refused.
package tenantconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// FileName is the config file's name in the user's config directory
// (os.UserConfigDir: $XDG_CONFIG_HOME or ~/.config on Linux).
const FileName = "scim-migrate/tenants.yaml"

// maxFileBytes caps the file: a few tenants are a few hundred bytes.
const maxFileBytes = 1 << 20

// CommandTimeout bounds a client_secret_command.
const CommandTimeout = 30 * time.Second

// Tenant is one named tenant.
type Tenant struct {
	Name     string `yaml:"-"`
	Domain   string `yaml:"domain"`
	ClientID string `yaml:"client_id"`
	Audience string `yaml:"audience"`
	// ClientSecretEnv names the environment variable holding the secret.
	ClientSecretEnv string `yaml:"client_secret_env"`
	// ClientSecretCommand is a command (program and arguments, no shell)
	// whose standard output is the secret.
	ClientSecretCommand []string `yaml:"client_secret_command"`
	// APITokenEnv names an environment variable holding a Management API
	// token, used instead of client credentials.
	APITokenEnv string `yaml:"api_token_env"`
}

// File is the parsed config file.
type File struct {
	Path    string
	Tenants map[string]*Tenant
}

// DefaultPath is the config file in the user's config directory.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user's config directory for the tenants file (give --config): %w", err)
	}
	return filepath.Join(dir, filepath.FromSlash(FileName)), nil
}

// Load reads and checks the config file at path.
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read the tenants file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read the tenants file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the tenants file: %w", err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("the tenants file %s is larger than %d bytes: is it the right file?", path, maxFileBytes)
	}
	file, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if err := checkMode(path, fi.Mode(), file); err != nil {
		return nil, err
	}
	return file, nil
}

// Parse reads a config file's content. Unknown keys are refused (a typo
// would otherwise drop a setting silently), and so is any key that would
// hold a secret itself.
func Parse(path string, data []byte) (*File, error) {
	var raw struct {
		Tenants map[string]yaml.Node `yaml:"tenants"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	file := &File{Path: path, Tenants: map[string]*Tenant{}}
	for name, node := range raw.Tenants {
		t, err := parseTenant(path, name, &node)
		if err != nil {
			return nil, err
		}
		file.Tenants[name] = t
	}
	return file, nil
}

// secretKeys are keys people might write a secret under.
var secretKeys = []string{"client_secret", "secret", "api_token", "token", "password"}

func parseTenant(path, name string, node *yaml.Node) (*Tenant, error) {
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if k := node.Content[i]; slices.Contains(secretKeys, k.Value) {
				return nil, fmt.Errorf("%s:%d: tenant %q: %s would hold a secret, which this file never does: name an environment variable (client_secret_env) or a command (client_secret_command) instead",
					path, k.Line, name, k.Value)
			}
		}
	}
	t := &Tenant{Name: name}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(node); err != nil {
		return nil, fmt.Errorf("%s: tenant %q: %w", path, name, err)
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(t); err != nil {
		return nil, fmt.Errorf("%s:%d: tenant %q: %w", path, node.Line, name, err)
	}
	switch {
	case t.Domain == "":
		return nil, fmt.Errorf("%s:%d: tenant %q has no domain", path, node.Line, name)
	case t.ClientSecretEnv != "" && len(t.ClientSecretCommand) > 0:
		return nil, fmt.Errorf("%s:%d: tenant %q: give client_secret_env or client_secret_command, not both", path, node.Line, name)
	}
	return t, nil
}

// sensitive reports whether the file says anything an attacker could use:
// a client id, or a command that is run to get a secret (and that a
// writable file would let anyone change).
func (f *File) sensitive() bool {
	for _, t := range f.Tenants {
		if t.ClientID != "" || len(t.ClientSecretCommand) > 0 {
			return true
		}
	}
	return false
}

// checkMode refuses a file that others can read or write when it holds
// anything sensitive, as ssh does for its keys. Windows has no such mode
// bits; its ACLs are left to the user.
func checkMode(path string, mode os.FileMode, f *File) error {
	if runtime.GOOS == "windows" || mode.Perm()&0o077 == 0 || !f.sensitive() {
		return nil
	}
	return fmt.Errorf("the tenants file %s has mode %04o: it names client ids or secret commands, so only its owner may read or write it (chmod 600 %s)",
		path, mode.Perm(), path)
}

// Lookup returns the named tenant, or an error naming the known ones.
func (f *File) Lookup(name string) (*Tenant, error) {
	if t, ok := f.Tenants[name]; ok {
		return t, nil
	}
	names := make([]string, 0, len(f.Tenants))
	for n := range f.Tenants {
		names = append(names, n)
	}
	sort.Strings(names)
	known := "it names no tenant"
	if len(names) > 0 {
		known = "it names " + strings.Join(names, ", ")
	}
	return nil, fmt.Errorf("no tenant %q in %s: %s", name, f.Path, known)
}

// Secret returns the tenant's client secret from where the file says it
// comes from, or "" when it says nothing. getenv reads the environment.
// The command's output is never part of an error message.
func (t *Tenant) Secret(ctx context.Context, getenv func(string) string) (string, error) {
	switch {
	case t.ClientSecretEnv != "":
		s := getenv(t.ClientSecretEnv)
		if s == "" {
			return "", fmt.Errorf("tenant %q: its client secret comes from the environment variable %s, which is empty", t.Name, t.ClientSecretEnv)
		}
		return s, nil
	case len(t.ClientSecretCommand) > 0:
		return t.runCommand(ctx)
	}
	return "", nil
}

func (t *Tenant) runCommand(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.ClientSecretCommand[0], t.ClientSecretCommand[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr // the command's prompts and errors are the user's to see
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tenant %q: client_secret_command %s failed: %w", t.Name, t.ClientSecretCommand[0], err)
	}
	s := strings.TrimSpace(out.String())
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("tenant %q: client_secret_command %s must print the secret alone, on one line", t.Name, t.ClientSecretCommand[0])
	}
	return s, nil
}
