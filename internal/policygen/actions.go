package policygen

import "strings"

// opActions lists, per SDK service package, the operations whose IAM
// action is not "<prefix>:<OperationName>". One operation may need several
// actions. Operations not listed here map 1:1.
//
// Sources:
//   - s3: the AWS Service Authorization Reference for Amazon S3 (the
//     "Actions defined by Amazon S3" table lists, for each action, the API
//     operations it authorises) and the "Permissions" section of each
//     operation in the Amazon S3 API Reference. Chalice's policies.json
//     agrees for the operations it lists (HeadObject, ListObjects(V2),
//     ListBuckets, CreateMultipartUpload, UploadPart,
//     CompleteMultipartUpload).
//   - dynamodb: "Using IAM with DynamoDB transactions" (transactions are
//     authorised per item action, with dynamodb:EnclosingOperation as a
//     condition key) and "IAM policies with PartiQL for DynamoDB" (the
//     PartiQL statement kind is only known at run time, so all four).
//   - sqs, sns: the batch APIs are authorised by the single-message action
//     (Amazon SQS API permissions reference; SNS PublishBatch docs).
//     Chalice's policies.json has the same three SQS mappings.
//   - lambda: Invoke and InvokeWithResponseStream are authorised by
//     lambda:InvokeFunction (Lambda API reference).
//   - apigatewaymanagementapi: every @connections call is authorised by
//     execute-api:ManageConnections (API Gateway developer guide, "Use
//     @connections commands in your backend service"); this is also the
//     action Chalice's WebsocketPolicyInjector grants.
//   - bedrockruntime: Converse/ConverseStream are authorised by
//     bedrock:InvokeModel/InvokeModelWithResponseStream (Bedrock user
//     guide, "Carry out a conversation with the Converse API operations").
//   - secretsmanager: BatchGetSecretValue also needs GetSecretValue on each
//     secret (Secrets Manager API reference).
var opActions = map[string]map[string][]string{
	"s3": {
		"ListObjects":             {"s3:ListBucket"},
		"ListObjectsV2":           {"s3:ListBucket"},
		"ListObjectVersions":      {"s3:ListBucketVersions"},
		"ListBuckets":             {"s3:ListAllMyBuckets"},
		"ListDirectoryBuckets":    {"s3express:ListAllMyDirectoryBuckets"},
		"ListMultipartUploads":    {"s3:ListBucketMultipartUploads"},
		"ListParts":               {"s3:ListMultipartUploadParts"},
		"HeadObject":              {"s3:GetObject"},
		"HeadBucket":              {"s3:ListBucket"},
		"CopyObject":              {"s3:GetObject", "s3:PutObject"},
		"UploadPartCopy":          {"s3:GetObject", "s3:PutObject"},
		"GetObjectAttributes":     {"s3:GetObject", "s3:GetObjectAttributes"},
		"SelectObjectContent":     {"s3:GetObject"},
		"CreateMultipartUpload":   {"s3:PutObject"},
		"UploadPart":              {"s3:PutObject"},
		"CompleteMultipartUpload": {"s3:PutObject"},
		"DeleteObjects":           {"s3:DeleteObject"},
		"CreateSession":           {"s3express:CreateSession"},
		"WriteGetObjectResponse":  {"s3-object-lambda:WriteGetObjectResponse"},

		"GetBucketCors":    {"s3:GetBucketCORS"},
		"PutBucketCors":    {"s3:PutBucketCORS"},
		"DeleteBucketCors": {"s3:PutBucketCORS"},

		"GetBucketEncryption":    {"s3:GetEncryptionConfiguration"},
		"PutBucketEncryption":    {"s3:PutEncryptionConfiguration"},
		"DeleteBucketEncryption": {"s3:PutEncryptionConfiguration"},

		"GetBucketLifecycleConfiguration": {"s3:GetLifecycleConfiguration"},
		"PutBucketLifecycleConfiguration": {"s3:PutLifecycleConfiguration"},
		"DeleteBucketLifecycle":           {"s3:PutLifecycleConfiguration"},

		"GetBucketNotificationConfiguration": {"s3:GetBucketNotification"},
		"PutBucketNotificationConfiguration": {"s3:PutBucketNotification"},

		"GetBucketReplication":    {"s3:GetReplicationConfiguration"},
		"PutBucketReplication":    {"s3:PutReplicationConfiguration"},
		"DeleteBucketReplication": {"s3:PutReplicationConfiguration"},

		"GetBucketAccelerateConfiguration": {"s3:GetAccelerateConfiguration"},
		"PutBucketAccelerateConfiguration": {"s3:PutAccelerateConfiguration"},

		"GetBucketAnalyticsConfiguration":    {"s3:GetAnalyticsConfiguration"},
		"ListBucketAnalyticsConfigurations":  {"s3:GetAnalyticsConfiguration"},
		"PutBucketAnalyticsConfiguration":    {"s3:PutAnalyticsConfiguration"},
		"DeleteBucketAnalyticsConfiguration": {"s3:PutAnalyticsConfiguration"},

		"GetBucketInventoryConfiguration":    {"s3:GetInventoryConfiguration"},
		"ListBucketInventoryConfigurations":  {"s3:GetInventoryConfiguration"},
		"PutBucketInventoryConfiguration":    {"s3:PutInventoryConfiguration"},
		"DeleteBucketInventoryConfiguration": {"s3:PutInventoryConfiguration"},

		"GetBucketMetricsConfiguration":    {"s3:GetMetricsConfiguration"},
		"ListBucketMetricsConfigurations":  {"s3:GetMetricsConfiguration"},
		"PutBucketMetricsConfiguration":    {"s3:PutMetricsConfiguration"},
		"DeleteBucketMetricsConfiguration": {"s3:PutMetricsConfiguration"},

		"GetBucketIntelligentTieringConfiguration":    {"s3:GetIntelligentTieringConfiguration"},
		"ListBucketIntelligentTieringConfigurations":  {"s3:GetIntelligentTieringConfiguration"},
		"PutBucketIntelligentTieringConfiguration":    {"s3:PutIntelligentTieringConfiguration"},
		"DeleteBucketIntelligentTieringConfiguration": {"s3:PutIntelligentTieringConfiguration"},

		"DeleteBucketTagging":           {"s3:PutBucketTagging"},
		"DeleteBucketOwnershipControls": {"s3:PutBucketOwnershipControls"},

		"GetPublicAccessBlock":    {"s3:GetBucketPublicAccessBlock"},
		"PutPublicAccessBlock":    {"s3:PutBucketPublicAccessBlock"},
		"DeletePublicAccessBlock": {"s3:PutBucketPublicAccessBlock"},

		"GetObjectLockConfiguration": {"s3:GetBucketObjectLockConfiguration"},
		"PutObjectLockConfiguration": {"s3:PutBucketObjectLockConfiguration"},
	},
	"dynamodb": {
		"TransactGetItems":      {"dynamodb:GetItem"},
		"TransactWriteItems":    {"dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"},
		"ExecuteStatement":      partiQL,
		"BatchExecuteStatement": partiQL,
		"ExecuteTransaction":    partiQL,
	},
	"sqs": {
		"SendMessageBatch":             {"sqs:SendMessage"},
		"DeleteMessageBatch":           {"sqs:DeleteMessage"},
		"ChangeMessageVisibilityBatch": {"sqs:ChangeMessageVisibility"},
	},
	"sns": {
		"PublishBatch": {"sns:Publish"},
	},
	"lambda": {
		"Invoke":                   {"lambda:InvokeFunction"},
		"InvokeWithResponseStream": {"lambda:InvokeFunction"},
	},
	"apigatewaymanagementapi": {
		"PostToConnection": {"execute-api:ManageConnections"},
		"GetConnection":    {"execute-api:ManageConnections"},
		"DeleteConnection": {"execute-api:ManageConnections"},
	},
	"bedrockruntime": {
		"Converse":       {"bedrock:InvokeModel"},
		"ConverseStream": {"bedrock:InvokeModelWithResponseStream"},
	},
	"secretsmanager": {
		"BatchGetSecretValue": {"secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"},
	},
}

var partiQL = []string{"dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLSelect", "dynamodb:PartiQLUpdate"}

// serviceExtra lists actions every call of a service needs on top of the
// operation's own. Timestream clients always use endpoint discovery, which
// calls DescribeEndpoints (Timestream developer guide, "The Endpoint
// Discovery Pattern").
var serviceExtra = map[string][]string{
	"timestreamwrite": {"timestream:DescribeEndpoints"},
	"timestreamquery": {"timestream:DescribeEndpoints"},
}

// API Gateway (v1 and v2) authorises calls with HTTP-verb actions
// (apigateway:GET, apigateway:POST, ...) on resource ARNs, not with operation
// names. The verb of most operations follows from the name's first word;
// apigatewayVerbs lists the rest. Taken from the request method set in each
// operation's serializer in aws-sdk-go-v2 service/apigateway v1.40.2 and
// service/apigatewayv2 v1.35.2 (serializers.go).
var apigatewayVerbs = map[string]map[string]string{
	"apigateway": {
		"FlushStageAuthorizersCache":        "DELETE",
		"FlushStageCache":                   "DELETE",
		"GenerateClientCertificate":         "POST",
		"ImportApiKeys":                     "POST",
		"ImportDocumentationParts":          "PUT",
		"ImportRestApi":                     "POST",
		"RejectDomainNameAccessAssociation": "POST",
		"TagResource":                       "PUT",
		"TestInvokeAuthorizer":              "POST",
		"TestInvokeMethod":                  "POST",
		"UntagResource":                     "DELETE",
	},
	"apigatewayv2": {
		"DisablePortal":         "DELETE",
		"ExportApi":             "GET",
		"ImportApi":             "PUT",
		"PreviewPortal":         "POST",
		"PublishPortal":         "POST",
		"ReimportApi":           "PUT",
		"ResetAuthorizersCache": "DELETE",
		"TagResource":           "POST",
		"UntagResource":         "DELETE",
	},
}

var verbByWord = []struct{ word, verb string }{
	{"Get", "GET"},
	{"List", "GET"},
	{"Create", "POST"},
	{"Update", "PATCH"},
	{"Delete", "DELETE"},
	{"Put", "PUT"},
}

// actionsFor returns the IAM actions that calling operation op of the SDK
// service package svc needs.
func actionsFor(svc, op string) []string {
	var acts []string
	if m, ok := opActions[svc]; ok {
		acts = m[op]
	}
	if acts == nil {
		if verbs, ok := apigatewayVerbs[svc]; ok {
			acts = []string{"apigateway:" + apigatewayVerb(verbs, op)}
		}
	}
	if acts == nil {
		acts = []string{prefixFor(svc) + ":" + op}
	}
	if extra := serviceExtra[svc]; extra != nil {
		acts = append(append([]string(nil), acts...), extra...)
	}
	return acts
}

func apigatewayVerb(verbs map[string]string, op string) string {
	if v, ok := verbs[op]; ok {
		return v
	}
	for _, w := range verbByWord {
		if rest, ok := strings.CutPrefix(op, w.word); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return w.verb
		}
	}
	// Unknown shape: fall back to the operation name so the gap is visible
	// in the generated policy.
	return op
}

// highLevel lists functions and methods outside the service clients that
// call S3 (and other services) on the app's behalf, keyed by
// "<import path>.<Func>" or "<import path>.<Type>.<Method>". Sources: the
// operations each helper issues in aws-sdk-go-v2 feature/s3/manager
// (upload.go, download.go, bucket_region.go) mapped with opActions["s3"],
// plus s3:ListMultipartUploadParts for resumable uploads as in the gochalice
// design brief (Chalice's policies-extra.json grants s3:PutObject and
// s3:AbortMultipartUpload for upload_file); rds auth tokens are authorised
// by rds-db:connect (RDS user guide, "Creating and using an IAM policy for
// IAM database access"). gochalice's own web package is another module,
// so its SDK calls are listed here too: Tasks.Enqueue sends the task with
// sqs:SendMessage after looking the queue's URL up with sqs:GetQueueUrl
// (web/tasks.go; TestWebTasksActions keeps the two in step).
var highLevel = map[string][]string{
	"github.com/gochalice/chalice/web.Tasks.Enqueue":                      {"sqs:GetQueueUrl", "sqs:SendMessage"},
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager.Uploader.Upload":     {"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"},
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager.Downloader.Download": {"s3:GetObject"},
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager.GetBucketRegion":     {"s3:ListBucket"},
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth.BuildAuthToken":        {"rds-db:connect"},
}
