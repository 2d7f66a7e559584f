package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"gopkg.in/yaml.v3"
)

// ExportedConnection is a connection whose live SCIM configuration an export
// writes, with what Deploy CLI and Terraform files name it by.
type ExportedConnection struct {
	scim.Connection
	Config scim.Config
}

// ExportConnections is ExportEntries for the formats that need the
// connection itself (Deploy CLI files name and type it, Terraform needs its
// id and a name): the same connections, left out for the same reasons,
// in the same order.
func ExportConnections(conns []*scim.LiveConnection, key Key) ([]ExportedConnection, []Omitted) {
	entries, omitted := ExportEntries(conns, key)
	byKey := make(map[string]*scim.LiveConnection, len(conns))
	for _, lc := range conns {
		if lc.Config != nil {
			byKey[lc.ID] = lc
			if key == KeyByName {
				byKey[lc.Name] = lc
			}
		}
	}
	out := make([]ExportedConnection, 0, len(entries))
	for _, e := range entries {
		lc := byKey[e.ConnectionID]
		if key == KeyByName {
			lc = byKey[e.ConnectionName]
		}
		out = append(out, ExportedConnection{Connection: lc.Connection, Config: *lc.Config.Clone()})
	}
	return out, omitted
}

// deployConn is a connection as the Deploy CLI writes it, limited to what
// scim-migrate owns: the Deploy CLI matches by name, needs the strategy to
// know a SCIM connection, and reads scim_configuration as its API answers it.
type deployConn struct {
	Name     string           `yaml:"name" json:"name"`
	Strategy string           `yaml:"strategy,omitempty" json:"strategy,omitempty"`
	SCIM     deploySCIMConfig `yaml:"scim_configuration" json:"scim_configuration"`
}

type deploySCIMConfig struct {
	Mapping         []deployPairOut `yaml:"mapping" json:"mapping"`
	UserIDAttribute string          `yaml:"user_id_attribute" json:"user_id_attribute"`
}

type deployPairOut struct {
	SCIM  string `yaml:"scim" json:"scim"`
	Auth0 string `yaml:"auth0" json:"auth0"`
}

func deployConnOf(c *ExportedConnection) deployConn {
	pairs := make([]deployPairOut, len(c.Config.Mapping))
	for i, p := range c.Config.Mapping {
		pairs[i] = deployPairOut(p)
	}
	return deployConn{Name: c.Name, Strategy: c.Strategy, SCIM: deploySCIMConfig{Mapping: pairs, UserIDAttribute: c.Config.UserIDAttribute}}
}

// WriteDeployCLIYAML writes conns as a Deploy CLI YAML file (a tenant.yaml
// holding only connections), which ParseDeployCLIYAML reads back to the
// same configurations and the Deploy CLI imports.
func WriteDeployCLIYAML(w io.Writer, conns []ExportedConnection) error {
	doc := struct {
		Connections []deployConn `yaml:"connections"`
	}{Connections: make([]deployConn, len(conns))}
	for i := range conns {
		doc.Connections[i] = deployConnOf(&conns[i])
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write Deploy CLI YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write Deploy CLI YAML: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write Deploy CLI YAML: %w", err)
	}
	return nil
}

// DeployFile is one file of a Deploy CLI directory export: its path under
// the directory (connections/<name>.json) and its content.
type DeployFile struct {
	Path string
	Data []byte
}

// DeployCLIFiles lays conns out as a Deploy CLI directory export, one file
// per connection named as the Deploy CLI names it (see DeployCLIFileName).
// Two connections whose names give the same file name cannot both be
// written: the later ones are returned as omitted, with the reason.
func DeployCLIFiles(conns []ExportedConnection) ([]DeployFile, []Omitted) {
	var (
		files   []DeployFile
		omitted []Omitted
		taken   = map[string]string{}
	)
	for i := range conns {
		c := &conns[i]
		file := DeployCLIConnectionsDir + "/" + DeployCLIFileName(c.Name) + ".json"
		if other, dup := taken[strings.ToLower(file)]; dup {
			omitted = append(omitted, Omitted{Connection: c.Connection,
				Reason: fmt.Sprintf("its file name %s is also that of connection %q", file, other)})
			continue
		}
		taken[strings.ToLower(file)] = c.Name
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(deployConnOf(c)) // strings and slices cannot fail to encode
		files = append(files, DeployFile{Path: file, Data: b.Bytes()})
	}
	return files, omitted
}

// IsOwnDeployFile reports whether data is a connection file holding nothing
// but what an export writes (name, strategy, scim_configuration, and an id):
// such a file may be overwritten by the next export, while a file holding a
// connection's options belongs to the Deploy CLI's user and is not.
func IsOwnDeployFile(data []byte) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return false
	}
	for k := range obj {
		switch k {
		case "name", "strategy", "scim_configuration", "id":
		default:
			return false
		}
	}
	return true
}

// Characters the Deploy CLI's file names cannot hold. It names a
// connection's file with the sanitize-filename package (replacement "-"),
// whose rules these are: characters illegal on some file system, control
// characters, names made of dots only, Windows' reserved device names,
// trailing dots and spaces, and a length of at most 255 UTF-8 bytes.
var (
	fileIllegal         = regexp.MustCompile(`[/?<>\\:*|"]`)
	fileControl         = regexp.MustCompile("[\u0000-\u001f\u0080-\u009f]")
	fileDotsOnly        = regexp.MustCompile(`^\.+$`)
	fileWindowsReserved = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$`)
)

// DeployCLIFileName is the base name (without .json) the Deploy CLI gives a
// connection's file: sanitize-filename with "-" as replacement, then again
// with "" (as that package does whenever a replacement is given), and
// "undefined" for an empty name.
func DeployCLIFileName(name string) string {
	if name == "" {
		return "undefined"
	}
	return sanitizeFileName(sanitizeFileName(name, "-"), "")
}

func sanitizeFileName(s, replacement string) string {
	s = fileIllegal.ReplaceAllLiteralString(s, replacement)
	s = fileControl.ReplaceAllLiteralString(s, replacement)
	s = fileDotsOnly.ReplaceAllLiteralString(s, replacement)
	s = fileWindowsReserved.ReplaceAllLiteralString(s, replacement)
	if t := strings.TrimRight(s, ". "); len(t) < len(s) {
		s = t + replacement
	}
	return truncateUTF8(s, 255)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := 0
	for i, r := range s {
		if i+utf8.RuneLen(r) > n {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	return s[:end]
}
