// Package stacks holds the users service's CDK stack: the DynamoDB table,
// the API handler's IAM role and the web-api gochalice app, deployed with
// the gochalice CDK construct.
package stacks

import (
	"path/filepath"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	chalicecdk "github.com/gochalice/chalice/cdk"
)

// The API handler's settings, the same in every environment: they live
// with the app rather than in per-environment configuration.
const (
	apiHandlerMemorySize = 128
	apiHandlerTimeout    = 10
)

// WebApiProps configure a WebApi stack.
type WebApiProps struct {
	awscdk.StackProps
	// WebApiDir is the web-api gochalice project; empty means the
	// web-api directory next to this infra project.
	WebApiDir string
}

// WebApi is one environment of the users service.
type WebApi struct {
	awscdk.Stack
	UsersTable     awsdynamodb.Table
	ApiHandlerRole awsiam.Role
	Chalice        *chalicecdk.Chalice
}

// NewWebApi defines the stack.
func NewWebApi(scope constructs.Construct, id string, props *WebApiProps) *WebApi {
	if props == nil {
		props = &WebApiProps{}
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	s := &WebApi{Stack: stack}

	s.UsersTable = awsdynamodb.NewTable(stack, jsii.String("UsersTable"), &awsdynamodb.TableProps{
		PartitionKey:  &awsdynamodb.Attribute{Name: jsii.String("username"), Type: awsdynamodb.AttributeType_STRING},
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	awscdk.NewCfnOutput(stack, jsii.String("UsersTableName"), &awscdk.CfnOutputProps{Value: s.UsersTable.TableName()})

	s.ApiHandlerRole = awsiam.NewRole(stack, jsii.String("ApiHandlerLambdaRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{
			awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AWSLambdaBasicExecutionRole")),
		},
	})
	s.UsersTable.GrantReadWriteData(s.ApiHandlerRole)

	dir := props.WebApiDir
	if dir == "" {
		dir = defaultWebApiDir()
	}
	s.Chalice = chalicecdk.NewChalice(stack, jsii.String("WebApi"), &chalicecdk.ChaliceProps{
		SourceDir:   jsii.String(dir),
		StageConfig: s.chaliceStageConfig(),
	})

	// Customise a resource the app generated: its logical ID is the one in
	// sam.json (see Chalice.PackageDir), and GetResource returns the typed
	// L1 object, here the AWS::Serverless::Api.
	restAPI := s.Chalice.SamTemplate.GetResource(jsii.String("RestAPI")).(awssam.CfnApi)
	restAPI.SetTracingEnabled(jsii.Bool(true))
	return s
}

// chaliceStageConfig is the web-api's stage for this stack, with the same
// structure as a stage of .chalice/config.json. The role ARN and the table
// name are CDK tokens; they end up as Fn::GetAtt and Ref in the template.
func (s *WebApi) chaliceStageConfig() map[string]any {
	return map[string]any{
		"api_gateway_stage": "v1",
		"lambda_functions": map[string]any{
			"api_handler": map[string]any{
				"manage_iam_role": false,
				"iam_role_arn":    s.ApiHandlerRole.RoleArn(),
				"environment_variables": map[string]any{
					"DYNAMODB_TABLE_NAME": s.UsersTable.TableName(),
				},
				"lambda_memory_size": apiHandlerMemorySize,
				"lambda_timeout":     apiHandlerTimeout,
			},
		},
	}
}

// defaultWebApiDir is ../web-api relative to the infra project, found from
// this source file so that it works from any working directory.
func defaultWebApiDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return filepath.Join("..", "web-api") // built with -trimpath: run from infra/
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "web-api")
}
