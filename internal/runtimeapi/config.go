package runtimeapi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by [NewPool] to zero-valued [Config] fields, and fixed
// limits of the emulated Runtime API.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMemoryMB   = 128
	DefaultMaxWorkers = 10

	// MaxPayloadSize is Lambda's limit for synchronous request and response
	// payloads: "6 MB", which Lambda enforces as 6,291,556 bytes.
	MaxPayloadSize = 6_291_556

	// DefaultMaxStreamBytes is Lambda's limit for a streamed response
	// (InvokeWithResponseStream and Function URLs in RESPONSE_STREAM
	// mode): 200 MB.
	DefaultMaxStreamBytes = 200 << 20

	defaultRegion    = "us-east-1"
	defaultAccountID = "123456789012"

	// shutdownGrace is how long Close waits after SIGTERM before SIGKILL.
	shutdownGrace = 2 * time.Second
	// stderrTailSize is how much of a worker's stderr a CrashError keeps.
	stderrTailSize = 2048
	// outputDrainTimeout bounds how long a dead worker's output is drained.
	outputDrainTimeout = time.Second
	// maxRedeliveries bounds how often one Invoke re-dispatches an
	// invocation whose worker exited before taking it from /next.
	maxRedeliveries = 3
)

// Config describes one Lambda function served by a pool.
type Config struct {
	Binary      string        // path to the app binary built for this machine
	Function    string        // _HANDLER value (function name)
	FunctionARN string        // for Lambda-Runtime-Invoked-Function-Arn (default arn:aws:lambda:<region>:123456789012:function:<Function>)
	Env         []string      // extra environment (KEY=VALUE), added to os.Environ()
	Dir         string        // working directory for the process (default: the current directory)
	Timeout     time.Duration // function timeout (default 60s); an invocation running longer kills its worker
	MemoryMB    int           // reported via AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128)

	// MaxWorkers is the function's concurrency (default 10): at most this
	// many invocations run at once, each in its own worker process, as in
	// as many Lambda execution environments. Workers start on demand;
	// invocations beyond the limit wait for a free worker.
	MaxWorkers int

	// IntegrationTimeout, when positive, bounds how long Invoke waits for
	// a response, including the wait for a free worker: API Gateway's
	// 29 s integration timeout. Past it Invoke returns an
	// [*IntegrationTimeoutError]; an invocation already running carries
	// on until it finishes or reaches Timeout. Zero means no limit.
	IntegrationTimeout time.Duration

	// MaxStreamBytes bounds a streamed response's body (default
	// DefaultMaxStreamBytes); past it the body handed to the caller of
	// [Pool.InvokeStream] ends with a Function.ResponseSizeTooLarge
	// [*FunctionError], as Lambda cuts the stream.
	MaxStreamBytes int64

	// Stdout and Stderr receive the workers' output unchanged (default
	// os.Stderr for both). Writes from different workers are serialised,
	// so a plain bytes.Buffer is fine.
	Stdout, Stderr io.Writer
}

// settings is a validated Config with defaults applied and the derived,
// per-pool worker environment.
type settings struct {
	Config
	env []string // environment shared by all workers, minus AWS_LAMBDA_RUNTIME_API
}

// resolve validates cfg, fills in defaults and computes the worker
// environment.
func resolve(cfg Config) (settings, error) {
	if cfg.Function == "" {
		return settings{}, errors.New("runtimeapi: Config.Function (the _HANDLER value) is required")
	}
	if strings.ContainsAny(cfg.Function, "/\x00") {
		return settings{}, fmt.Errorf("runtimeapi: invalid function name %q", cfg.Function)
	}
	if cfg.Timeout < 0 {
		return settings{}, fmt.Errorf("runtimeapi: function %s: negative timeout %v", cfg.Function, cfg.Timeout)
	}
	if cfg.IntegrationTimeout < 0 {
		return settings{}, fmt.Errorf("runtimeapi: function %s: negative integration timeout %v", cfg.Function, cfg.IntegrationTimeout)
	}
	if cfg.MemoryMB < 0 {
		return settings{}, fmt.Errorf("runtimeapi: function %s: negative memory size %d MB", cfg.Function, cfg.MemoryMB)
	}
	if cfg.MaxStreamBytes < 0 {
		return settings{}, fmt.Errorf("runtimeapi: function %s: negative MaxStreamBytes %d", cfg.Function, cfg.MaxStreamBytes)
	}
	if cfg.MaxWorkers < 0 {
		return settings{}, fmt.Errorf("runtimeapi: function %s: negative MaxWorkers %d", cfg.Function, cfg.MaxWorkers)
	}
	for _, kv := range cfg.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return settings{}, fmt.Errorf("runtimeapi: function %s: environment entry %q is not KEY=VALUE", cfg.Function, kv)
		}
	}

	bin, err := checkBinary(cfg.Binary)
	if err != nil {
		return settings{}, err
	}
	cfg.Binary = bin

	if cfg.Dir == "" {
		if cfg.Dir, err = os.Getwd(); err != nil {
			return settings{}, fmt.Errorf("runtimeapi: working directory: %w", err)
		}
	}
	if cfg.Dir, err = filepath.Abs(cfg.Dir); err != nil {
		return settings{}, fmt.Errorf("runtimeapi: working directory %q: %w", cfg.Dir, err)
	}
	if fi, err := os.Stat(cfg.Dir); err != nil {
		return settings{}, fmt.Errorf("runtimeapi: working directory: %w", err)
	} else if !fi.IsDir() {
		return settings{}, fmt.Errorf("runtimeapi: working directory %s is not a directory", cfg.Dir)
	}

	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MemoryMB == 0 {
		cfg.MemoryMB = DefaultMemoryMB
	}
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = DefaultMaxWorkers
	}
	if cfg.MaxStreamBytes == 0 {
		cfg.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stderr
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}

	env := append(os.Environ(), cfg.Env...)
	region := lookupEnv(env, "AWS_REGION")
	defRegion := lookupEnv(env, "AWS_DEFAULT_REGION")
	switch {
	case region == "" && defRegion == "":
		region, defRegion = defaultRegion, defaultRegion
	case region == "":
		region = defRegion
	case defRegion == "":
		defRegion = region
	}
	if cfg.FunctionARN == "" {
		cfg.FunctionARN = "arn:aws:lambda:" + region + ":" + defaultAccountID + ":function:" + cfg.Function
	}
	// exec.Cmd uses the last value of a duplicated key, so these override
	// anything inherited; Lambda reserves all of them except the regions.
	env = append(env,
		"_HANDLER="+cfg.Function,
		"AWS_LAMBDA_FUNCTION_NAME="+cfg.Function,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(cfg.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+cfg.Function,
		"AWS_LAMBDA_LOG_STREAM_NAME=local",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION="+region,
		"AWS_DEFAULT_REGION="+defRegion,
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"LAMBDA_TASK_ROOT="+cfg.Dir,
		"TZ=:UTC",
	)
	if lookupEnv(env, "GOMAXPROCS") == "" {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(workerProcs(cfg.MemoryMB, runtime.NumCPU())))
	}
	return settings{Config: cfg, env: env}, nil
}

// vCPUMemoryMB is the memory size at which Lambda gives a function the
// equivalent of one full vCPU; CPU share grows in proportion to memory.
const vCPUMemoryMB = 1769

// workerProcs is the GOMAXPROCS a worker runs with unless its environment
// sets one: the vCPUs its memory size buys on Lambda (one per 1,769 MB,
// rounded up, at most cpus). A worker runs one invocation at a time, and
// many share a developer machine's cores: one thread each keeps the
// runtime's goroutine hand-offs on one thread instead of waking others.
func workerProcs(memoryMB, cpus int) int {
	n := (memoryMB + vCPUMemoryMB - 1) / vCPUMemoryMB
	return max(1, min(n, cpus))
}

// checkBinary returns the absolute path of an existing executable file.
func checkBinary(path string) (string, error) {
	if path == "" {
		return "", errors.New("runtimeapi: Config.Binary (the app binary) is required")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("runtimeapi: app binary %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("runtimeapi: app binary %s does not exist (build it first): %w", abs, err)
	case err != nil:
		return "", fmt.Errorf("runtimeapi: app binary %s: %w", abs, err)
	case fi.IsDir():
		return "", fmt.Errorf("runtimeapi: app binary %s is a directory, not an executable", abs)
	case !isExecutable(fi):
		return "", fmt.Errorf("runtimeapi: app binary %s is not executable (mode %v)", abs, fi.Mode().Perm())
	}
	return abs, nil
}

// lookupEnv returns the last value of key in env, as exec.Cmd would use it.
func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}
