// Package policygen builds a least-privilege IAM policy for a gochalice
// app by static analysis of its Go code, as Chalice's autogen_policy and
// `chalice gen-policy` do for the boto3 calls in app.py.
//
// [Analyze] lists the IAM actions the app can call through aws-sdk-go-v2;
// [Generate] wraps them in a policy together with the CloudWatch Logs
// statement every function needs and the statements for the app's
// features ([Traits]: VPC, X-Ray, SQS/Kinesis/DynamoDB event sources,
// websockets).
//
// # How it works
//
// Analyze loads the package in the app directory with go/packages. The app's
// own packages (the main package and every package it imports, directly or
// not, from the same module) are parsed and type-checked from source;
// everything else (the SDK, other modules, the standard library) is read from
// compiler export data, so the SDK is compiled once into the Go build cache
// and not re-analysed. Files are selected as the Lambda build selects them:
// GOOS=linux, CGO_ENABLED=0, -tags lambda.norpc.
//
// An SDK operation is an exported method of *Client in a package
// github.com/aws/aws-sdk-go-v2/service/<svc> (not service/internal/...)
// with the shape Op(context.Context, *OpInput, ...func(*Options)). Its IAM
// action is "<prefix>:<Op>", where the prefix is the package name except for
// the services listed in iamprefix.go (eventbridge -> events, sfn -> states,
// cloudwatchlogs -> logs, ...), and Op is the operation name except for the
// operations listed in actions.go (s3 HeadObject -> s3:GetObject, s3
// ListObjectsV2 -> s3:ListBucket, s3 CopyObject -> s3:GetObject + s3:PutObject,
// lambda Invoke -> lambda:InvokeFunction, sqs SendMessageBatch ->
// sqs:SendMessage, API Gateway operations -> apigateway:GET/POST/..., ...).
//
// # What is detected
//
//   - Calls of operations on a client: db.GetItem(ctx, in).
//   - Method values and method expressions: f := db.GetItem,
//     run(db.Query), (*dynamodb.Client).Scan. A reference counts as a call.
//   - Methods promoted from a client embedded in an app type:
//     type store struct{ *dynamodb.Client }; s.PutItem(...).
//   - Presigned requests: s3.NewPresignClient(c).PresignGetObject(...)
//     needs s3:GetObject, since the URL carries the function's credentials.
//   - Calls through interfaces (the usual test seam): a call of an interface
//     method counts as the operation when a client (or an app type embedding
//     one) is converted somewhere in the app to an interface with a method of
//     the same name and signature. Conversions are found in assignments,
//     variable declarations, call arguments, returns, composite literal
//     elements, channel sends, explicit conversions and generic
//     instantiations (query[*dynamodb.Client] against a constraint with a
//     Query method). Interface methods that no client is converted to (fakes
//     only) are not AWS calls.
//   - A client handed to code outside the app through an interface: when a
//     client is converted to a named interface declared outside the app, or
//     passed as an interface argument to a function declared outside the
//     app, every method of that interface counts as called. This covers
//     paginators and waiters (dynamodb.NewScanPaginator(db, ...) -> Scan,
//     s3.NewObjectExistsWaiter(c) -> HeadObject -> s3:GetObject), the s3
//     transfer manager (manager.NewUploader(c) -> PutObject, UploadPart, ...)
//     and third-party libraries that take a client through an interface.
//   - High-level helpers, listed in actions.go: feature/s3/manager
//     Uploader.Upload (s3:PutObject, s3:AbortMultipartUpload,
//     s3:ListMultipartUploadParts), Downloader.Download (s3:GetObject),
//     GetBucketRegion (s3:ListBucket); feature/rds/auth.BuildAuthToken
//     (rds-db:connect). feature/dynamodb/attributevalue and expression make
//     no calls.
//
// Code is analysed whether or not it is reachable: an operation referenced
// in a function that is never called still counts.
//
// # What is not detected
//
//   - Calls made inside other modules, including local modules brought in
//     with replace or a go.work file, and third-party libraries that take a
//     concrete *svc.Client (func Save(c *dynamodb.Client)): their code is not
//     analysed. Only the app's own module is. (So the SDK's own internal
//     calls, such as the STS/SSO credential calls inside
//     config.LoadDefaultConfig, are not reported either; in Lambda the
//     credentials come from the environment and those calls are not made.)
//   - Interface values that reach the app from outside it already holding a
//     client (a library returning an interface), or that are recovered with
//     a type assertion to an interface the client was never converted to.
//   - Reflection (reflect.Value.MethodByName, Call), and calls made by
//     name through anything dynamic: an operation chosen at run time is
//     invisible.
//   - Clients that are not aws-sdk-go-v2 service clients: raw HTTP
//     requests signed with the SDK's v4 signer, hand-built smithy clients,
//     SDK v1 (github.com/aws/aws-sdk-go) clients.
//   - Test files and files excluded by build constraints for the Lambda
//     build (GOOS=linux, -tags lambda.norpc).
//   - Resources: every analysed action is allowed on "*", as in Chalice.
//   - Conditional permissions that depend on arguments: s3:GetObjectVersion
//     when a VersionId is passed, kms:Decrypt/kms:GenerateDataKey for
//     SSE-KMS objects or encrypted queues and tables, iam:PassRole for
//     operations that take a role ARN, the PartiQL statement kind of
//     dynamodb ExecuteStatement (all four PartiQL actions are granted).
//   - Operations whose IAM action differs from the operation name but are
//     not in the tables in actions.go: they are emitted as
//     "<prefix>:<Operation>". Write the policy by hand (autogen_policy false
//     with iam_policy_file) when the generated one is not enough.
package policygen
