package chalice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/gochalice/chalice/manifest"
)

// Exit codes of the app binary outside Lambda.
const (
	exitDefinitionError = 3
	exitUsage           = 2
)

// Run starts the app. On Lambda it serves the function named by _HANDLER
// (every function of the app lives in this one binary). With
// GOCHALICE_MANIFEST set, or the -gochalice-manifest argument, it prints
// the app's manifest as JSON and exits; definition mistakes are listed on
// stderr with exit status 3. Run does not return.
func (a *App) Run() {
	os.Exit(a.run(context.Background(), os.Args[1:]))
}

func (a *App) run(ctx context.Context, args []string) int {
	if os.Getenv(manifest.EnvVar) != "" || slices.Contains(args, manifest.FlagName) {
		return a.printManifest()
	}
	rt, err := a.runtime("App.Run")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitDefinitionError
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		fmt.Fprintf(os.Stderr, "%s is a gochalice app binary: it runs on AWS Lambda (or under `gochalice local`).\n"+
			"Set %s=1 (or pass %s) to print its manifest.\n", a.Name, manifest.EnvVar, manifest.FlagName)
		return exitUsage
	}
	name := os.Getenv("_HANDLER")
	fn, ok := rt.functions[name]
	if !ok {
		err := fmt.Errorf("gochalice: _HANDLER %q is not a function of app %s (functions: %v)", name, a.Name, rt.functionNames())
		fmt.Fprintln(os.Stderr, err)
		fn = func(context.Context, []byte) ([]byte, error) { return nil, err }
	}
	if env := os.Getenv("AWS_EXECUTION_ENV"); env != "" {
		os.Setenv("AWS_EXECUTION_ENV", env+" gochalice/"+Version)
	}
	if name == manifest.APIHandlerName && os.Getenv(InvokeModeEnv) == "RESPONSE_STREAM" && len(rt.paths) > 0 {
		lambda.StartWithOptions(streamHandler{app: a, rt: rt}.invoke, lambda.WithContext(ctx))
		return 0
	}
	lambda.StartWithOptions(lambdaHandler{app: a, fn: fn}, lambda.WithContext(ctx))
	return 0
}

// streamHandler serves the API handler behind a Function URL whose
// invoke mode is RESPONSE_STREAM: aws-lambda-go sends a returned
// io.Reader to the Runtime API as a streamed (chunked) response, each
// Write of the view's StreamFunc as it happens.
type streamHandler struct {
	app *App
	rt  *runtimeApp
}

func (h streamHandler) invoke(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
	if h.app.lateN.Load() != 0 {
		return nil, h.app.lateError()
	}
	return h.rt.invokeAPIStream(ctx, payload)
}

// lambdaHandler adapts an invokeFunc to aws-lambda-go's raw Handler, which
// skips reflection: the payload bytes reach the fast decoders directly.
// After a late registration every invocation fails with the definition
// error naming it.
type lambdaHandler struct {
	app *App
	fn  invokeFunc
}

func (h lambdaHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if h.app.lateN.Load() != 0 {
		return nil, h.app.lateError()
	}
	return h.fn(ctx, payload)
}

func (a *App) printManifest() int {
	m, err := a.Manifest()
	if err != nil {
		var de *DefinitionError
		if errors.As(err, &de) {
			fmt.Fprintln(os.Stderr, de.Error())
			return exitDefinitionError
		}
		fmt.Fprintln(os.Stderr, err)
		return exitDefinitionError
	}
	if err := m.Write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "writing manifest:", err)
		return 1
	}
	return 0
}
