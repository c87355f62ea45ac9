package policygen

import (
	"context"
	"errors"
	"fmt"
	"go/types"
	"os"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// ErrNoPackage is wrapped by the error Analyze returns when dir holds no Go
// package.
var ErrNoPackage = errors.New("no Go package")

const (
	sdkServicePrefix = "github.com/aws/aws-sdk-go-v2/service/"

	// listMode finds the app's packages: names, files, imports and modules
	// of the whole import graph, without type-checking anything.
	listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
		packages.NeedDeps | packages.NeedModule

	// checkMode type-checks the app's own packages from source; everything
	// they import (the SDK, other modules, the standard library) is read
	// from compiler export data.
	checkMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
		packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo |
		packages.NeedModule
)

// Analyze loads the Go package in dir (the app's main package, with its
// module's dependencies) with golang.org/x/tools/go/packages + go/types and
// returns the sorted, de-duplicated IAM actions its code can call through
// aws-sdk-go-v2 service clients, e.g.
// ["dynamodb:DeleteItem","dynamodb:GetItem","dynamodb:PutItem"].
//
// The package in dir and every package it imports, directly or not, that
// belongs to the same module are analysed; packages of other modules
// (including the SDK itself) are not. See the package documentation for
// what is and is not detected.
func Analyze(ctx context.Context, dir string) ([]string, error) {
	pkgs, err := loadApp(ctx, dir)
	if err != nil {
		return nil, err
	}
	a := newAnalyzer(pkgs)
	for _, p := range pkgs {
		a.analyzePackage(p)
	}
	return a.result(), nil
}

// loadApp returns the type-checked packages of the app rooted at dir.
func loadApp(ctx context.Context, dir string) ([]*packages.Package, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policygen: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("policygen: %s is not a directory", dir)
	}

	// Pass 1: the import graph, to find which packages belong to the app.
	listed, err := packages.Load(loadConfig(ctx, dir, listMode), ".")
	if err != nil {
		return nil, fmt.Errorf("policygen: loading %s: %w", dir, err)
	}
	if len(listed) != 1 {
		return nil, fmt.Errorf("policygen: %s: %w (go list found %d packages)", dir, ErrNoPackage, len(listed))
	}
	root := listed[0]
	if len(root.GoFiles) == 0 && len(root.CompiledGoFiles) == 0 {
		msg := "no Go files"
		if len(root.Errors) > 0 {
			msg = root.Errors[0].Msg
		}
		return nil, fmt.Errorf("policygen: %s: %w: %s", dir, ErrNoPackage, msg)
	}
	if len(root.Errors) > 0 {
		return nil, fmt.Errorf("policygen: %s", formatError(root.Errors[0]))
	}
	if root.Module == nil {
		return nil, fmt.Errorf("policygen: %s: package %s is not in a Go module", dir, root.PkgPath)
	}
	modPath := root.Module.Path
	inApp := map[string]bool{root.PkgPath: true}
	var walk func(*packages.Package)
	walk = func(p *packages.Package) {
		for _, imp := range p.Imports {
			if inApp[imp.PkgPath] || imp.Module == nil || imp.Module.Path != modPath {
				continue
			}
			inApp[imp.PkgPath] = true
			walk(imp)
		}
	}
	walk(root)
	paths := make([]string, 0, len(inApp))
	for p := range inApp {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	// Pass 2: type-check those packages from source.
	pkgs, err := packages.Load(loadConfig(ctx, dir, checkMode), paths...)
	if err != nil {
		return nil, fmt.Errorf("policygen: loading %s: %w", dir, err)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].PkgPath < pkgs[j].PkgPath })
	for _, p := range pkgs {
		if err := firstError(p); err != nil {
			return nil, err
		}
	}
	return pkgs, nil
}

// loadConfig selects files as the Lambda build does (internal/appbuild:
// GOOS=linux, CGO_ENABLED=0, -tags lambda.norpc), so that files behind
// build constraints are analysed exactly when they are deployed. GOARCH is
// left as it is: architecture-specific files are rare in apps. Like the
// build, it resolves modules with -mod=mod, so an app whose go.mod does
// not list every requirement yet (before go mod tidy) is analysed as it
// would be built, the go tool recording the missing requirements.
func loadConfig(ctx context.Context, dir string, mode packages.LoadMode) *packages.Config {
	return &packages.Config{
		Mode:       mode,
		Context:    ctx,
		Dir:        dir,
		Env:        append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0"),
		BuildFlags: []string{"-mod=mod", "-tags=lambda.norpc"},
		Tests:      false,
	}
}

// firstError reports the first problem of p: its first type error by
// position (the order the compiler prints them in), else its first
// listing or parse error.
func firstError(p *packages.Package) error {
	if len(p.TypeErrors) > 0 {
		terrs := slices.Clone(p.TypeErrors)
		sort.SliceStable(terrs, func(i, j int) bool {
			a, b := terrs[i].Fset.Position(terrs[i].Pos), terrs[j].Fset.Position(terrs[j].Pos)
			if a.Filename != b.Filename {
				return a.Filename < b.Filename
			}
			return a.Offset < b.Offset
		})
		e := terrs[0]
		return fmt.Errorf("policygen: %s: %s: %s", p.PkgPath, e.Fset.Position(e.Pos), e.Msg)
	}
	if len(p.Errors) > 0 {
		return fmt.Errorf("policygen: %s: %s", p.PkgPath, formatError(p.Errors[0]))
	}
	if p.Types == nil || p.TypesInfo == nil {
		return fmt.Errorf("policygen: %s: package was not type-checked", p.PkgPath)
	}
	return nil
}

func formatError(e packages.Error) string {
	if e.Pos == "" || e.Pos == "-" {
		return e.Msg
	}
	return e.Pos + ": " + e.Msg
}

// sdkService returns the service name of an aws-sdk-go-v2 service package
// path ("github.com/aws/aws-sdk-go-v2/service/dynamodb" -> "dynamodb").
// Sub-packages (service/s3/types) and service/internal/... are not service
// packages.
func sdkService(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, sdkServicePrefix)
	if !ok || rest == "" || rest == "internal" || strings.Contains(rest, "/") {
		return "", false
	}
	return rest, true
}

// sdkOperation reports whether fn is an API operation method of an SDK
// service client: a method on *Client (or on *PresignClient, whose
// Presign<Op> methods sign a request for <Op> with the function's
// credentials) declared in github.com/aws/aws-sdk-go-v2/service/<svc>,
// with the shape
//
//	func (c *Client) Op(ctx context.Context, params *OpInput, optFns ...func(*Options)) (*OpOutput, error)
//
// Helper methods such as (*Client).Options are not operations.
func sdkOperation(fn *types.Func) (svc, op string, ok bool) {
	if fn.Pkg() == nil || !fn.Exported() {
		return "", "", false
	}
	svc, ok = sdkService(fn.Pkg().Path())
	if !ok {
		return "", "", false
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return "", "", false
	}
	ptr, isPtr := types.Unalias(sig.Recv().Type()).(*types.Pointer)
	if !isPtr {
		return "", "", false
	}
	recv, _ := types.Unalias(ptr.Elem()).(*types.Named)
	if recv == nil || recv.Obj().Pkg() != fn.Pkg() {
		return "", "", false
	}
	op = fn.Name()
	switch recv.Obj().Name() {
	case "Client":
	case "PresignClient":
		op, ok = strings.CutPrefix(op, "Presign")
		if !ok || op == "" {
			return "", "", false
		}
	default:
		return "", "", false
	}
	params := sig.Params()
	if params.Len() < 2 || !isContext(params.At(0).Type()) {
		return "", "", false
	}
	in, _ := types.Unalias(params.At(1).Type()).(*types.Pointer)
	if in == nil {
		return "", "", false
	}
	inNamed, _ := types.Unalias(in.Elem()).(*types.Named)
	if inNamed == nil || inNamed.Obj().Pkg() != fn.Pkg() || inNamed.Obj().Name() != op+"Input" {
		return "", "", false
	}
	return svc, op, true
}

func isContext(t types.Type) bool {
	n, _ := types.Unalias(t).(*types.Named)
	return n != nil && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// funcActions returns the IAM actions a reference to fn implies: those of
// an SDK operation, or of a known high-level helper. It returns nil for
// any other function.
func funcActions(fn *types.Func) []string {
	if svc, op, ok := sdkOperation(fn); ok {
		return actionsFor(svc, op)
	}
	if fn.Pkg() == nil {
		return nil
	}
	key := fn.Pkg().Path() + "."
	if sig, _ := fn.Type().(*types.Signature); sig != nil && sig.Recv() != nil {
		t := types.Unalias(sig.Recv().Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		n, _ := t.(*types.Named)
		if n == nil {
			return nil
		}
		key += n.Obj().Name() + "."
	}
	return highLevel[key+fn.Name()]
}
