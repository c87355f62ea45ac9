// Package sam writes the AWS SAM template of `gochalice package`, as
// Chalice's SAMTemplateGenerator (chalice/package.py) with gochalice's
// runtime: every function runs the app binary on provided.al2023 and
// Handler is the _HANDLER name that selects the function.
//
// Generate walks the resource model (internal/appgraph) in its order and
// returns a *Template whose Resources and Outputs keep Chalice's order:
// roles and functions (with their events) as the model lists them, then
// RestAPI, APIHandler (moved after the API as Chalice does) and the invoke
// permissions, then the websocket resources. Marshal writes it as Chalice's
// sam.json, MarshalYAML as sam.yaml.
//
// Deliberate differences from Chalice, each a fix or a gochalice feature:
//   - Functions have Architectures (lambda_architecture) and schedules keep
//     their Description.
//   - SQS/Kinesis/DynamoDB events get FunctionResponseTypes
//     [ReportBatchItemFailures] when the handler reports partial failures.
//   - RestAPI's EndpointConfiguration uses SAM's object form {"Type": ...}
//     (with VPCEndpointIds for PRIVATE endpoints), and TracingEnabled when
//     the stage has xray.
//   - The custom domain's BasePathMapping names the stage with
//     {"Ref": "RestAPI.Stage"} rather than the stage name, so CloudFormation
//     creates it after the stage (Chalice issues #1735, #2003).
//   - A log group's name refers to the function's final logical ID
//     (${APIHandler} for the API handler, where Chalice writes the
//     pre-rename ${ApiHandler}).
//   - Custom domains add the AliasDomainName and HostedZoneId outputs (and
//     WebsocketAliasDomainName, WebsocketHostedZoneId) that Chalice only
//     writes for Terraform.
//   - api_type "http" makes RestAPI an AWS::Serverless::HttpApi whose
//     DefinitionBody is OpenAPI 3.0 with payload format 2.0 integrations
//     (see package swagger); its custom domain is an API Gateway v2 domain
//     (REGIONAL). HTTP APIs have no endpoint type, minimum compression size
//     or X-Ray tracing, so those stage settings do not apply to them
//     (functions still get Tracing).
//   - The cloudfront key (a gochalice addition) adds a CloudFront
//     distribution in front of the API, its cache policies and the
//     CloudFrontDistributionId, CloudFrontDomainName and CloudFrontURL
//     outputs (cloudfront.go).
//   - Logical IDs the generator fixes itself (RestAPI, APIHandler, the
//     permissions, websocket resources) take part in the collision check.
package sam

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/manifest"
)

// DefaultCodeURI is where `gochalice package` writes the deployment zip,
// relative to the template.
const DefaultCodeURI = "./deployment.zip"

// Options say how to write the template.
type Options struct {
	// CodeURI is every function's CodeUri; empty means DefaultCodeURI.
	CodeURI string
	// Version is the gochalice version; when set the template gets a
	// Description naming it.
	Version string
	// Policies maps a managed role's resource name (default-role,
	// <function>_role) to its IAM policy document, generated or read from
	// the policy file by the caller. A missing role gets LogsPolicy.
	Policies map[string]any
	// CodeSHA256 is the deployment package's SHA-256, base64 (as Lambda
	// reports CodeSha256). Functions with publish_versions and no
	// lambda_alias need it: their published version is checked against
	// it and replaced when it changes.
	CodeSHA256 string
}

// LogsPolicy lets a function write its CloudWatch logs; roles with no
// entry in Options.Policies get it.
func LogsPolicy() map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":   "Allow",
			"Action":   []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": "arn:*:logs:*:*:*",
		}},
	}
}

// S3Error is the error for apps with S3 event handlers, which a template
// cannot express (CloudFormation cannot change an existing bucket's
// notifications).
type S3Error struct {
	Function string
}

func (e *S3Error) Error() string {
	return fmt.Sprintf("Unable to package gochalice apps that use the OnS3Event handler %s. "+
		"CloudFormation does not support modifying the event notifications of existing buckets. "+
		"You can deploy this app with `gochalice deploy`.", e.Function)
}

// DuplicateNameError reports two resources whose logical IDs collide.
type DuplicateNameError struct {
	LogicalID   string
	First, Then string // the resource names that map to LogicalID
}

func (e *DuplicateNameError) Error() string {
	return fmt.Sprintf("A duplicate resource name was generated for the SAM template: %s (from %q and %q); rename one of them",
		e.LogicalID, e.First, e.Then)
}

const (
	apiHandlerID = "APIHandler"
	restAPIID    = "RestAPI"
	wsAPIID      = "WebsocketAPI"
	principalAPI = "apigateway.amazonaws.com"
)

// Generate builds the SAM template of app.
func Generate(app *appgraph.Application, opts Options) (*Template, error) {
	if app == nil {
		return nil, errors.New("sam: no application model")
	}
	if opts.CodeURI == "" {
		opts.CodeURI = DefaultCodeURI
	}
	g := &generator{app: app, opts: opts, tpl: newTemplate(), owner: map[string]string{}}
	if opts.Version != "" {
		g.tpl.root = NewObject(
			"AWSTemplateFormatVersion", g.tpl.root.Get("AWSTemplateFormatVersion"),
			"Transform", g.tpl.root.Get("Transform"),
			"Description", fmt.Sprintf("%s (stage %s), generated by gochalice %s", app.AppName, app.Stage, opts.Version),
			"Outputs", g.tpl.Outputs(),
			"Resources", g.tpl.Resources(),
		)
	}
	for _, r := range app.Resources() {
		var err error
		switch r := r.(type) {
		case *appgraph.Declared:
			err = g.declared(r)
		case *appgraph.Role:
			err = g.role(r)
		case *appgraph.Function:
			err = g.function(r)
		case *appgraph.EventSource:
			err = g.event(r)
		case *appgraph.RestAPI:
			err = g.restAPI(r)
		case *appgraph.WebsocketAPI:
			err = g.websocketAPI(r)
		default:
			err = fmt.Errorf("sam: unsupported resource %s (%s)", r.Name(), r.Kind())
		}
		if err != nil {
			return nil, err
		}
	}
	if app.CloudFront != nil {
		if err := g.cloudFront(app.CloudFront); err != nil {
			return nil, err
		}
	}
	return g.tpl, nil
}

type generator struct {
	app   *appgraph.Application
	opts  Options
	tpl   *Template
	owner map[string]string // logical ID -> resource name that claimed it
	// deferred holds the API handler's function until the API is written.
	apiHandler *Object
	// versions are the AWS::Lambda::Version resources of functions that
	// publish versions without an alias, written after their function.
	versions []deferredResource
}

// addFunction writes a function and the version it publishes, if any.
func (g *generator) addFunction(id string, res *Object) {
	g.add(id, res)
	for _, v := range g.versions {
		if v.id == id+"Version" {
			g.add(v.id, v.res)
		}
	}
}

// claim reserves a logical ID for a resource name.
func (g *generator) claim(id, name string) error {
	if prev, ok := g.owner[id]; ok {
		return &DuplicateNameError{LogicalID: id, First: prev, Then: name}
	}
	g.owner[id] = name
	return nil
}

// register derives and claims the logical ID of a resource name.
func (g *generator) register(name string) (string, error) {
	id, err := LogicalID(name)
	if err != nil {
		return "", err
	}
	return id, g.claim(id, name)
}

func (g *generator) add(id string, res *Object) { g.tpl.Resources().Set(id, res) }

func resource(typ string, props map[string]any) *Object {
	return NewObject("Type", typ, "Properties", props)
}

// isAPIHandler reports the function serving the routes, through the
// REST/HTTP API or, with api_type "url", through its Function URL: its
// logical ID is APIHandler either way.
func (g *generator) isAPIHandler(fn *appgraph.Function) bool {
	if g.app.RestAPI != nil {
		return g.app.RestAPI.Handler == fn
	}
	return g.app.IsURLAPI() && fn == g.app.APIHandler()
}

// functionID is the final logical ID of a function.
func (g *generator) functionID(fn *appgraph.Function) (string, error) {
	if g.isAPIHandler(fn) {
		return apiHandlerID, nil
	}
	return LogicalID(fn.ResourceName)
}

func (g *generator) role(r *appgraph.Role) error {
	if !r.Managed {
		return nil
	}
	id, err := g.register(r.ResourceName)
	if err != nil {
		return err
	}
	policy, ok := g.opts.Policies[r.ResourceName]
	if !ok || policy == nil {
		policy = LogsPolicy()
	}
	if len(r.Uses) > 0 || len(r.Destinations) > 0 {
		// A copy as plain JSON values, whatever type the policy came as.
		raw, err := json.Marshal(policy)
		if err != nil {
			return fmt.Errorf("sam: role %s: policy: %w", r.ResourceName, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
			return fmt.Errorf("sam: role %s: the policy is not a JSON object", r.ResourceName)
		}
		if err := g.usePolicy(r, doc); err != nil {
			return err
		}
		destinationPolicy(r, doc)
		policy = doc
	}
	g.add(id, resource("AWS::IAM::Role", map[string]any{
		"AssumeRolePolicyDocument": deepCopy(appgraph.LambdaTrustPolicy),
		"Policies":                 []any{map[string]any{"PolicyDocument": policy, "PolicyName": id + "Policy"}},
	}))
	return nil
}

func (g *generator) function(fn *appgraph.Function) error {
	id, err := g.register(fn.ResourceName)
	if err != nil {
		return err
	}
	if g.isAPIHandler(fn) {
		// Chalice writes the handler as ApiHandler and renames it
		// APIHandler when it writes the API; both IDs are taken.
		if err := g.claim(apiHandlerID, fn.ResourceName); err != nil {
			return err
		}
		id = apiHandlerID
	}
	fc := fn.Config
	if fc == nil {
		return fmt.Errorf("sam: function %s has no configuration", fn.ResourceName)
	}
	arch := fc.Architecture
	if arch == "" {
		arch = "arm64"
	}
	tracing := "PassThrough"
	if fc.XRay {
		tracing = "Active"
	}
	runtime := fn.Runtime
	if runtime == "" {
		runtime = appgraph.Runtime
	}
	props := map[string]any{
		"Runtime":       runtime,
		"Handler":       fn.Handler,
		"CodeUri":       g.opts.CodeURI,
		"Architectures": []any{arch},
		"Tags":          stringMap(fc.Tags),
		"Tracing":       tracing,
		"Timeout":       fc.Timeout,
		"MemorySize":    fc.MemorySize,
	}
	if len(fc.EnvironmentVariables) > 0 || len(fn.Uses) > 0 {
		vars := stringMap(fc.EnvironmentVariables)
		if err := g.useEnvironment(fn, vars); err != nil {
			return err
		}
		props["Environment"] = map[string]any{"Variables": vars}
	}
	if len(fc.SecurityGroupIDs) > 0 && len(fc.SubnetIDs) > 0 {
		props["VpcConfig"] = map[string]any{
			"SecurityGroupIds": strs(fc.SecurityGroupIDs),
			"SubnetIds":        strs(fc.SubnetIDs),
		}
	}
	if fc.ReservedConcurrency != nil {
		props["ReservedConcurrentExecutions"] = *fc.ReservedConcurrency
	}
	if len(fc.Layers) > 0 {
		props["Layers"] = strs(fc.Layers)
	}
	switch role := fn.Role; {
	case role == nil:
		return fmt.Errorf("sam: function %s has no role", fn.ResourceName)
	case role.Managed:
		roleID, err := LogicalID(role.ResourceName)
		if err != nil {
			return err
		}
		props["Role"] = map[string]any{"Fn::GetAtt": []any{roleID, "Arn"}}
	default:
		props["Role"] = role.PreCreatedARN
	}
	if fc.LogRetentionInDays != nil {
		logID, err := g.register(fn.ResourceName + "-log-group")
		if err != nil {
			return err
		}
		g.add(logID, resource("AWS::Logs::LogGroup", map[string]any{
			"LogGroupName":    map[string]any{"Fn::Sub": "/aws/lambda/${" + id + "}"},
			"RetentionInDays": *fc.LogRetentionInDays,
		}))
	}
	if err := g.platform(id, fn, props); err != nil {
		return err
	}
	res := resource("AWS::Serverless::Function", props)
	if g.isAPIHandler(fn) && g.app.RestAPI != nil {
		g.apiHandler = res
		return nil
	}
	g.addFunction(id, res)
	return nil
}

var snsARN = regexp.MustCompile(`^arn:aws[a-z\-]*:sns:`)

func (g *generator) event(ev *appgraph.EventSource) error {
	src := ev.Source
	var res *appgraph.Declared
	if src.Resource != "" {
		if res = g.app.DeclaredResource(src.Resource); res == nil {
			return fmt.Errorf("sam: event source %s: resource %q is not declared", ev.ResourceName, src.Resource)
		}
	}
	if src.Type == manifest.SourceS3 && res == nil {
		return &S3Error{Function: ev.Function.ResourceName}
	}
	fnID, err := g.functionID(ev.Function)
	if err != nil {
		return err
	}
	var fnRes *Object
	if g.isAPIHandler(ev.Function) && g.apiHandler != nil {
		fnRes = g.apiHandler
	} else {
		fnRes, _ = g.tpl.Resources().Get(fnID).(*Object)
	}
	if fnRes == nil {
		return fmt.Errorf("sam: event source %s: function %s is not in the template", ev.ResourceName, ev.Function.ResourceName)
	}
	id, err := g.register(ev.ResourceName)
	if err != nil {
		return err
	}
	var typ string
	props := map[string]any{}
	switch src.Type {
	case manifest.SourceSchedule:
		if src.TimeZone != "" {
			typ = scheduleV2(ev, props)
			break
		}
		typ = "Schedule"
		props["Schedule"] = src.Schedule
		if src.Description != "" {
			props["Description"] = src.Description
		}
	case manifest.SourceCWEvent:
		typ = "CloudWatchEvent"
		var pattern any
		if err := json.Unmarshal(src.EventPattern, &pattern); err != nil {
			return fmt.Errorf("sam: event source %s: event pattern: %w", ev.ResourceName, err)
		}
		props["Pattern"] = pattern
		if res != nil {
			if props["EventBusName"], err = g.declaredRef(res, appgraph.AttrName); err != nil {
				return err
			}
		} else if bus, ok := busName(src); ok {
			props["EventBusName"] = bus
		}
	case manifest.SourceS3:
		// S3 notifications reach a function only from a bucket of the
		// same template: a declared bucket.
		typ = "S3"
		bucketID, err := LogicalID(res.ResourceName)
		if err != nil {
			return err
		}
		props["Bucket"] = map[string]any{"Ref": bucketID} // what SAM asks for
		if res.Adopted {
			return fmt.Errorf("sam: s3 handler %s: bucket %q is adopted by name, and SAM can only subscribe a function to a bucket of its template; remove the name from the stage's resources.%s or use deploy", ev.Function.ResourceName, res.Spec.Name, res.Spec.Name)
		}
		evs := make([]any, len(src.Events))
		for i, e := range src.Events {
			evs[i] = e
		}
		props["Events"] = evs
		var rules []any
		if src.Prefix != "" {
			rules = append(rules, map[string]any{"Name": "prefix", "Value": src.Prefix})
		}
		if src.Suffix != "" {
			rules = append(rules, map[string]any{"Name": "suffix", "Value": src.Suffix})
		}
		if len(rules) > 0 {
			props["Filter"] = map[string]any{"S3Key": map[string]any{"Rules": rules}}
		}
	case manifest.SourceSNS:
		typ = "SNS"
		if res != nil {
			if props["Topic"], err = g.declaredRef(res, appgraph.AttrARN); err != nil {
				return err
			}
		} else if snsARN.MatchString(src.Topic) {
			props["Topic"] = src.Topic
		} else {
			props["Topic"] = map[string]any{"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:" + src.Topic}
		}
	case manifest.SourceSQS:
		typ = "SQS"
		if res != nil {
			if props["Queue"], err = g.declaredRef(res, appgraph.AttrARN); err != nil {
				return err
			}
		} else if src.QueueARN != "" {
			props["Queue"] = src.QueueARN
		} else {
			props["Queue"] = map[string]any{"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + src.Queue}
		}
		props["BatchSize"] = orDefault(src.BatchSize, 1)
		props["MaximumBatchingWindowInSeconds"] = src.MaxBatchingWindow
		if src.MaxConcurrency != nil && *src.MaxConcurrency != 0 {
			props["ScalingConfig"] = map[string]any{"MaximumConcurrency": *src.MaxConcurrency}
		}
	case manifest.SourceKinesis:
		typ = "Kinesis"
		props["Stream"] = map[string]any{"Fn::Sub": "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/" + src.Stream}
		g.streamProps(props, src)
	case manifest.SourceDynamoDB:
		typ = "DynamoDB"
		props["Stream"] = src.StreamARN
		if res != nil {
			if props["Stream"], err = g.declaredRef(res, appgraph.AttrStreamARN); err != nil {
				return err
			}
		}
		g.streamProps(props, src)
	default:
		return fmt.Errorf("sam: event source %s has unsupported type %q", ev.ResourceName, src.Type)
	}
	if src.ReportBatchItemFailures {
		switch src.Type {
		case manifest.SourceSQS, manifest.SourceKinesis, manifest.SourceDynamoDB:
			props["FunctionResponseTypes"] = []any{"ReportBatchItemFailures"}
		}
	}
	fnProps := fnRes.Get("Properties").(map[string]any)
	events, _ := fnProps["Events"].(map[string]any)
	if events == nil {
		events = map[string]any{}
		fnProps["Events"] = events
	}
	events[id] = map[string]any{"Type": typ, "Properties": props}
	return nil
}

func (g *generator) streamProps(props map[string]any, src manifest.EventSource) {
	props["BatchSize"] = orDefault(src.BatchSize, 100)
	pos := src.StartingPosition
	if pos == "" {
		pos = "LATEST"
	}
	props["StartingPosition"] = pos
	props["MaximumBatchingWindowInSeconds"] = src.MaxBatchingWindow
}

// lambdaURI is the API Gateway integration URI of a function of the
// template (of its alias when it has one).
func lambdaURI(logicalID string, fn *appgraph.Function) any {
	return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/" + invokeARN(logicalID, fn) + "/invocations"}
}

func invokePermission(function any, apiRef, idVar string) *Object {
	return resource("AWS::Lambda::Permission", map[string]any{
		"FunctionName": function,
		"Action":       "lambda:InvokeFunction",
		"Principal":    principalAPI,
		"SourceArn": map[string]any{"Fn::Sub": []any{
			"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + idVar + "}/*",
			map[string]any{idVar: map[string]any{"Ref": apiRef}},
		}},
	})
}

func (g *generator) restAPI(api *appgraph.RestAPI) error {
	st := api.Stage
	if st == nil {
		st = g.app.StageCfg
	}
	if st == nil {
		return errors.New("sam: the API has no stage configuration")
	}
	if g.apiHandler == nil {
		return errors.New("sam: the API handler function was not written before the API")
	}
	for _, id := range []string{restAPIID, apiHandlerID + "InvokePermission"} {
		if err := g.claim(id, api.ResourceName); err != nil {
			return err
		}
	}
	http := api.IsHTTPAPI()
	format := swagger.Swagger2
	if http {
		format = swagger.OpenAPI30
	}
	var authErr error
	doc, err := swagger.Generate(api, g.app.AppName, swagger.Options{
		Format:     format,
		HandlerURI: lambdaURI(apiHandlerID, api.Handler),
		AuthorizerURI: func(function string) any {
			id, err := LogicalID(function)
			if err != nil && authErr == nil {
				authErr = err
			}
			fn := g.app.Function(function)
			if fn == nil {
				if authErr == nil {
					authErr = fmt.Errorf("sam: authorizer function %s is not in the model", function)
				}
				return nil
			}
			return lambdaURI(id, fn)
		},
	})
	if err != nil {
		return fmt.Errorf("sam: %w", err)
	}
	if authErr != nil {
		return authErr
	}
	var props map[string]any
	if http {
		props = map[string]any{"StageName": st.APIGatewayStage, "DefinitionBody": doc}
		g.add(restAPIID, resource("AWS::Serverless::HttpApi", props))
	} else {
		endpoint := map[string]any{"Type": st.EndpointType}
		if st.EndpointType == "PRIVATE" && len(st.EndpointVPCEs) > 0 {
			endpoint["VPCEndpointIds"] = strs(st.EndpointVPCEs)
		}
		props = map[string]any{
			"EndpointConfiguration": endpoint,
			"StageName":             st.APIGatewayStage,
			"DefinitionBody":        doc,
		}
		if st.MinimumCompressionSize != nil {
			props["MinimumCompressionSize"] = *st.MinimumCompressionSize
		}
		if st.XRay {
			props["TracingEnabled"] = true
		}
		g.add(restAPIID, resource("AWS::Serverless::Api", props))
	}
	g.addFunction(apiHandlerID, g.apiHandler)
	g.add(apiHandlerID+"InvokePermission", invokePermission(invokeRef(apiHandlerID, api.Handler), restAPIID, "RestAPIId"))
	for _, fn := range api.AuthFuncs {
		id, err := LogicalID(fn.ResourceName)
		if err != nil {
			return err
		}
		if err := g.claim(id+"InvokePermission", fn.ResourceName); err != nil {
			return err
		}
		var target any = map[string]any{"Fn::GetAtt": []any{id, "Arn"}}
		if fn.Qualifier() != "" {
			target = invokeRef(id, fn)
		}
		g.add(id+"InvokePermission", invokePermission(target, restAPIID, "RestAPIId"))
	}
	if err := g.restDomain(st, http); err != nil {
		return err
	}
	out := g.tpl.Outputs()
	out.Set("RestAPIId", value(map[string]any{"Ref": restAPIID}))
	out.Set("APIHandlerName", value(map[string]any{"Ref": apiHandlerID}))
	out.Set("APIHandlerArn", value(map[string]any{"Fn::GetAtt": []any{apiHandlerID, "Arn"}}))
	out.Set("EndpointURL", value(map[string]any{
		"Fn::Sub": "https://${" + restAPIID + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + st.APIGatewayStage + "/"}))
	if st.APICustomDomain != nil {
		g.domainOutputs("", "ApiGatewayCustomDomain", http || st.EndpointType != "EDGE")
	}
	return nil
}

func value(v any) map[string]any { return map[string]any{"Value": v} }

// mappingKey is Chalice's api_mapping.mount_path: the url_prefix, or
// "(none)".
func mappingKey(d *config.CustomDomain) string {
	key := strings.Trim(d.URLPrefix, "/")
	if key == "" {
		return "(none)"
	}
	return key
}

func (g *generator) restDomain(st *config.StageConfig, http bool) error {
	d := st.APICustomDomain
	if d == nil {
		return nil
	}
	id, err := g.register("api_gateway_custom_domain")
	if err != nil {
		return err
	}
	if err := g.claim(id+"Mapping", "api_gateway_custom_domain"); err != nil {
		return err
	}
	if http {
		g.v2Domain(id, d, restAPIID, map[string]any{"Ref": restAPIID + ".Stage"})
		return nil
	}
	props := map[string]any{
		"DomainName":            d.DomainName,
		"EndpointConfiguration": map[string]any{"Types": []any{st.EndpointType}},
	}
	if st.EndpointType == "EDGE" {
		props["CertificateArn"] = d.CertificateARN
	} else {
		props["RegionalCertificateArn"] = d.CertificateARN
	}
	if d.TLSVersion != "" {
		props["SecurityPolicy"] = d.TLSVersion
	}
	if len(d.Tags) > 0 {
		list := []any{}
		for _, k := range sortedKeys(d.Tags) {
			list = append(list, map[string]any{"Key": k, "Value": d.Tags[k]})
		}
		props["Tags"] = list
	}
	g.add(id, resource("AWS::ApiGateway::DomainName", props))
	g.add(id+"Mapping", resource("AWS::ApiGateway::BasePathMapping", map[string]any{
		"DomainName": map[string]any{"Ref": id},
		"RestApiId":  map[string]any{"Ref": restAPIID},
		"BasePath":   mappingKey(d),
		"Stage":      map[string]any{"Ref": restAPIID + ".Stage"},
	}))
	return nil
}

// v2Domain writes an API Gateway v2 domain (websocket and HTTP APIs) and
// its mapping.
func (g *generator) v2Domain(id string, d *config.CustomDomain, apiID string, stage any) {
	props := map[string]any{
		"DomainName": d.DomainName,
		"DomainNameConfigurations": []any{map[string]any{
			"CertificateArn": d.CertificateARN,
			"EndpointType":   "REGIONAL",
		}},
	}
	if len(d.Tags) > 0 {
		props["Tags"] = stringMap(d.Tags)
	}
	g.add(id, resource("AWS::ApiGatewayV2::DomainName", props))
	g.add(id+"Mapping", resource("AWS::ApiGatewayV2::ApiMapping", map[string]any{
		"DomainName":    map[string]any{"Ref": id},
		"ApiId":         map[string]any{"Ref": apiID},
		"ApiMappingKey": mappingKey(d),
		"Stage":         stage,
	}))
}

// domainOutputs adds <prefix>AliasDomainName and <prefix>HostedZoneId: the
// names to point a DNS alias record at.
func (g *generator) domainOutputs(prefix, id string, regional bool) {
	name, zone := "DistributionDomainName", "DistributionHostedZoneId"
	if regional {
		name, zone = "RegionalDomainName", "RegionalHostedZoneId"
	}
	out := g.tpl.Outputs()
	out.Set(prefix+"AliasDomainName", value(map[string]any{"Fn::GetAtt": []any{id, name}}))
	out.Set(prefix+"HostedZoneId", value(map[string]any{"Fn::GetAtt": []any{id, zone}}))
}

func (g *generator) websocketAPI(ws *appgraph.WebsocketAPI) error {
	st := ws.Stage
	if st == nil {
		st = g.app.StageCfg
	}
	if st == nil {
		return errors.New("sam: the websocket API has no stage configuration")
	}
	for _, id := range []string{wsAPIID, "WebsocketAPIDeployment", "WebsocketAPIStage"} {
		if err := g.claim(id, ws.ResourceName); err != nil {
			return err
		}
	}
	apiRef := map[string]any{"Ref": wsAPIID}
	g.add(wsAPIID, resource("AWS::ApiGatewayV2::Api", map[string]any{
		"Name":                     ws.APIName,
		"RouteSelectionExpression": "$request.body.action",
		"ProtocolType":             "WEBSOCKET",
	}))
	type handler struct {
		fn       *appgraph.Function
		routeKey string
		output   string
	}
	handlers := []handler{
		{ws.Connect, manifest.WSConnect, "WebsocketConnect"},
		{ws.Message, manifest.WSDefault, "WebsocketMessage"},
		{ws.Disconnect, manifest.WSDisconnect, "WebsocketDisconnect"},
	}
	integration := map[string]string{}
	for _, h := range handlers {
		if h.fn == nil {
			continue
		}
		fnID, err := g.functionID(h.fn)
		if err != nil {
			return err
		}
		for _, id := range []string{fnID + "APIIntegration", fnID + "InvokePermission"} {
			if err := g.claim(id, h.fn.ResourceName); err != nil {
				return err
			}
		}
		integration[h.routeKey] = fnID + "APIIntegration"
		qualifier := ""
		if q := h.fn.Qualifier(); q != "" {
			qualifier = ":" + q
		}
		g.add(fnID+"APIIntegration", resource("AWS::ApiGatewayV2::Integration", map[string]any{
			"ApiId":                   apiRef,
			"ConnectionType":          "INTERNET",
			"ContentHandlingStrategy": "CONVERT_TO_TEXT",
			"IntegrationType":         "AWS_PROXY",
			"IntegrationUri": map[string]any{"Fn::Sub": []any{
				"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${WebsocketHandler}" + qualifier + "/invocations",
				map[string]any{"WebsocketHandler": map[string]any{"Ref": fnID}},
			}},
		}))
		g.add(fnID+"InvokePermission", invokePermission(invokeRef(fnID, h.fn), wsAPIID, "WebsocketAPIId"))
	}
	var routes []any
	for _, key := range ws.RouteKeys {
		integ, ok := integration[key]
		if !ok {
			return fmt.Errorf("sam: websocket route %s has no handler", key)
		}
		id := "Websocket" + routeName(key) + "Route"
		if err := g.claim(id, ws.ResourceName); err != nil {
			return err
		}
		routes = append(routes, id)
		g.add(id, resource("AWS::ApiGatewayV2::Route", map[string]any{
			"ApiId":    apiRef,
			"RouteKey": key,
			"Target":   map[string]any{"Fn::Join": []any{"/", []any{"integrations", map[string]any{"Ref": integ}}}},
		}))
	}
	g.add("WebsocketAPIDeployment", NewObject(
		"Type", "AWS::ApiGatewayV2::Deployment",
		"DependsOn", routes,
		"Properties", map[string]any{"ApiId": apiRef},
	))
	g.add("WebsocketAPIStage", resource("AWS::ApiGatewayV2::Stage", map[string]any{
		"ApiId":        apiRef,
		"DeploymentId": map[string]any{"Ref": "WebsocketAPIDeployment"},
		"StageName":    st.APIGatewayStage,
	}))
	if d := st.WebsocketCustomDomain; d != nil {
		id, err := g.register("websocket_api_custom_domain")
		if err != nil {
			return err
		}
		if err := g.claim(id+"Mapping", "websocket_api_custom_domain"); err != nil {
			return err
		}
		g.v2Domain(id, d, wsAPIID, map[string]any{"Ref": "WebsocketAPIStage"})
	}
	out := g.tpl.Outputs()
	out.Set("WebsocketAPIId", value(apiRef))
	for _, h := range handlers {
		if h.fn == nil {
			continue
		}
		fnID, _ := g.functionID(h.fn)
		out.Set(h.output+"HandlerArn", value(map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}))
		out.Set(h.output+"HandlerName", value(map[string]any{"Ref": fnID}))
	}
	out.Set("WebsocketConnectEndpointURL", value(map[string]any{
		"Fn::Sub": "wss://${" + wsAPIID + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + st.APIGatewayStage + "/"}))
	if st.WebsocketCustomDomain != nil {
		g.domainOutputs("Websocket", "WebsocketApiCustomDomain", true)
	}
	return nil
}

// routeName is Chalice's route logical ID part: $connect -> Connect,
// $default -> Message, $disconnect -> Disconnect.
func routeName(key string) string {
	s := strings.ReplaceAll(strings.ReplaceAll(key, "$", ""), "default", "message")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// deepCopy copies a JSON-like tree so templates never share (and callers
// never mutate) package-level values such as appgraph.LambdaTrustPolicy.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
