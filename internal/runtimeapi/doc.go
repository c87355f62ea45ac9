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
// [Config.MaxWorkers] are live, or waits for one to become idle.
//
// A worker is ready when it first polls /next; [Pool.Warm] starts workers
// ahead of time and waits for that. Each process runs in its own process
// group, so [Pool.Close] can stop it together with anything it spawned, and
// on Linux it is sent SIGKILL if the parent dies without closing the pool.
//
// Every invocation gets a fresh request ID, an X-Ray trace ID and the
// function ARN; a client context, Cognito identity or trace ID can be
// supplied through [WithMetadata].
//
// # Failures
//
// The outcome of an invocation maps onto typed errors:
//
//   - the function reported an error (a returned Go error or a recovered
//     panic) via /error: [*FunctionError];
//   - the function ran longer than [Config.Timeout]: [*TimeoutError], and the
//     worker is killed and later replaced;
//   - the process exited during the invocation, or before it ever polled
//     /next (an init failure): [*CrashError], carrying the tail of its stderr;
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
