// Package appbuild compiles a gochalice project's app binary and asks it
// for its manifest, as Chalice imports app.py: the binary is the source of
// truth for what the app contains.
package appbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gochalice/chalice/manifest"
)

// Target is the platform to build for.
type Target struct {
	GOOS, GOARCH string
}

// Host is this machine.
func Host() Target { return Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH} }

// Lambda returns the Lambda target for an architecture ("arm64" default,
// or "x86_64").
func Lambda(architecture string) (Target, error) {
	switch architecture {
	case "", "arm64":
		return Target{GOOS: "linux", GOARCH: "arm64"}, nil
	case "x86_64":
		return Target{GOOS: "linux", GOARCH: "amd64"}, nil
	}
	return Target{}, fmt.Errorf("lambda_architecture %q must be arm64 or x86_64", architecture)
}

// Options configure Build.
type Options struct {
	ProjectDir string // the Go package of the app (main package)
	Output     string // binary path
	Target     Target
	// Release strips symbols and paths (-trimpath -ldflags "-s -w") for
	// deployment; local builds keep them for readable stack traces.
	Release bool
	Env     []string // extra environment for the go tool
}

// CompileError is a build failure with the compiler's output.
type CompileError struct {
	Dir    string
	Output string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("building the app in %s failed:\n%s", e.Dir, strings.TrimRight(e.Output, "\n"))
}

// Build compiles the app with `go build -tags lambda.norpc` and returns
// the binary's path.
func Build(ctx context.Context, opts Options) (string, error) {
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return "", fmt.Errorf("appbuild: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		if _, err2 := findGoMod(dir); err2 != nil {
			return "", fmt.Errorf("appbuild: %s is not inside a Go module (no go.mod): a gochalice project is a Go main package", dir)
		}
	}
	out, err := filepath.Abs(opts.Output)
	if err != nil {
		return "", fmt.Errorf("appbuild: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("appbuild: creating output directory: %w", err)
	}
	// -mod=mod lets the build record requirements the library gained since
	// the project was created (projects use the library through a replace).
	// nodynamic keeps github.com/gen2brain/webp (used by package web) pure
	// Go and the binary static.
	args := []string{"build", "-mod=mod", "-tags", "lambda.norpc,nodynamic", "-o", out}
	if opts.Release {
		args = append(args, "-trimpath", "-ldflags", "-s -w", "-buildvcs=false")
	}
	args = append(args, ".")
	slog.DebugContext(ctx, "building the app", "dir", dir, "goos", opts.Target.GOOS, "goarch", opts.Target.GOARCH, "cmd", "go "+strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	t := opts.Target
	if t.GOOS == "" {
		t = Host()
	}
	cmd.Env = append(os.Environ(), "GOOS="+t.GOOS, "GOARCH="+t.GOARCH, "CGO_ENABLED=0")
	cmd.Env = append(cmd.Env, opts.Env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", &CompileError{Dir: dir, Output: buf.String()}
		}
		return "", fmt.Errorf("appbuild: running go build: %w", err)
	}
	return out, nil
}

func findGoMod(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", os.ErrNotExist
		}
		d = parent
	}
}

// DefinitionError is the app's own list of definition mistakes (exit 3).
type DefinitionError struct {
	Binary string
	Output string
}

func (e *DefinitionError) Error() string { return strings.TrimRight(e.Output, "\n") }

// ReadManifest runs binary (built for this machine) in manifest mode.
func ReadManifest(ctx context.Context, binary string) (*manifest.Manifest, error) {
	slog.DebugContext(ctx, "reading the manifest", "binary", binary, "env", manifest.EnvVar+"=1")
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), manifest.EnvVar+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		return nil, &DefinitionError{Binary: binary, Output: stderr.String()}
	case err != nil:
		return nil, fmt.Errorf("running %s in manifest mode: %w\n%s", binary, err, strings.TrimSpace(stderr.String()))
	}
	m, err := manifest.Read(&stdout)
	if err != nil {
		return nil, fmt.Errorf("reading the manifest of %s: %w (is main() calling app.Run()?)", binary, err)
	}
	return m, nil
}
