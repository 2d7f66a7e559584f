package main

// Keeps the release files honest: .goreleaser.yaml, the Makefile's dist
// target, LICENSE, the Dockerfile and the Kubernetes example are checked
// statically against the code (no network, no goreleaser, no docker).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/app"
	"gopkg.in/yaml.v3"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// goreleaserConfig is the part of .goreleaser.yaml (schema version 2) that
// the release depends on.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		Files []struct {
			Src string `yaml:"src"`
		} `yaml:"files"`
	} `yaml:"archives"`
	Before struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Checksum struct {
		Algorithm string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Release struct {
		Disable bool `yaml:"disable"`
	} `yaml:"release"`
}

func TestGoreleaserConfig(t *testing.T) {
	var c goreleaserConfig
	if err := yaml.Unmarshal([]byte(readFile(t, ".goreleaser.yaml")), &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if c.Version != 2 {
		t.Errorf("version = %d, want 2 (the schema of goreleaser v2, which make dist pins)", c.Version)
	}
	if c.ProjectName != "scim-migrate" {
		t.Errorf("project_name = %q, want scim-migrate (archive names start with it)", c.ProjectName)
	}
	if len(c.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Binary != "scim-migrate" || (b.Main != "." && b.Main != "") {
		t.Errorf("build: binary %q from %q, want scim-migrate from .", b.Binary, b.Main)
	}
	for _, want := range []struct {
		name      string
		got, want []string
	}{
		{"goos", b.Goos, []string{"darwin", "linux", "windows"}},
		{"goarch", b.Goarch, []string{"amd64", "arm64"}},
	} {
		got := slices.Sorted(slices.Values(want.got))
		if !slices.Equal(got, want.want) {
			t.Errorf("build %s = %q, want %q", want.name, got, want.want)
		}
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %q lacks CGO_ENABLED=0 (static binaries)", b.Env)
	}
	if !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build flags %q lack -trimpath", b.Flags)
	}
	ldflags := strings.Join(b.Ldflags, " ")
	for _, want := range []string{"-s", "-w"} {
		if !slices.Contains(strings.Fields(ldflags), want) {
			t.Errorf("build ldflags %q lack %s", ldflags, want)
		}
	}
	if !strings.Contains(ldflags, "-X main.version={{.Version}}") {
		t.Errorf("build ldflags %q do not set main.version to {{.Version}}", ldflags)
	}

	if len(c.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(c.Archives))
	}
	a := c.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("archive formats = %q, want [tar.gz]", a.Formats)
	}
	if len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive format_overrides = %+v, want zip on windows only", a.FormatOverrides)
	}
	var files []string
	for _, f := range a.Files {
		files = append(files, f.Src)
	}
	for _, f := range []string{"LICENSE", "README.md"} {
		if !slices.Contains(files, f) {
			t.Errorf("archive files %q lack %s", files, f)
		}
		if _, err := os.Stat(f); err != nil {
			t.Errorf("archived file: %v", err)
		}
	}
	if !slices.Contains(files, manPage) || !strings.Contains(strings.Join(c.Before.Hooks, "\n"), "go run . man > "+manPage) {
		t.Errorf("archive files %q: the manual page %s is not rendered by a before hook and shipped", files, manPage)
	}
	if c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum algorithm = %q, want sha256", c.Checksum.Algorithm)
	}
	if !c.Release.Disable {
		t.Error("release is not disabled: make dist must publish nothing")
	}
}

// manPage is where make dist renders the manual page that every archive ships.
const manPage = "build/man/scim-migrate.1"

// TestVersionVariable: the -X main.version the release sets must exist,
// as a package-level string variable of main.go, or the linker ignores it.
func TestVersionVariable(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, n := range v.Names {
				if n.Name != "version" {
					continue
				}
				if len(v.Values) > i {
					if lit, ok := v.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						return
					}
				}
				t.Fatal("main.version is not initialised with a string literal; -X main.version needs a string variable")
			}
		}
	}
	t.Fatal("main.go has no package-level var version; the release's -X main.version would be ignored")
}

func TestMakeDistPinsGoreleaser(t *testing.T) {
	mk := readFile(t, "Makefile")
	pin := regexp.MustCompile(`(?m)^GORELEASER\s*:=\s*github\.com/goreleaser/goreleaser/v2@v2\.\d+\.\d+\s*$`)
	if !pin.MatchString(mk) {
		t.Error("Makefile: GORELEASER is not pinned to an exact goreleaser v2 version")
	}
	if !regexp.MustCompile(`(?m)^dist:\n\t\$\(GO\) run \$\(GORELEASER\) release --snapshot --clean$`).MatchString(mk) {
		t.Error("Makefile: the dist target does not run $(GO) run $(GORELEASER) release --snapshot --clean")
	}
	if !slices.Contains(strings.Fields(readFile(t, ".gitignore")), "/dist/") {
		t.Error(".gitignore does not ignore /dist/")
	}
}

func TestLicense(t *testing.T) {
	text := strings.TrimSpace(readFile(t, "LICENSE"))
	lines := strings.Split(text, "\n")
	if len(lines) < 2 || strings.TrimSpace(lines[0]) != "Apache License" || !strings.HasPrefix(strings.TrimSpace(lines[1]), "Version 2.0") {
		t.Errorf("LICENSE does not start with Apache License, Version 2.0")
	}
	for _, want := range []string{"END OF TERMS AND CONDITIONS", "Copyright 2026 The scim-migrate Authors"} {
		if !strings.Contains(text, want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
}

func TestDockerfile(t *testing.T) {
	df := readFile(t, "Dockerfile")
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(readFile(t, "go.mod"))
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	for _, want := range []string{
		"FROM golang:" + goVersion[1] + " AS build", // the Go of go.mod
		"CGO_ENABLED=0 go build -trimpath",
		"-X main.version=",
		"FROM gcr.io/distroless/static-debian12:nonroot",
		"USER nonroot",
		`ENTRYPOINT ["/scim-migrate"]`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	ignored := strings.Fields(readFile(t, ".dockerignore"))
	if !slices.Contains(ignored, ".git") {
		t.Error(".dockerignore does not keep .git out of the build context")
	}
	for _, needed := range []string{"go.mod", "go.sum", "main.go", "internal", "*.go"} {
		if slices.Contains(ignored, needed) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", needed)
		}
	}
}

// pendingFlags are the flags the Kubernetes example uses that the release
// branch's --help does not list yet (in the contract, or being added). Drop
// an entry once the flag is in --help: the test then checks it for real.
var pendingFlags = map[string][]string{}

// helpFlags returns the flags `scim-migrate COMMAND --help` lists.
func helpFlags(t *testing.T, command string) map[string]bool {
	t.Helper()
	var out bytes.Buffer
	code := app.Run(context.Background(), []string{"scim-migrate", command, "--help"},
		app.Streams{In: strings.NewReader(""), Out: &out, Err: &out}, app.Deps{Getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("scim-migrate %s --help: exit %d: %s", command, code, out.String())
	}
	flags := map[string]bool{}
	inOptions := false
	flag := regexp.MustCompile(`^--?[a-z][a-z0-9-]*`)
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(strings.TrimSpace(line), "OPTIONS:") {
			inOptions = true
			continue
		}
		if !inOptions || strings.TrimSpace(line) == "" {
			continue
		}
		// "   --yes, -y   do not ask ...": the names come before the gap.
		names, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
		for _, n := range strings.Split(names, ",") {
			if f := flag.FindString(strings.TrimSpace(n)); f != "" {
				flags[f] = true
			}
		}
	}
	if len(flags) == 0 {
		t.Fatalf("scim-migrate %s --help lists no flags:\n%s", command, out.String())
	}
	return flags
}

// checkCommandLine checks that args (a command, then its flags and values)
// names only flags that command knows.
func checkCommandLine(t *testing.T, where string, args []string, known map[string]map[string]bool) {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no command", where)
		return
	}
	command := args[0]
	if known[command] == nil {
		known[command] = helpFlags(t, command)
		for _, f := range pendingFlags[command] {
			if known[command][f] {
				t.Logf("%s is in scim-migrate %s --help now: drop it from pendingFlags", f, command)
			}
			known[command][f] = true
		}
	}
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			continue // a flag's value
		}
		name, _, _ := strings.Cut(a, "=")
		if !known[command][name] {
			t.Errorf("%s: scim-migrate %s has no flag %s", where, command, name)
		}
	}
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name      string `yaml:"name"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type k8sCronJob struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		Schedule          string `yaml:"schedule"`
		ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
		JobTemplate       struct {
			Spec struct {
				Template struct {
					Spec struct {
						SecurityContext struct {
							RunAsNonRoot bool `yaml:"runAsNonRoot"`
						} `yaml:"securityContext"`
						Containers []k8sContainer `yaml:"containers"`
						Volumes    []struct {
							Name      string         `yaml:"name"`
							ConfigMap map[string]any `yaml:"configMap"`
						} `yaml:"volumes"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

func TestKubernetesCronJob(t *testing.T) {
	const path = "examples/kubernetes/cronjob.yaml"
	text := readFile(t, path)
	dec := yaml.NewDecoder(strings.NewReader(text))
	var cronJobs []k8sCronJob
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		var head struct{ APIVersion, Kind string }
		if err := doc.Decode(&head); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if head.Kind == "" {
			t.Errorf("%s: a document without kind", path)
		}
		if head.Kind == "CronJob" {
			var c k8sCronJob
			if err := doc.Decode(&c); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			cronJobs = append(cronJobs, c)
		}
	}
	if len(cronJobs) != 1 {
		t.Fatalf("%s: %d CronJobs, want 1", path, len(cronJobs))
	}
	c := cronJobs[0]
	if c.APIVersion != "batch/v1" || c.Spec.Schedule == "" || c.Spec.ConcurrencyPolicy != "Forbid" {
		t.Errorf("CronJob: apiVersion %q, schedule %q, concurrencyPolicy %q; want batch/v1, a schedule, Forbid",
			c.APIVersion, c.Spec.Schedule, c.Spec.ConcurrencyPolicy)
	}
	pod := c.Spec.JobTemplate.Spec.Template.Spec
	if !pod.SecurityContext.RunAsNonRoot {
		t.Error("pod securityContext: runAsNonRoot is not true")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	ctr := pod.Containers[0]
	if !ctr.SecurityContext.ReadOnlyRootFilesystem || ctr.SecurityContext.AllowPrivilegeEscalation == nil || *ctr.SecurityContext.AllowPrivilegeEscalation {
		t.Error("container securityContext: want readOnlyRootFilesystem true, allowPrivilegeEscalation false")
	}
	for _, r := range []string{"cpu", "memory"} {
		if ctr.Resources.Requests[r] == "" || ctr.Resources.Limits[r] == "" {
			t.Errorf("container resources: no %s request or limit", r)
		}
	}
	secrets := map[string]bool{}
	for _, e := range ctr.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			secrets[e.Name] = true
		}
	}
	for _, name := range []string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"} {
		if !secrets[name] {
			t.Errorf("env %s does not come from a Secret (secretKeyRef)", name)
		}
	}

	if !slices.Equal(ctr.Command, []string{"/scim-migrate"}) {
		t.Errorf("command = %q, want the image's binary /scim-migrate", ctr.Command)
	}
	known := map[string]map[string]bool{}
	checkCommandLine(t, path+": args", ctr.Args, known)

	// The files it names live where they are mounted: the manifest on a
	// read-only ConfigMap volume, the reports on a writable one.
	mounts := map[string]bool{} // mount path → read-only
	mountVolume := map[string]string{}
	for _, m := range ctr.VolumeMounts {
		mounts[m.MountPath], mountVolume[m.MountPath] = m.ReadOnly, m.Name
	}
	configMaps := map[string]bool{}
	for _, v := range pod.Volumes {
		configMaps[v.Name] = v.ConfigMap != nil
	}
	value := func(flag string) string {
		if i := slices.Index(ctr.Args, flag); i >= 0 && i+1 < len(ctr.Args) {
			return ctr.Args[i+1]
		}
		t.Errorf("args lack %s", flag)
		return ""
	}
	manifestDir := value("-f")
	manifestDir = manifestDir[:max(0, strings.LastIndex(manifestDir, "/"))]
	if !mounts[manifestDir] || !configMaps[mountVolume[manifestDir]] {
		t.Errorf("the manifest's directory %q is not a read-only ConfigMap mount", manifestDir)
	}
	if reports := value("--report-dir"); mounts[reports] || mountVolume[reports] == "" {
		t.Errorf("--report-dir %q is not a writable mount", reports)
	}
	if keep, err := strconv.Atoi(value("--keep")); err != nil || keep < 1 {
		t.Errorf("--keep %q is not a positive count", value("--keep"))
	}

	// Command lines in comments (the audit-only alternative, the rollback
	// hint) must be right too.
	commentArgs := regexp.MustCompile(`^#\s*args:\s*(\[.*\])\s*$`)
	commentLine := regexp.MustCompile(`scim-migrate\s+((?:validate|plan|apply|rollback|export|report)\b.*)$`)
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") {
			continue
		}
		where := path + ":" + strconv.Itoa(i+1)
		if m := commentArgs.FindStringSubmatch(line); m != nil {
			var args []string
			if err := yaml.Unmarshal([]byte(m[1]), &args); err != nil {
				t.Errorf("%s: commented args do not parse: %v", where, err)
				continue
			}
			checkCommandLine(t, where, args, known)
		} else if m := commentLine.FindStringSubmatch(line); m != nil {
			checkCommandLine(t, where, strings.Fields(m[1]), known)
		}
	}
}
