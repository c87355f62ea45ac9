package sam

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/policygen"
	"github.com/gochalice/chalice/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func intp(n int) *int { return &n }

var defaultHeaders = []string{"Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"}

// sampleManifest has one of everything SAM can express: a pure lambda,
// every event source type but S3, a REST API with CORS, a built-in
// authorizer and a greedy route, and the three websocket handlers.
func sampleManifest() *manifest.Manifest {
	cors := &manifest.CORS{AllowOrigin: "*", AllowHeaders: defaultHeaders}
	js := []string{"application/json"}
	fn := func(name, kind string) manifest.Function {
		return manifest.Function{Name: name, Kind: kind, Handler: name}
	}
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "sampleapp",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream", "image/png"}},
		Routes: []manifest.Route{
			{Path: "/", Method: "GET", Name: "index", ContentTypes: js, CORS: cors, Authorizer: "myauth", AuthorizerScopes: []string{"read"}},
			{Path: "/files/{proxy+}", Method: "GET", Name: "files", Params: []string{"proxy"}, ContentTypes: js},
			{Path: "/items/{id}", Method: "PUT", Name: "putItem", Params: []string{"id"}, ContentTypes: js, APIKeyRequired: true,
				Summary: "Replace an item."},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "myauth", Type: manifest.AuthBuiltin, Header: "Authorization", Function: "myauth"},
		},
		Functions: []manifest.Function{
			fn("api_handler", manifest.KindAPIHandler),
			fn("myauth", manifest.KindAuthorizer),
			fn("purefn", manifest.KindPureLambda),
			fn("every_five", manifest.KindEvent),
			fn("on_ec2", manifest.KindEvent),
			fn("sns_handler", manifest.KindEvent),
			fn("sns_arn_handler", manifest.KindEvent),
			fn("sqs_handler", manifest.KindEvent),
			fn("sqs_arn_handler", manifest.KindEvent),
			fn("kinesis_handler", manifest.KindEvent),
			fn("ddb_handler", manifest.KindEvent),
			fn("websocket_connect", manifest.KindWebsocket),
			fn("websocket_message", manifest.KindWebsocket),
			fn("websocket_disconnect", manifest.KindWebsocket),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceSchedule, Function: "every_five", Schedule: "rate(5 minutes)", Description: "Every five minutes"},
			{Type: manifest.SourceCWEvent, Function: "on_ec2", EventPattern: json.RawMessage(`{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}`)},
			{Type: manifest.SourceSNS, Function: "sns_handler", Topic: "mytopic"},
			{Type: manifest.SourceSNS, Function: "sns_arn_handler", Topic: "arn:aws:sns:us-west-2:123456789012:othertopic"},
			{Type: manifest.SourceSQS, Function: "sqs_handler", Queue: "myqueue", BatchSize: 5, MaxBatchingWindow: 10,
				MaxConcurrency: intp(3), ReportBatchItemFailures: true},
			{Type: manifest.SourceSQS, Function: "sqs_arn_handler", QueueARN: "arn:aws:sqs:us-west-2:123456789012:otherqueue", BatchSize: 1},
			{Type: manifest.SourceKinesis, Function: "kinesis_handler", Stream: "mystream", BatchSize: 100, StartingPosition: "TRIM_HORIZON",
				ReportBatchItemFailures: true},
			{Type: manifest.SourceDynamoDB, Function: "ddb_handler", StreamARN: "arn:aws:dynamodb:us-west-2:123456789012:table/mytable/stream/2024-01-01T00:00:00.000",
				BatchSize: 50, StartingPosition: "LATEST", MaxBatchingWindow: 1},
		},
		Websocket: []manifest.WSHandler{
			{RouteKey: manifest.WSConnect, Function: "websocket_connect"},
			{RouteKey: manifest.WSDefault, Function: "websocket_message"},
			{RouteKey: manifest.WSDisconnect, Function: "websocket_disconnect"},
		},
	}
}

// sampleConfig exercises every setting the template carries.
const sampleConfig = `{
  "version": "2.0",
  "app_name": "sampleapp",
  "environment_variables": {"TABLE": "items"},
  "tags": {"team": "web"},
  "stages": {
    "dev": {
      "api_gateway_stage": "api",
      "api_gateway_endpoint_type": "EDGE",
      "minimum_compression_size": 1024,
      "xray": true,
      "api_gateway_custom_domain": {
        "domain_name": "api.example.com",
        "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "url_prefix": "v1",
        "tags": {"b": "2", "a": "1"}
      },
      "websocket_api_custom_domain": {
        "domain_name": "ws.example.com",
        "certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/def",
        "tags": {"env": "dev"}
      },
      "lambda_functions": {
        "api_handler": {"lambda_timeout": 30, "lambda_memory_size": 512, "log_retention_in_days": 14},
        "purefn": {
          "lambda_architecture": "x86_64",
          "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
          "security_group_ids": ["sg-0123456789abcdef0"],
          "layers": ["arn:aws:lambda:us-west-2:123456789012:layer:tools:3"],
          "reserved_concurrency": 5,
          "environment_variables": {"MODE": "pure"}
        },
        "sqs_handler": {"autogen_policy": false, "iam_policy_file": "sqs-policy.json"},
        "kinesis_handler": {"manage_iam_role": false, "iam_role_arn": "arn:aws:iam::123456789012:role/kinesis-role"},
        "every_five": {"log_retention_in_days": 7, "xray": false}
      }
    }
  }
}`

var sampleFiles = map[string]string{
	"sqs-policy.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:*"], "Resource": "*"}]}`,
}

func samplePolicies() map[string]any {
	return map[string]any{
		"default-role": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": "arn:*:logs:*:*:*"},
			map[string]any{"Effect": "Allow", "Action": []any{"execute-api:ManageConnections"}, "Resource": "arn:*:execute-api:*:*:*/@connections/*"},
		}},
		"sqs_handler_role": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []any{"sqs:*"}, "Resource": "*"},
		}},
	}
}

func buildApp(t *testing.T, m *manifest.Manifest, configJSON string, files map[string]string) *appgraph.Application {
	t.Helper()
	dir := t.TempDir()
	chalice := filepath.Join(dir, ".chalice")
	if err := os.MkdirAll(chalice, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(chalice, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Parse(filepath.Join(chalice, "config.json"), []byte(configJSON))
	if err != nil {
		t.Fatal(err)
	}
	app, err := appgraph.Build(appgraph.Input{Manifest: m, Config: cfg, Stage: "dev", ProjectDir: dir, DeclaredResources: true})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func generate(t *testing.T, app *appgraph.Application, opts Options) *Template {
	t.Helper()
	tpl, err := Generate(app, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated template (go test -update rewrites it); got:\n%s", path, got)
	}
}

// variants are the templates kept as golden files (and linted).
func variants(t *testing.T) map[string]*Template {
	t.Helper()
	out := map[string]*Template{}
	out["sam"] = generate(t, buildApp(t, sampleManifest(), sampleConfig, sampleFiles),
		Options{Version: "0.1.0", Policies: samplePolicies()})

	// HTTP API (api_type http), with its custom domain.
	httpM := sampleManifest()
	httpM.Routes = slices.DeleteFunc(httpM.Routes, func(r manifest.Route) bool { return r.APIKeyRequired })
	out["http"] = generate(t, buildApp(t, httpM, `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
	  "api_type": "http", "api_gateway_stage": "v1",
	  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/abc"}}}}`, nil), Options{})

	// HTTP API with a JWT authorizer and a payload 2.0 simple-response
	// Lambda authorizer (httpauth_test.go).
	out["http_auth"] = generate(t, httpAuthApp(t), Options{})

	// PRIVATE endpoint with the default VPC endpoint policy, and a REGIONAL
	// custom domain is not allowed with it, so none.
	out["private"] = generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
	  "api_gateway_endpoint_type": "PRIVATE", "api_gateway_endpoint_vpce": "vpce-0123456789abcdef0"}}}`, nil), Options{})

	// PRIVATE endpoint with a policy file.
	out["private_policy_file"] = generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
	  "api_gateway_endpoint_type": "PRIVATE", "api_gateway_policy_file": "api-policy.json"}}}`, map[string]string{
		"api-policy.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*/*/DELETE/*"}]}`,
	}), Options{})

	// REGIONAL endpoint with a custom domain; every function on a
	// pre-created role (no role resource at all), x86_64.
	out["regional_precreated"] = generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp",
	  "manage_iam_role": false, "iam_role_arn": "arn:aws:iam::123456789012:role/app-role", "lambda_architecture": "x86_64",
	  "stages": {"dev": {"api_gateway_endpoint_type": "REGIONAL",
	  "api_gateway_custom_domain": {"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/abc", "tls_version": "TLS_1_2"}}}}`, nil), Options{})

	// CloudFront in front of a REGIONAL REST API: aliases with a
	// certificate, static and image paths, a default TTL, tags.
	out["cloudfront"] = generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp", "tags": {"team": "web"},
	  "stages": {"dev": {"api_gateway_endpoint_type": "REGIONAL", "api_gateway_stage": "v1",
	  "cloudfront": {"static_paths": ["/static/*", "/favicon.ico"], "image_paths": ["/img/*"], "price_class": "PriceClass_200",
	    "aliases": ["www.example.com"], "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/cf", "default_ttl": 60}}}}`, nil), Options{})

	// CloudFront with its defaults in front of an HTTP API on its $default
	// stage (no origin path).
	out["cloudfront_http"] = generate(t, buildApp(t, httpM, `{"version": "2.0", "app_name": "sampleapp", "stages": {"dev": {
	  "api_type": "http", "api_gateway_stage": "$default", "cloudfront": {}}}}`, nil), Options{})

	// The app `gochalice new-project` writes (one GET / route) with its
	// config, and the policy autogen_policy gives it: the policy is a
	// *policygen.Policy, as packager passes it.
	out["newproject"] = generate(t, buildApp(t, newProjectManifest(), newProjectConfig, nil),
		Options{Version: "0.1.0", Policies: map[string]any{"default-role": policygen.Generate(nil, policygen.Traits{})}})

	// Typed routes with API Gateway request validation (typed_test.go).
	out["typed"] = generate(t, typedApp(t), Options{})

	// Declared resources of every kind, one adopted by name
	// (declared_test.go).
	out["resources"] = generate(t, resourcesApp(t), Options{Policies: map[string]any{
		"default-role": policygen.Generate(nil, policygen.Traits{})}})

	// Function URLs, streaming, versions and aliases, async delivery,
	// custom buses and time zones (platform_test.go).
	platformVariants(t, out)
	return out
}

// newProjectManifest is the manifest of the rest-api app new-project writes.
func newProjectManifest() *manifest.Manifest {
	return &manifest.Manifest{
		SchemaVersion: manifest.SchemaVersion,
		App:           "helloworld",
		API:           manifest.API{BinaryTypes: []string{"application/octet-stream", "image/png"}},
		Routes:        []manifest.Route{{Path: "/", Method: "GET", Name: "index", ContentTypes: []string{"application/json"}}},
		Functions:     []manifest.Function{{Name: "api_handler", Kind: manifest.KindAPIHandler, Handler: "api_handler"}},
	}
}

// newProjectConfig is the .chalice/config.json new-project writes.
const newProjectConfig = `{"version": "2.0", "app_name": "helloworld", "stages": {"dev": {"api_gateway_stage": "api"}}}`

// restOnly is the sample's REST API alone.
func restOnly() *manifest.Manifest {
	m := sampleManifest()
	m.EventSources = []manifest.EventSource{}
	m.Websocket = []manifest.WSHandler{}
	m.Functions = slices.DeleteFunc(m.Functions, func(f manifest.Function) bool {
		return f.Kind != manifest.KindAPIHandler && f.Kind != manifest.KindAuthorizer
	})
	return m
}

func TestGolden(t *testing.T) {
	for name, tpl := range variants(t) {
		t.Run(name, func(t *testing.T) {
			js, err := Marshal(tpl)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".json", js)
			y, err := MarshalYAML(tpl)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".yaml", y)
		})
	}
}

// TestChaliceShape pins the parts of the sample template that come
// straight from Chalice's SAMTemplateGenerator.
func TestChaliceShape(t *testing.T) {
	tpl := generate(t, buildApp(t, sampleManifest(), sampleConfig, sampleFiles), Options{Policies: samplePolicies()})

	if got := tpl.Root().Keys(); !slices.Equal(got, []string{"AWSTemplateFormatVersion", "Transform", "Outputs", "Resources"}) {
		t.Errorf("top-level keys %v", got)
	}
	wantOrder := []string{
		"DefaultRole", "Purefn", "EveryFiveLogGroup", "EveryFive", "OnEc2", "SnsHandler", "SnsArnHandler",
		"SqsHandlerRole", "SqsHandler", "SqsArnHandler", "KinesisHandler", "DdbHandler",
		"ApiHandlerLogGroup", "Myauth", "RestAPI", "APIHandler", "APIHandlerInvokePermission", "MyauthInvokePermission",
		"ApiGatewayCustomDomain", "ApiGatewayCustomDomainMapping",
		"WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect", "WebsocketAPI",
		"WebsocketConnectAPIIntegration", "WebsocketConnectInvokePermission",
		"WebsocketMessageAPIIntegration", "WebsocketMessageInvokePermission",
		"WebsocketDisconnectAPIIntegration", "WebsocketDisconnectInvokePermission",
		"WebsocketConnectRoute", "WebsocketMessageRoute", "WebsocketDisconnectRoute",
		"WebsocketAPIDeployment", "WebsocketAPIStage", "WebsocketApiCustomDomain", "WebsocketApiCustomDomainMapping",
	}
	if got := tpl.Resources().Keys(); !slices.Equal(got, wantOrder) {
		t.Errorf("resources in order\n got %v\nwant %v", got, wantOrder)
	}
	wantOutputs := []string{"RestAPIId", "APIHandlerName", "APIHandlerArn", "EndpointURL", "AliasDomainName", "HostedZoneId",
		"WebsocketAPIId", "WebsocketConnectHandlerArn", "WebsocketConnectHandlerName", "WebsocketMessageHandlerArn",
		"WebsocketMessageHandlerName", "WebsocketDisconnectHandlerArn", "WebsocketDisconnectHandlerName",
		"WebsocketConnectEndpointURL", "WebsocketAliasDomainName", "WebsocketHostedZoneId"}
	if got := tpl.Outputs().Keys(); !slices.Equal(got, wantOutputs) {
		t.Errorf("outputs\n got %v\nwant %v", got, wantOutputs)
	}

	m := tpl.Map()
	check := func(path string, want string) {
		t.Helper()
		got := lookup(t, m, path)
		b, _ := json.Marshal(got)
		if string(b) != want {
			t.Errorf("%s = %s, want %s", path, b, want)
		}
	}
	check("Resources.APIHandler.Properties.Runtime", `"provided.al2023"`)
	check("Resources.APIHandler.Properties.Handler", `"api_handler"`)
	check("Resources.APIHandler.Properties.CodeUri", `"./deployment.zip"`)
	check("Resources.APIHandler.Properties.Architectures", `["arm64"]`)
	check("Resources.APIHandler.Properties.Timeout", `30`)
	check("Resources.APIHandler.Properties.MemorySize", `512`)
	check("Resources.APIHandler.Properties.Tracing", `"Active"`)
	check("Resources.APIHandler.Properties.Role", `{"Fn::GetAtt":["DefaultRole","Arn"]}`)
	check("Resources.APIHandler.Properties.Environment", `{"Variables":{"TABLE":"items"}}`)
	check("Resources.ApiHandlerLogGroup", `{"Properties":{"LogGroupName":{"Fn::Sub":"/aws/lambda/${APIHandler}"},"RetentionInDays":14},"Type":"AWS::Logs::LogGroup"}`)
	check("Resources.EveryFiveLogGroup.Properties.LogGroupName", `{"Fn::Sub":"/aws/lambda/${EveryFive}"}`)
	check("Resources.EveryFive.Properties.Tracing", `"PassThrough"`)
	check("Resources.EveryFive.Properties.Events", `{"EveryFiveEvent":{"Properties":{"Description":"Every five minutes","Schedule":"rate(5 minutes)"},"Type":"Schedule"}}`)
	check("Resources.OnEc2.Properties.Events.OnEc2Event", `{"Properties":{"Pattern":{"detail-type":["EC2 Instance State-change Notification"],"source":["aws.ec2"]}},"Type":"CloudWatchEvent"}`)
	check("Resources.SnsHandler.Properties.Events.SnsHandlerSnsSubscription.Properties.Topic", `{"Fn::Sub":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:mytopic"}`)
	check("Resources.SnsArnHandler.Properties.Events.SnsArnHandlerSnsSubscription.Properties.Topic", `"arn:aws:sns:us-west-2:123456789012:othertopic"`)
	check("Resources.SqsHandler.Properties.Events.SqsHandlerSqsEventSource", `{"Properties":{"BatchSize":5,"FunctionResponseTypes":["ReportBatchItemFailures"],"MaximumBatchingWindowInSeconds":10,"Queue":{"Fn::Sub":"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:myqueue"},"ScalingConfig":{"MaximumConcurrency":3}},"Type":"SQS"}`)
	check("Resources.SqsHandler.Properties.Role", `{"Fn::GetAtt":["SqsHandlerRole","Arn"]}`)
	check("Resources.SqsHandlerRole.Properties.Policies", `[{"PolicyDocument":{"Statement":[{"Action":["sqs:*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"},"PolicyName":"SqsHandlerRolePolicy"}]`)
	check("Resources.SqsArnHandler.Properties.Events.SqsArnHandlerSqsEventSource.Properties", `{"BatchSize":1,"MaximumBatchingWindowInSeconds":0,"Queue":"arn:aws:sqs:us-west-2:123456789012:otherqueue"}`)
	check("Resources.KinesisHandler.Properties.Role", `"arn:aws:iam::123456789012:role/kinesis-role"`)
	check("Resources.KinesisHandler.Properties.Events.KinesisHandlerKinesisEventSource.Properties", `{"BatchSize":100,"FunctionResponseTypes":["ReportBatchItemFailures"],"MaximumBatchingWindowInSeconds":0,"StartingPosition":"TRIM_HORIZON","Stream":{"Fn::Sub":"arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/mystream"}}`)
	check("Resources.DdbHandler.Properties.Events.DdbHandlerDynamodbEventSource.Properties", `{"BatchSize":50,"MaximumBatchingWindowInSeconds":1,"StartingPosition":"LATEST","Stream":"arn:aws:dynamodb:us-west-2:123456789012:table/mytable/stream/2024-01-01T00:00:00.000"}`)
	check("Resources.Purefn.Properties.Architectures", `["x86_64"]`)
	check("Resources.Purefn.Properties.VpcConfig", `{"SecurityGroupIds":["sg-0123456789abcdef0"],"SubnetIds":["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]}`)
	check("Resources.Purefn.Properties.Layers", `["arn:aws:lambda:us-west-2:123456789012:layer:tools:3"]`)
	check("Resources.Purefn.Properties.ReservedConcurrentExecutions", `5`)
	check("Resources.Purefn.Properties.Environment.Variables", `{"MODE":"pure","TABLE":"items"}`)
	check("Resources.DefaultRole.Properties.AssumeRolePolicyDocument", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Sid":""}],"Version":"2012-10-17"}`)
	check("Resources.RestAPI.Properties.EndpointConfiguration", `{"Type":"EDGE"}`)
	check("Resources.RestAPI.Properties.StageName", `"api"`)
	check("Resources.RestAPI.Properties.MinimumCompressionSize", `1024`)
	check("Resources.RestAPI.Properties.TracingEnabled", `true`)
	check("Resources.RestAPI.Properties.DefinitionBody.securityDefinitions.myauth.x-amazon-apigateway-authorizer.authorizerUri",
		`{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Myauth.Arn}/invocations"}`)
	check("Resources.APIHandlerInvokePermission", `{"Properties":{"Action":"lambda:InvokeFunction","FunctionName":{"Ref":"APIHandler"},"Principal":"apigateway.amazonaws.com","SourceArn":{"Fn::Sub":["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestAPIId}/*",{"RestAPIId":{"Ref":"RestAPI"}}]}},"Type":"AWS::Lambda::Permission"}`)
	check("Resources.MyauthInvokePermission.Properties.FunctionName", `{"Fn::GetAtt":["Myauth","Arn"]}`)
	check("Resources.ApiGatewayCustomDomain", `{"Properties":{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/abc","DomainName":"api.example.com","EndpointConfiguration":{"Types":["EDGE"]},"SecurityPolicy":"TLS_1_2","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]},"Type":"AWS::ApiGateway::DomainName"}`)
	check("Resources.ApiGatewayCustomDomainMapping.Properties", `{"BasePath":"v1","DomainName":{"Ref":"ApiGatewayCustomDomain"},"RestApiId":{"Ref":"RestAPI"},"Stage":{"Ref":"RestAPI.Stage"}}`)
	check("Resources.WebsocketAPI.Properties", `{"Name":"sampleapp-dev-websocket-api","ProtocolType":"WEBSOCKET","RouteSelectionExpression":"$request.body.action"}`)
	check("Resources.WebsocketMessageRoute.Properties", `{"ApiId":{"Ref":"WebsocketAPI"},"RouteKey":"$default","Target":{"Fn::Join":["/",["integrations",{"Ref":"WebsocketMessageAPIIntegration"}]]}}`)
	check("Resources.WebsocketAPIDeployment.DependsOn", `["WebsocketConnectRoute","WebsocketMessageRoute","WebsocketDisconnectRoute"]`)
	check("Resources.WebsocketAPIStage.Properties", `{"ApiId":{"Ref":"WebsocketAPI"},"DeploymentId":{"Ref":"WebsocketAPIDeployment"},"StageName":"api"}`)
	check("Resources.WebsocketApiCustomDomainMapping.Properties", `{"ApiId":{"Ref":"WebsocketAPI"},"ApiMappingKey":"(none)","DomainName":{"Ref":"WebsocketApiCustomDomain"},"Stage":{"Ref":"WebsocketAPIStage"}}`)
	check("Resources.WebsocketConnectAPIIntegration.Properties.IntegrationUri", `{"Fn::Sub":["arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${WebsocketHandler}/invocations",{"WebsocketHandler":{"Ref":"WebsocketConnect"}}]}`)
	check("Outputs.EndpointURL", `{"Value":{"Fn::Sub":"https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}}`)
	check("Outputs.WebsocketConnectEndpointURL", `{"Value":{"Fn::Sub":"wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}}`)
	check("Outputs.AliasDomainName", `{"Value":{"Fn::GetAtt":["ApiGatewayCustomDomain","DistributionDomainName"]}}`)
	check("Outputs.WebsocketHostedZoneId", `{"Value":{"Fn::GetAtt":["WebsocketApiCustomDomain","RegionalHostedZoneId"]}}`)

	tags := lookup(t, m, "Resources.Purefn.Properties.Tags").(map[string]any)
	if tags["team"] != "web" || !strings.HasPrefix(fmt.Sprint(tags["aws-chalice"]), "version=") {
		t.Errorf("tags = %v", tags)
	}
	if _, ok := lookup(t, m, "Resources.DefaultRole.Properties").(map[string]any)["RoleName"]; ok {
		t.Error("roles must not have a RoleName (it would need CAPABILITY_NAMED_IAM)")
	}
	for _, id := range tpl.Resources().Keys() {
		if p := tpl.Resource(id); p != nil && p["FunctionName"] != nil && strings.HasSuffix(id, "Handler") {
			t.Errorf("%s has a FunctionName", id)
		}
	}
	if _, ok := lookup(t, m, "Resources.SnsHandler.Properties").(map[string]any)["Environment"]; !ok {
		t.Error("app-wide environment variables missing")
	}
}

func lookup(t *testing.T, m map[string]any, path string) any {
	t.Helper()
	var cur any = m
	for part := range strings.SplitSeq(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %q is not inside an object", path, part)
		}
		if cur, ok = mm[part]; !ok {
			// Keys such as RestAPI.Stage contain dots: not used in paths.
			t.Fatalf("%s: no %q", path, part)
		}
	}
	return cur
}

func TestVariants(t *testing.T) {
	vs := variants(t)

	h := vs["http"].Map()
	if typ := lookup(t, h, "Resources.RestAPI.Type"); typ != "AWS::Serverless::HttpApi" {
		t.Errorf("HTTP API type %v", typ)
	}
	body := lookup(t, h, "Resources.RestAPI.Properties.DefinitionBody").(map[string]any)
	if body["openapi"] != "3.0.1" {
		t.Errorf("HTTP API definition is %v", body["openapi"])
	}
	integ := lookup(t, body, "paths./.get.x-amazon-apigateway-integration").(map[string]any)
	if integ["payloadFormatVersion"] != "2.0" {
		t.Errorf("integration %v", integ)
	}
	if got := lookup(t, h, "Resources.ApiGatewayCustomDomain.Type"); got != "AWS::ApiGatewayV2::DomainName" {
		t.Errorf("HTTP API domain type %v", got)
	}
	if got := fmt.Sprint(lookup(t, h, "Outputs.EndpointURL")); !strings.Contains(got, "/v1/") {
		t.Errorf("EndpointURL %s", got)
	}

	p := vs["private"].Map()
	if got := fmt.Sprint(lookup(t, p, "Resources.RestAPI.Properties.EndpointConfiguration")); got != "map[Type:PRIVATE VPCEndpointIds:[vpce-0123456789abcdef0]]" {
		t.Errorf("PRIVATE endpoint configuration %s", got)
	}
	pol := lookup(t, p, "Resources.RestAPI.Properties.DefinitionBody.x-amazon-apigateway-policy")
	if b, _ := json.Marshal(pol); !strings.Contains(string(b), `"aws:SourceVpce":"vpce-0123456789abcdef0"`) {
		t.Errorf("PRIVATE default policy %s", b)
	}
	pf := vs["private_policy_file"].Map()
	if b, _ := json.Marshal(lookup(t, pf, "Resources.RestAPI.Properties.DefinitionBody.x-amazon-apigateway-policy")); !strings.Contains(string(b), `"Effect":"Deny"`) {
		t.Errorf("policy file not used: %s", b)
	}
	if b, _ := json.Marshal(lookup(t, pf, "Resources.RestAPI.Properties.EndpointConfiguration")); string(b) != `{"Type":"PRIVATE"}` {
		t.Errorf("EndpointConfiguration %s", b)
	}

	r := vs["regional_precreated"]
	for _, id := range r.Resources().Keys() {
		if strings.HasSuffix(id, "Role") {
			t.Errorf("pre-created role but the template has %s", id)
		}
	}
	rm := r.Map()
	if got := lookup(t, rm, "Resources.APIHandler.Properties.Role"); got != "arn:aws:iam::123456789012:role/app-role" {
		t.Errorf("pre-created role %v", got)
	}
	if got := fmt.Sprint(lookup(t, rm, "Resources.APIHandler.Properties.Architectures")); got != "[x86_64]" {
		t.Errorf("architectures %s", got)
	}
	dom := lookup(t, rm, "Resources.ApiGatewayCustomDomain.Properties").(map[string]any)
	if dom["RegionalCertificateArn"] == nil || dom["CertificateArn"] != nil {
		t.Errorf("REGIONAL domain %v", dom)
	}
	if got := fmt.Sprint(lookup(t, rm, "Outputs.HostedZoneId")); got != "map[Value:map[Fn::GetAtt:[ApiGatewayCustomDomain RegionalHostedZoneId]]]" {
		t.Errorf("HostedZoneId %s", got)
	}
}

func TestS3EventIsAnError(t *testing.T) {
	m := sampleManifest()
	m.Functions = append(m.Functions, manifest.Function{Name: "on_upload", Kind: manifest.KindEvent, Handler: "on_upload"})
	m.EventSources = append(m.EventSources, manifest.EventSource{Type: manifest.SourceS3, Function: "on_upload", Bucket: "mybucket", Events: []string{"s3:ObjectCreated:*"}})
	_, err := Generate(buildApp(t, m, sampleConfig, sampleFiles), Options{})
	var s3 *S3Error
	if !errors.As(err, &s3) {
		t.Fatalf("err = %v, want *S3Error", err)
	}
	want := "Unable to package gochalice apps that use the OnS3Event handler on_upload. CloudFormation does not support modifying the event notifications of existing buckets. You can deploy this app with `gochalice deploy`."
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}

func TestDuplicateLogicalIDs(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"foo_bar", "foo__bar"},
		{"foo_bar", "foo-bar"},
		{"myauth_invoke_permission", ""}, // collides with the authorizer's permission
	} {
		m := restOnly()
		m.Functions = append(m.Functions, manifest.Function{Name: tc.a, Kind: manifest.KindPureLambda, Handler: tc.a})
		if tc.b != "" {
			m.Functions = append(m.Functions, manifest.Function{Name: tc.b, Kind: manifest.KindPureLambda, Handler: tc.b})
		}
		_, err := Generate(buildApp(t, m, `{"version": "2.0", "app_name": "sampleapp"}`, nil), Options{})
		var dup *DuplicateNameError
		if !errors.As(err, &dup) {
			t.Errorf("%s/%s: err = %v, want *DuplicateNameError", tc.a, tc.b, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.a) {
			t.Errorf("error does not name %s: %v", tc.a, err)
		}
		t.Log(err)
	}
}

func TestLogicalID(t *testing.T) {
	for in, want := range map[string]string{
		"api_handler":                       "ApiHandler",
		"default-role":                      "DefaultRole",
		"every_five-event":                  "EveryFiveEvent",
		"sqs_handler-sqs-event-source":      "SqsHandlerSqsEventSource",
		"websocket_connect":                 "WebsocketConnect",
		"foo__bar":                          "FooBar",
		"myFunc":                            "MyFunc",
		"a.b":                               "Ab",
		"api_gateway_custom_domain":         "ApiGatewayCustomDomain",
		"websocket_api_custom_domain":       "WebsocketApiCustomDomain",
		"ddb_handler-dynamodb-event-source": "DdbHandlerDynamodbEventSource",
	} {
		got, err := LogicalID(in)
		if err != nil || got != want {
			t.Errorf("LogicalID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-", "__"} {
		if _, err := LogicalID(bad); err == nil {
			t.Errorf("LogicalID(%q): no error", bad)
		}
	}
}

func TestMissingPolicyGetsLogsPolicy(t *testing.T) {
	tpl := generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp"}`, nil), Options{})
	got := lookup(t, tpl.Map(), "Resources.DefaultRole.Properties.Policies").([]any)[0].(map[string]any)["PolicyDocument"]
	if fmt.Sprint(got) != fmt.Sprint(LogsPolicy()) {
		t.Errorf("policy %v", got)
	}
}

func TestMarshalFormatting(t *testing.T) {
	tpl := newTemplate()
	tpl.Resources().Set("B", NewObject("Type", "T", "Properties", map[string]any{"z": 1, "a": "é <&> 😀", "e": map[string]any{}, "l": []any{}}))
	tpl.Resources().Set("A", NewObject("Type", "T"))
	got, err := Marshal(tpl)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Transform": "AWS::Serverless-2016-10-31",
  "Outputs": {},
  "Resources": {
    "B": {
      "Type": "T",
      "Properties": {
        "a": "\u00e9 <&> \ud83d\ude00",
        "e": {},
        "l": [],
        "z": 1
      }
    },
    "A": {
      "Type": "T"
    }
  }
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil || lookup(t, back, "Resources.B.Properties.a") != "é <&> 😀" {
		t.Errorf("round trip: %v %v", err, back)
	}
}

func TestMerge(t *testing.T) {
	tpl := generate(t, buildApp(t, restOnly(), `{"version": "2.0", "app_name": "sampleapp"}`, nil), Options{})
	tpl.Merge(map[string]any{
		"Resources": map[string]any{
			"APIHandler": map[string]any{"Properties": map[string]any{"MemorySize": 1024, "Architectures": []any{"x86_64"}}},
			"Table":      map[string]any{"Type": "AWS::DynamoDB::Table"},
		},
		"Parameters": map[string]any{"Env": map[string]any{"Type": "String"}},
	})
	m := tpl.Map()
	if lookup(t, m, "Resources.APIHandler.Properties.MemorySize") != 1024 || lookup(t, m, "Resources.APIHandler.Properties.Handler") != "api_handler" {
		t.Errorf("merge into APIHandler: %v", lookup(t, m, "Resources.APIHandler.Properties"))
	}
	if fmt.Sprint(lookup(t, m, "Resources.APIHandler.Properties.Architectures")) != "[x86_64]" {
		t.Error("lists are replaced")
	}
	keys := tpl.Resources().Keys()
	if keys[len(keys)-1] != "Table" || tpl.Root().Keys()[4] != "Parameters" {
		t.Errorf("new keys are appended: %v %v", keys, tpl.Root().Keys())
	}
}

// TestRegistrationOrder: with built-in authorizers registered as zeta,
// alpha, mid (the manifest lists authorizers by name) and event sources
// registered DynamoDB before SQS, the template's resources and the role's
// policy statements follow the registration order.
func TestRegistrationOrder(t *testing.T) {
	fn := func(name, kind string) manifest.Function {
		return manifest.Function{Name: name, Kind: kind, Handler: name}
	}
	m := &manifest.Manifest{SchemaVersion: manifest.SchemaVersion, App: "order",
		Routes: []manifest.Route{
			{Path: "/a", Method: "GET", Name: "a", Authorizer: "alpha", ContentTypes: []string{"application/json"}},
			{Path: "/m", Method: "GET", Name: "m", Authorizer: "mid", ContentTypes: []string{"application/json"}},
			{Path: "/z", Method: "GET", Name: "z", Authorizer: "zeta", ContentTypes: []string{"application/json"}},
		},
		Authorizers: []manifest.Authorizer{
			{Name: "alpha", Type: manifest.AuthBuiltin, Function: "alpha"},
			{Name: "mid", Type: manifest.AuthBuiltin, Function: "mid"},
			{Name: "zeta", Type: manifest.AuthBuiltin, Function: "zeta"},
		},
		Functions: []manifest.Function{
			fn("api_handler", manifest.KindAPIHandler),
			fn("zeta", manifest.KindAuthorizer), fn("alpha", manifest.KindAuthorizer), fn("mid", manifest.KindAuthorizer),
			fn("on_table", manifest.KindEvent), fn("on_queue", manifest.KindEvent),
		},
		EventSources: []manifest.EventSource{
			{Type: manifest.SourceDynamoDB, Function: "on_table", StreamARN: "arn:aws:dynamodb:us-west-2:123456789012:table/t/stream/x", BatchSize: 100, StartingPosition: "LATEST"},
			{Type: manifest.SourceSQS, Function: "on_queue", Queue: "q", BatchSize: 1},
		},
	}
	app := buildApp(t, m, `{"version": "2.0", "app_name": "order"}`, nil)
	tr := app.Roles[0].Traits
	policy := policygen.Generate(nil, policygen.Traits{SQS: tr.SQS, DynamoDB: tr.DynamoDB, EventSources: tr.EventSources})
	tpl := generate(t, app, Options{Policies: map[string]any{"default-role": policy}})
	want := []string{"DefaultRole", "OnTable", "OnQueue", "Zeta", "Alpha", "Mid", "RestAPI", "APIHandler",
		"APIHandlerInvokePermission", "ZetaInvokePermission", "AlphaInvokePermission", "MidInvokePermission"}
	if got := tpl.Resources().Keys(); !slices.Equal(got, want) {
		t.Errorf("resources\n got %v\nwant %v", got, want)
	}
	js, err := Marshal(tpl)
	if err != nil {
		t.Fatal(err)
	}
	ddb, sqs := bytes.Index(js, []byte(`"dynamodb:DescribeStream"`)), bytes.Index(js, []byte(`"sqs:ReceiveMessage"`))
	if ddb < 0 || sqs < 0 || ddb > sqs {
		t.Errorf("the DynamoDB statement (registered first) must precede the SQS one: %d, %d", ddb, sqs)
	}
}
