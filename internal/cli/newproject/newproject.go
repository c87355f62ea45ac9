// Package newproject implements `gochalice new-project`: a project that
// builds at once, with .chalice/config.json, a README and a hello app.
package newproject

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/template"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/internal/cli"
	"github.com/gochalice/chalice/internal/report"
	"github.com/spf13/cobra"
)

//go:embed all:templates
var templates embed.FS

// ProjectTypes are the templates new-project offers.
var ProjectTypes = []string{"rest-api", "lambda-only", "s3-event", "websocket", "web", "cdk-ddb", "dynamodb"}

// cdkType is the two-module layout (runtime/ app + infrastructure/ CDK
// app) of Chalice's cdk-ddb template.
const cdkType = "cdk-ddb"

// LibraryDirEnv overrides where the gochalice library source is (used for
// the go.mod replace directive).
const LibraryDirEnv = "GOCHALICE_LIBRARY_DIR"

// Options are the flags and dependencies of new-project.
type Options struct {
	IO          cli.IO
	Report      report.Reporter // progress; nil: IO.ErrOut
	Dir         string          // parent directory (the project dir flag or CWD)
	Name        string
	ProjectType string
	LibraryDir  string // checkout of github.com/gochalice/chalice
	SkipTidy    bool
}

const long = `Create the project NAME in a new directory NAME: a main.go of the chosen
type, .chalice/config.json with a dev stage, a go.mod that uses this
checkout of the gochalice library, a README and a .gitignore. The
project builds at once: its requirements are resolved before the
directory appears, and a failure leaves nothing behind.

Project types: rest-api (the default), lambda-only, s3-event, websocket,
web (a starter site: pages, static files, a form), cdk-ddb (the app
plus a CDK app that deploys it with a DynamoDB table) and dynamodb (a
CRUD API on a table the app declares, with a handler for its stream).`

const example = `  gochalice new-project hello
  gochalice new-project -t websocket chat
  gochalice --project-dir ~/src new-project -t web site`

// NewCmdNewProject returns the new-project command; runF, when set,
// receives the parsed options instead of Run (tests).
func NewCmdNewProject(f *cli.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:     "new-project NAME",
		Short:   "Create a new gochalice project",
		Long:    long,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := check(opts); err != nil {
				return cli.FlagErrorWrap(err)
			}
			dir, err := f.ProjectPath()
			if err != nil {
				return err
			}
			opts.IO, opts.Report, opts.Dir = f.IO, f.Reporter(), dir
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.ProjectType, "project-type", "t", "rest-api", "Project type: "+strings.Join(ProjectTypes, ", "))
	return cmd
}

// check refuses a name or project type new-project cannot use.
func check(o *Options) error {
	if !nameRE.MatchString(o.Name) {
		return fmt.Errorf("invalid project name %q: use letters, digits, '-' and '_' (it becomes the app name in every resource name)", o.Name)
	}
	if !slices.Contains(ProjectTypes, o.ProjectType) {
		return fmt.Errorf("unknown --project-type %q (valid: %s)", o.ProjectType, strings.Join(ProjectTypes, ", "))
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

type data struct {
	AppName     string
	Version     string
	ProjectType string
	LibraryDir  string
}

// Run creates the project.
func Run(ctx context.Context, o *Options) error {
	if err := check(o); err != nil {
		return err
	}
	target := filepath.Join(o.Dir, o.Name)
	if _, err := os.Stat(target); err == nil {
		return cli.Abort(fmt.Errorf("Directory already exists: %s", o.Name))
	}
	lib := o.LibraryDir
	if lib == "" {
		var err error
		if lib, err = libraryDir(); err != nil {
			return err
		}
	}
	files, err := render(o, lib)
	if err != nil {
		return err
	}
	// Write into a temporary sibling and rename, so a failure leaves nothing.
	tmp, err := os.MkdirTemp(o.Dir, "."+o.Name+"-new-")
	if err != nil {
		return fmt.Errorf("creating project directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	for name, content := range files {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", name, err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if !o.SkipTidy {
		dirs := []string{tmp}
		if o.ProjectType == cdkType {
			dirs = []string{filepath.Join(tmp, "runtime"), filepath.Join(tmp, "infrastructure")}
			const msg = "Resolving the runtime and infrastructure modules (the CDK libraries are large; the first time takes a while)."
			if o.Report != nil {
				o.Report.Info(msg)
			} else if o.IO.ErrOut != nil {
				fmt.Fprintln(o.IO.ErrOut, msg)
			}
		}
		for _, d := range dirs {
			if err := tidy(ctx, d); err != nil {
				return err
			}
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("creating %s: %w", target, err)
	}
	fmt.Fprintf(o.IO.Out, "Your project has been generated in ./%s\n", o.Name)
	return nil
}

func render(o *Options, lib string) (map[string][]byte, error) {
	d := data{AppName: o.Name, Version: chalice.Version, ProjectType: o.ProjectType, LibraryDir: lib}
	files := map[string][]byte{}
	sub, err := fs.Sub(templates, "templates/"+o.ProjectType)
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(sub, ".", func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(path, ".tmpl") {
			files[outputName(path)] = raw // copied as is (site templates, images)
			return nil
		}
		t, err := template.New(path).Parse(string(raw))
		if err != nil {
			return fmt.Errorf("template %s: %w", path, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, d); err != nil {
			return fmt.Errorf("template %s: %w", path, err)
		}
		files[outputName(path)] = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.ProjectType == cdkType {
		return files, nil // the template carries its own go.mod files, config and README
	}
	files[".chalice/config.json"] = []byte(fmt.Sprintf(`{
  "version": "2.0",
  "app_name": %q,
  "stages": {
    "dev": {
      "api_gateway_stage": "api"
    }
  }
}
`, o.Name))
	files[".gitignore"] = []byte(".chalice/deployments/\n.chalice/build/\n/bootstrap\n")
	if _, ok := files["go.mod"]; !ok { // a template may pin requirements of its own
		files["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\n"+
			"// The gochalice library is used from this checkout (it is not published).\nreplace github.com/gochalice/chalice => %s\n", o.Name, lib))
	}
	if _, ok := files["README.md"]; !ok { // a template may bring its own
		files["README.md"] = []byte(fmt.Sprintf("# %s\n\nA gochalice app (%s).\n\n"+
			"- `gochalice local` serves it on http://127.0.0.1:8000 (rebuilding on every change).\n"+
			"- `go test ./...` runs its tests.\n"+
			"- `.chalice/config.json` holds its stages and per-function settings.\n", o.Name, o.ProjectType))
	}
	return files, nil
}

// outputName drops ".tmpl" and turns a "dot-" prefix of a path element
// into "." (go:embed leaves out files whose names start with a dot).
func outputName(path string) string {
	parts := strings.Split(strings.TrimSuffix(path, ".tmpl"), "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "dot-") {
			parts[i] = "." + strings.TrimPrefix(p, "dot-")
		}
	}
	return strings.Join(parts, "/")
}

// libraryDir finds the gochalice library checkout this CLI was built from.
func libraryDir() (string, error) {
	if d := os.Getenv(LibraryDirEnv); d != "" {
		return filepath.Abs(d)
	}
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		// file is <lib>/internal/cli/newproject/newproject.go
		d := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/gochalice/chalice\n")) {
			return d, nil
		}
	}
	return "", errors.New("cannot find the gochalice library source this CLI was built from (it was built with -trimpath?): set " + LibraryDirEnv + " to a checkout of github.com/gochalice/chalice")
}

// tidy resolves the new module's requirements, offline first (the module
// cache usually has everything the library needs).
func tidy(ctx context.Context, dir string) error {
	run := func(env ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "go", "mod", "tidy")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		return cmd.CombinedOutput()
	}
	if _, err := run("GOFLAGS=-mod=mod", "GOPROXY=off"); err == nil {
		return nil
	}
	if out, err := run(); err != nil {
		return fmt.Errorf("go mod tidy in the new project failed: %w\n%s", err, out)
	}
	return nil
}
