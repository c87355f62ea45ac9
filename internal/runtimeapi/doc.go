// Package runtimeapi emulates the AWS Lambda Runtime API and runs a pool of
// warm worker processes of a gochalice app binary behind it.
//
// It backs "gochalice local" and "gochalice invoke --local": instead of
// calling handlers in-process, the real app binary (built for this machine)
// is started as a child process with the environment Lambda would give it,
// and it talks to this package through the same HTTP protocol that
// aws-lambda-go's runtime client uses on Lambda:
//
//	GET  /2018-06-01/runtime/invocation/next
//	POST /2018-06-01/runtime/invocation/{id}/response
//	POST /2018-06-01/runtime/invocation/{id}/error
//	POST /2018-06-01/runtime/init/error
//
// The minimal Extensions API needed by lambda.WithEnableSIGTERM
// (POST /2020-01-01/extension/register, GET /2020-01-01/extension/event/next)
// is served as well. What runs locally is therefore the code path that runs
// on Lambda: payload decoding, the lambdacontext values, error and panic
// reporting, and process-level failures all behave the same way.
//
// # Workers
//
// A [Pool] serves one Lambda function (one _HANDLER value). Each worker is
// one child process with its own Runtime API listener on 127.0.0.1 and at
// most one invocation in flight, like a Lambda execution environment.
// [Pool.Invoke] takes an idle worker, starts a new one while fewer than
// [Config.MaxWorkers] (the function's concurrency, default 10) are live, or
// waits in line for one to become idle.
//
// A worker is ready when it first polls /next; [Pool.Warm] starts workers
// ahead of time and waits for that. A worker that crashes or times out
// after serving invocations is replaced at once, in its own slot, as Lambda
// resets a failed execution environment; one that never took an invocation
// (a failing init) is not, so a broken build does not restart in a loop.
// Each process runs in its own process group, so [Pool.Close] can stop it
// together with anything it spawned, and on Linux it is sent SIGKILL if the
// parent dies without closing the pool.
//
// Every invocation gets a fresh request ID, an X-Ray trace ID and the
// function ARN; a client context, Cognito identity or trace ID can be
// supplied through [WithMetadata].
//
// # Only the worker
//
// A worker's Runtime API serves only the worker's own process: on Linux
// the server asks the kernel for the connecting socket's inode (one exact
// sock_diag netlink lookup, falling back to scanning /proc/self/net/tcp and
// tcp6) and admits the connection only if /proc/<worker pid>/fd holds that
// socket. This costs about 50 µs once per connection; aws-lambda-go keeps
// its connection alive, so requests after the first pay nothing.
// Any other local process is answered 403 and disconnected, so it can
// neither take request events from /next nor post forged responses.
// Other systems have no such check: there the API relies on listening on
// loopback on a random port.
//
// # Streamed responses
//
// [Pool.InvokeStream] serves a function that streams (aws-lambda-go posts
// an io.Reader answer to /response chunked, e.g. a Function URL response
// with content type application/vnd.awslambda.http-integration-response):
// it returns once the response starts, and its body yields each chunk as
// the runtime sends it, never holding the whole response. The function's
// timeout runs until the last chunk; an error reported in the trailers
// (Lambda-Runtime-Function-Error-Type/-Body), a body over
// [Config.MaxStreamBytes] (Lambda's 200 MB), a timeout or a crash ends the
// body with that error. [Pool.Invoke] reads a chunked response whole, as
// before.
//
// # Failures
//
// The outcome of an invocation maps onto typed errors, each of whose
// messages says what happened:
//
//   - the function reported an error (a returned Go error or a recovered
//     panic) via /error: [*FunctionError] ("errorType: errorMessage");
//     a response over Lambda's 6,291,556-byte limit is one too, of type
//     Function.ResponseSizeTooLarge, naming its size;
//   - the function ran longer than [Config.Timeout]: [*TimeoutError] ("Task
//     timed out after N.NN seconds"), and the worker is killed and
//     replaced. It is not a gateway timeout (no Timeout method): API
//     Gateway answers 502 for it;
//   - no response within [Config.IntegrationTimeout] (API Gateway's 29 s):
//     [*IntegrationTimeoutError], whose Timeout method reports true (504);
//   - the process exited during the invocation, or before it ever polled
//     /next (an init failure): [*CrashError], with the exit status or
//     signal and the last lines of its stderr;
//   - the runtime posted /runtime/init/error: [*InitError];
//   - the pool was closed: an error wrapping [ErrClosed].
//
// An invocation that was handed to a worker which then exited before taking
// it from /next (for example a worker still shutting down after a panic) is
// never lost: it is transparently redelivered to another worker.
//
// The timeout clock starts when the invocation is assigned to a worker; it
// restarts when the runtime takes the invocation from /next, and the
// Lambda-Runtime-Deadline-Ms header is that moment plus the timeout. A cold
// worker therefore has up to Timeout to initialise (Lambda allows a separate
// init phase) and then the full Timeout to run.
package runtimeapi
