package policygen

// iamPrefix maps an aws-sdk-go-v2 service package name (the last element
// of github.com/aws/aws-sdk-go-v2/service/<name>) to the IAM service prefix
// its operations are authorised under, for the packages where the two
// differ. Every other package uses its own name as the prefix.
//
// Sources: the "service prefix" given for each service in the AWS Service
// Authorization Reference ("Actions, resources, and condition keys for AWS
// services"), cross-checked against the prefixes used in Chalice's
// chalice/policies.json (which is keyed by botocore service name). Where a
// v2 package is a second client for the same service (a data plane, a
// "v2" API, a runtime API) it shares the control plane's prefix.
var iamPrefix = map[string]string{
	// Named in the gochalice design brief.
	"apigatewayv2":             "apigateway",
	"apigatewaymanagementapi":  "execute-api", // execute-api:ManageConnections (websocket @connections API)
	"cloudwatchlogs":           "logs",
	"cloudwatch":               "cloudwatch",
	"configservice":            "config",
	"costexplorer":             "ce",
	"databasemigrationservice": "dms",
	"directoryservice":         "ds",
	"dynamodbstreams":          "dynamodb", // Chalice policies.json: dynamodbstreams -> dynamodb:*
	"efs":                      "elasticfilesystem",
	"elasticloadbalancingv2":   "elasticloadbalancing", // Chalice: elbv2 -> elasticloadbalancing
	"elasticsearchservice":     "es",
	"emr":                      "elasticmapreduce",
	"eventbridge":              "events",
	"iotdataplane":             "iot", // Chalice: iot-data -> iot
	"kinesisanalyticsv2":       "kinesisanalytics",
	"lexruntimev2":             "lex",
	"marketplacemetering":      "aws-marketplace",
	"mediastoredata":           "mediastore",
	"migrationhub":             "mgh",
	"opensearch":               "es",
	"pinpointemail":            "ses",
	"sesv2":                    "ses",
	"sfn":                      "states",
	"ssooidc":                  "sso-oauth",
	"timestreamquery":          "timestream",
	"timestreamwrite":          "timestream",
	"s3control":                "s3",
	"bedrockruntime":           "bedrock",
	"bedrockagentruntime":      "bedrock",

	// Service Authorization Reference, cross-checked with Chalice's
	// policies.json where the service is there.
	"acmpca":                          "acm-pca",
	"alexaforbusiness":                "a4b",
	"applicationautoscaling":          "application-autoscaling",
	"applicationdiscoveryservice":     "discovery",
	"autoscalingplans":                "autoscaling-plans",
	"bedrockagent":                    "bedrock",
	"cloudhsmv2":                      "cloudhsm",
	"cloudwatchevents":                "events",
	"codeguruprofiler":                "codeguru-profiler",
	"codegurureviewer":                "codeguru-reviewer",
	"codestarconnections":             "codestar-connections",
	"codestarnotifications":           "codestar-notifications",
	"cognitoidentity":                 "cognito-identity",
	"cognitoidentityprovider":         "cognito-idp",
	"cognitosync":                     "cognito-sync",
	"computeoptimizer":                "compute-optimizer",
	"costandusagereportservice":       "cur",
	"ec2instanceconnect":              "ec2-instance-connect",
	"ecrpublic":                       "ecr-public",
	"elasticinference":                "elastic-inference",
	"emrcontainers":                   "emr-containers",
	"emrserverless":                   "emr-serverless",
	"iotjobsdataplane":                "iot", // Chalice: iot-jobs-data -> iot
	"kinesisvideoarchivedmedia":       "kinesisvideo",
	"kinesisvideomedia":               "kinesisvideo",
	"kinesisvideosignaling":           "kinesisvideo",
	"lexmodelbuildingservice":         "lex",
	"lexmodelsv2":                     "lex",
	"lexruntimeservice":               "lex",
	"licensemanager":                  "license-manager",
	"location":                        "geo",
	"marketplaceentitlementservice":   "aws-marketplace",
	"mediapackagevod":                 "mediapackage-vod",
	"mturk":                           "mechanicalturk",
	"networkfirewall":                 "network-firewall",
	"opsworkscm":                      "opsworks-cm",
	"personalizeevents":               "personalize",
	"personalizeruntime":              "personalize",
	"pinpoint":                        "mobiletargeting",
	"pinpointsmsvoice":                "sms-voice",
	"pinpointsmsvoicev2":              "sms-voice",
	"rdsdata":                         "rds-data",
	"redshiftdata":                    "redshift-data",
	"redshiftserverless":              "redshift-serverless",
	"resourcegroupstaggingapi":        "tag",
	"route53recoverycluster":          "route53-recovery-cluster",
	"route53recoverycontrolconfig":    "route53-recovery-control-config",
	"route53recoveryreadiness":        "route53-recovery-readiness",
	"sagemakerruntime":                "sagemaker",
	"sagemakerfeaturestoreruntime":    "sagemaker",
	"sagemakera2iruntime":             "sagemaker",
	"serverlessapplicationrepository": "serverlessrepo",
	"ssmcontacts":                     "ssm-contacts",
	"ssmincidents":                    "ssm-incidents",
	"ssoadmin":                        "sso",
	"transcribestreaming":             "transcribe",
	"wafregional":                     "waf-regional",
	"workmailmessageflow":             "workmail",
}

// prefixFor returns the IAM service prefix for an SDK service package name.
func prefixFor(svc string) string {
	if p, ok := iamPrefix[svc]; ok {
		return p
	}
	return svc
}
