// Package terraform writes chalice.tf.json, the Terraform configuration
// (JSON syntax) of an app's resource model, as `chalice package
// --pkg-format terraform` does: the same resources, keyed by Chalice's
// resource names, for current Terraform (>= 1.5) and the hashicorp/aws
// provider 6. docs/TERRAFORM.md describes the output and how it differs
// from Chalice's.
//
// The tests check every generated document against the provider's schema
// (testdata/aws-provider-schema.json, extracted from the npm package
// @cdktn/provider-aws by internal/schemagen; regenerate it with
// `go generate ./internal/terraform` when npm is available).
package terraform

//go:generate go run ./internal/schemagen -out testdata/aws-provider-schema.json

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/swagger"
	"github.com/gochalice/chalice/manifest"
)

// Versions the document requires.
const (
	RequiredVersion = ">= 1.5"
	ProviderSource  = "hashicorp/aws"
	// ProviderVersion is 6.0 or later: data.aws_region's region attribute,
	// used to build ARNs, is new in 6.0 (its name attribute, the only one
	// 5.x has, is deprecated in 6).
	ProviderVersion = ">= 6.0"
)

// DefaultZipPath is where the deployment package sits, relative to the
// configuration.
const DefaultZipPath = "${path.module}/deployment.zip"

// Options are what Generate needs besides the model.
type Options struct {
	// ZipPath is the deployment package as a Terraform expression, used
	// in filename and source_code_hash; empty means DefaultZipPath.
	ZipPath string
	// Policies holds the policy document of every managed role, by role
	// resource name (default-role, <function>_role).
	Policies map[string]any
}

// Generate returns the chalice.tf.json document of app.
func Generate(app *appgraph.Application, opts Options) (map[string]any, error) {
	if app == nil {
		return nil, errors.New("terraform: no application model")
	}
	if opts.ZipPath == "" {
		opts.ZipPath = DefaultZipPath
	}
	g := &generator{app: app, opts: opts, resources: map[string]map[string]map[string]any{},
		outputs: map[string]any{}, s3: map[string]map[string]any{}}
	g.locals = map[string]any{"chalice_app": app.AppName, "chalice_stage": app.Stage}
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
			if r.IsHTTPAPI() {
				err = g.httpAPI(r)
			} else {
				err = g.restAPI(r)
			}
		case *appgraph.WebsocketAPI:
			err = g.websocketAPI(r)
		default:
			err = fmt.Errorf("terraform: resource %s has unsupported type %T", r.Name(), r)
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

	resources := map[string]any{}
	for typ, byName := range g.resources {
		m := map[string]any{}
		for name, body := range byName {
			m[name] = body
		}
		resources[typ] = m
	}
	data := map[string]any{
		"aws_caller_identity": map[string]any{"chalice": map[string]any{}},
		"aws_partition":       map[string]any{"chalice": map[string]any{}},
		"aws_region":          map[string]any{"chalice": map[string]any{}},
	}
	for typ, byName := range g.extraData {
		data[typ] = byName
	}
	providerVersion := ProviderVersion
	if g.publicURL {
		providerVersion = PublicURLProviderVersion
	}
	doc := map[string]any{
		"terraform": map[string]any{
			"required_version": RequiredVersion,
			"required_providers": map[string]any{
				"aws": map[string]any{"source": ProviderSource, "version": providerVersion},
			},
		},
		"data":     data,
		"locals":   g.locals,
		"resource": resources,
	}
	if len(g.outputs) > 0 {
		doc["output"] = g.outputs
	}
	out, err := finalize(doc, literal)
	if err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	return out.(map[string]any), nil
}

// Marshal encodes a document as chalice.tf.json: indented by two spaces,
// with a trailing newline.
func Marshal(doc map[string]any) ([]byte, error) {
	return encode(doc, "  ")
}

type generator struct {
	app       *appgraph.Application
	opts      Options
	resources map[string]map[string]map[string]any // type -> name -> body
	locals    map[string]any
	outputs   map[string]any
	s3        map[string]map[string]any // bucket -> aws_s3_bucket_notification body
	extraData map[string]map[string]any // data source type -> name -> body, besides the fixed ones
	publicURL bool                      // a Function URL with authorization type NONE
}

// add declares a resource.
func (g *generator) add(typ, name string, body map[string]any) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("terraform: %q is not a valid Terraform resource name (letters, digits, _ and -, not starting with a digit)", name)
	}
	byName := g.resources[typ]
	if byName == nil {
		byName = map[string]map[string]any{}
		g.resources[typ] = byName
	}
	if _, dup := byName[name]; dup {
		return fmt.Errorf("terraform: two %s resources are named %q", typ, name)
	}
	byName[name] = body
	return nil
}

func (g *generator) output(name string, value expr) {
	g.outputs[name] = map[string]any{"value": value}
}

func fnRef(fn *appgraph.Function, attr string) expr {
	return refAttr("aws_lambda_function."+fn.ResourceName, attr)
}

func (g *generator) role(r *appgraph.Role) error {
	if !r.Managed {
		return nil
	}
	policy, ok := g.opts.Policies[r.ResourceName]
	if !ok || policy == nil {
		return fmt.Errorf("terraform: no IAM policy document for role %s (%s)", r.ResourceName, r.RoleName)
	}
	trust, err := jsonString(appgraph.LambdaTrustPolicy)
	if err != nil {
		return err
	}
	policy, err = withUses(r, policy)
	if err != nil {
		return err
	}
	if len(r.Destinations) > 0 {
		if policy, err = withStatements(r, policy, destinationStatements(r)); err != nil {
			return err
		}
	}
	doc, err := jsonString(policy)
	if err != nil {
		return fmt.Errorf("terraform: role %s: policy: %w", r.ResourceName, err)
	}
	if err := g.add("aws_iam_role", r.ResourceName, map[string]any{
		"name":               r.RoleName,
		"assume_role_policy": trust,
	}); err != nil {
		return err
	}
	return g.add("aws_iam_role_policy", r.ResourceName, map[string]any{
		"name":   r.ResourceName + "Policy",
		"policy": doc,
		"role":   refAttr("aws_iam_role."+r.ResourceName, "id"),
	})
}

func logGroupName(fn *appgraph.Function) string { return fn.ResourceName + "-log-group" }

func (g *generator) function(fn *appgraph.Function) error {
	fc := fn.Config
	body := map[string]any{
		"function_name":    fn.FunctionName,
		"runtime":          fn.Runtime,
		"handler":          fn.Handler,
		"memory_size":      fc.MemorySize,
		"timeout":          fc.Timeout,
		"tags":             fc.Tags,
		"filename":         expr(g.opts.ZipPath),
		"source_code_hash": expr(`${filebase64sha256("` + g.opts.ZipPath + `")}`),
	}
	if arch := fn.Architecture(); arch != "" {
		body["architectures"] = []string{arch}
	}
	if fc.PublishVersions {
		body["publish"] = true
	}
	var dependsOn []any
	if fn.Role.Managed {
		body["role"] = refAttr("aws_iam_role."+fn.Role.ResourceName, "arn")
		// The role's policy must be in place before anything runs the
		// function or checks its permissions (event source mappings do).
		dependsOn = append(dependsOn, expr("aws_iam_role_policy."+fn.Role.ResourceName))
	} else {
		body["role"] = fn.Role.PreCreatedARN
	}
	if len(fc.SubnetIDs) > 0 && len(fc.SecurityGroupIDs) > 0 {
		body["vpc_config"] = map[string]any{"subnet_ids": fc.SubnetIDs, "security_group_ids": fc.SecurityGroupIDs}
	}
	if fc.ReservedConcurrency != nil {
		body["reserved_concurrent_executions"] = *fc.ReservedConcurrency
	}
	if len(fc.EnvironmentVariables) > 0 || len(fn.Uses) > 0 {
		vars, err := useEnvironment(fn)
		if err != nil {
			return err
		}
		body["environment"] = map[string]any{"variables": vars}
	}
	if fc.XRay {
		body["tracing_config"] = map[string]any{"mode": "Active"}
	}
	if len(fc.Layers) > 0 {
		body["layers"] = fc.Layers
	}
	if fc.LogRetentionInDays != nil {
		name := logGroupName(fn)
		if err := g.add("aws_cloudwatch_log_group", name, map[string]any{
			"name":              fn.LogGroupName(),
			"retention_in_days": *fc.LogRetentionInDays,
		}); err != nil {
			return err
		}
		// Create the log group first, or Lambda creates it (without
		// retention) on the first invocation.
		dependsOn = append(dependsOn, expr("aws_cloudwatch_log_group."+name))
	}
	if dependsOn != nil {
		body["depends_on"] = dependsOn
	}
	if err := g.add("aws_lambda_function", fn.ResourceName, body); err != nil {
		return err
	}
	return g.platform(fn)
}

// permission lets principal invoke fn (its alias when it has one).
func (g *generator) permission(name string, fn *appgraph.Function, principal string, sourceARN any) error {
	return g.add("aws_lambda_permission", name, qualify(map[string]any{
		"function_name": fnRef(fn, "arn"),
		"action":        "lambda:InvokeFunction",
		"principal":     principal,
		"source_arn":    sourceARN,
	}, fn))
}

func (g *generator) event(ev *appgraph.EventSource) error {
	src, fn, name := ev.Source, ev.Function, ev.ResourceName
	var res *appgraph.Declared
	if src.Resource != "" {
		if res = g.app.DeclaredResource(src.Resource); res == nil {
			return fmt.Errorf("terraform: %s: resource %q is not declared", name, src.Resource)
		}
	}
	ref := func(attr string) (any, error) { return declaredRef(res, attr) }
	switch src.Type {
	case manifest.SourceSchedule, manifest.SourceCWEvent:
		if src.Type == manifest.SourceSchedule && src.TimeZone != "" {
			return g.schedule(ev)
		}
		rule := map[string]any{"name": ev.RuleName}
		if src.Type == manifest.SourceSchedule {
			rule["schedule_expression"] = src.Schedule
			if src.Description != "" {
				rule["description"] = src.Description
			}
		} else {
			var pattern any = map[string]any{}
			if len(src.EventPattern) > 0 {
				pattern = src.EventPattern
			}
			p, err := jsonString(pattern)
			if err != nil {
				return fmt.Errorf("terraform: %s: event pattern: %w", name, err)
			}
			rule["event_pattern"] = p
		}
		target := map[string]any{
			"rule":      refAttr("aws_cloudwatch_event_rule."+name, "name"),
			"target_id": name,
			"arn":       target(fn),
		}
		if res != nil {
			bus, err := ref(appgraph.AttrName)
			if err != nil {
				return err
			}
			rule["event_bus_name"], target["event_bus_name"] = bus, bus
		} else if src.Bus != "" {
			// A bus the app does not declare (chalice.EventBus): its
			// name or ARN, which EventBridge takes for either.
			rule["event_bus_name"], target["event_bus_name"] = src.Bus, src.Bus
		}
		if err := g.add("aws_cloudwatch_event_rule", name, rule); err != nil {
			return err
		}
		if err := g.add("aws_cloudwatch_event_target", name, target); err != nil {
			return err
		}
		return g.permission(name, fn, "events.amazonaws.com", refAttr("aws_cloudwatch_event_rule."+name, "arn"))

	case manifest.SourceS3:
		if res != nil {
			on := *ev // the model is not the generator's to change
			if res.Adopted {
				on.Source.Bucket = res.PhysicalName
			} else {
				on.Source.Bucket = string(refAttr("aws_s3_bucket."+declaredName(res), "id"))
			}
			return g.s3Event(&on)
		}
		return g.s3Event(ev)

	case manifest.SourceSNS:
		var topic any = arn("sns", src.Topic)
		if res != nil {
			var err error
			if topic, err = ref(appgraph.AttrARN); err != nil {
				return err
			}
		} else if isARN(src.Topic) {
			topic = src.Topic
		}
		if err := g.add("aws_sns_topic_subscription", name, map[string]any{
			"topic_arn": topic,
			"protocol":  "lambda",
			"endpoint":  target(fn),
		}); err != nil {
			return err
		}
		return g.permission(name, fn, "sns.amazonaws.com", topic)

	case manifest.SourceSQS:
		var queue any = src.QueueARN
		if res != nil {
			var err error
			if queue, err = ref(appgraph.AttrARN); err != nil {
				return err
			}
		} else if src.QueueARN == "" {
			queue = arn("sqs", src.Queue)
		}
		m := g.mapping(src, fn, queue)
		if src.MaxConcurrency != nil {
			m["scaling_config"] = map[string]any{"maximum_concurrency": *src.MaxConcurrency}
		}
		return g.add("aws_lambda_event_source_mapping", name, m)

	case manifest.SourceKinesis:
		var stream any = arn("kinesis", "stream/"+src.Stream)
		if isARN(src.Stream) {
			stream = src.Stream
		}
		m := g.mapping(src, fn, stream)
		m["starting_position"] = startingPosition(src)
		return g.add("aws_lambda_event_source_mapping", name, m)

	case manifest.SourceDynamoDB:
		var stream any = src.StreamARN
		if res != nil {
			var err error
			if stream, err = ref(appgraph.AttrStreamARN); err != nil {
				return err
			}
		}
		m := g.mapping(src, fn, stream)
		m["starting_position"] = startingPosition(src)
		return g.add("aws_lambda_event_source_mapping", name, m)
	}
	return fmt.Errorf("terraform: %s: unsupported event source type %q", name, src.Type)
}

// isARN reports whether a topic or stream setting is an ARN (or a
// reference to one) rather than a name.
func isARN(s string) bool {
	return strings.HasPrefix(s, "arn:") || (userRef.MatchString(s) && strings.HasSuffix(s, ".arn}"))
}

func startingPosition(src manifest.EventSource) string {
	if src.StartingPosition == "" {
		return "LATEST"
	}
	return src.StartingPosition
}

// mapping is the aws_lambda_event_source_mapping of an SQS, Kinesis or
// DynamoDB source.
func (g *generator) mapping(src manifest.EventSource, fn *appgraph.Function, sourceARN any) map[string]any {
	m := map[string]any{
		"event_source_arn":                   sourceARN,
		"function_name":                      target(fn),
		"maximum_batching_window_in_seconds": src.MaxBatchingWindow,
	}
	if src.BatchSize > 0 {
		m["batch_size"] = src.BatchSize
	}
	if src.ReportBatchItemFailures {
		m["function_response_types"] = []string{"ReportBatchItemFailures"}
	}
	return m
}

// s3Event adds the function to its bucket's aws_s3_bucket_notification
// (one per bucket, since a bucket has a single notification
// configuration) and lets S3 invoke it.
func (g *generator) s3Event(ev *appgraph.EventSource) error {
	src, fn := ev.Source, ev.Function
	events := src.Events
	if len(events) == 0 {
		events = []string{"s3:ObjectCreated:*"}
	}
	n := g.s3[src.Bucket]
	if n == nil {
		n = map[string]any{"bucket": src.Bucket, "lambda_function": []any{}, "depends_on": []any{}}
		if err := g.add("aws_s3_bucket_notification", nameFor(src.Bucket)+"_notify", n); err != nil {
			return err
		}
		g.s3[src.Bucket] = n
	}
	notify := map[string]any{"lambda_function_arn": target(fn), "events": events}
	if src.Prefix != "" {
		notify["filter_prefix"] = src.Prefix
	}
	if src.Suffix != "" {
		notify["filter_suffix"] = src.Suffix
	}
	n["lambda_function"] = append(n["lambda_function"].([]any), notify)
	// S3 checks that it may invoke the function when the notification
	// is configured.
	n["depends_on"] = append(n["depends_on"].([]any), expr("aws_lambda_permission."+ev.ResourceName))
	return g.add("aws_lambda_permission", ev.ResourceName, qualify(map[string]any{
		"statement_id":   ev.ResourceName,
		"action":         "lambda:InvokeFunction",
		"function_name":  fnRef(fn, "arn"),
		"principal":      "s3.amazonaws.com",
		"source_account": expr(account),
		"source_arn":     expr("arn:" + partition + ":s3:::" + literal(src.Bucket)),
	}, fn))
}

// apiDocument generates the API definition and stores it, JSON-encoded, in
// local.chalice_api_swagger.
func (g *generator) apiDocument(api *appgraph.RestAPI, format swagger.Format) error {
	doc, err := swagger.Generate(api, g.app.AppName, swagger.Options{
		Format:     format,
		HandlerURI: invokeARN(api.Handler),
		AuthorizerURI: func(function string) any {
			if fn := g.app.Function(function); fn != nil {
				return invokeARN(fn)
			}
			return refAttr("aws_lambda_function."+function, "invoke_arn")
		},
	})
	if err != nil {
		return fmt.Errorf("terraform: %w", err)
	}
	body, err := jsonString(doc)
	if err != nil {
		return fmt.Errorf("terraform: API definition: %w", err)
	}
	g.locals["chalice_api_swagger"] = body
	return nil
}

// apiPermissions lets API Gateway invoke the handler and the built-in
// authorizers.
func (g *generator) apiPermissions(api *appgraph.RestAPI, apiAddress string) error {
	source := expr("${" + apiAddress + ".execution_arn}/*")
	if err := g.permission(api.ResourceName+"_invoke", api.Handler, "apigateway.amazonaws.com", source); err != nil {
		return err
	}
	for _, fn := range api.AuthFuncs {
		if err := g.permission(fn.ResourceName+"_invoke", fn, "apigateway.amazonaws.com", source); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) restAPI(api *appgraph.RestAPI) error {
	if err := g.apiDocument(api, swagger.Swagger2); err != nil {
		return err
	}
	st := api.Stage
	name := api.ResourceName
	address := "aws_api_gateway_rest_api." + name
	endpoint := map[string]any{"types": []string{st.EndpointType}}
	if st.EndpointType == "PRIVATE" && len(st.EndpointVPCEs) > 0 {
		endpoint["vpc_endpoint_ids"] = st.EndpointVPCEs
	}
	body := map[string]any{
		"body": expr("${local.chalice_api_swagger}"),
		// Attributes the definition also sets are repeated, or
		// Terraform would reset them.
		"name":                   g.app.AppName,
		"binary_media_types":     nonNil(api.BinaryTypes),
		"endpoint_configuration": endpoint,
	}
	if len(st.APIPolicy) > 0 {
		p, err := jsonString(st.APIPolicy)
		if err != nil {
			return fmt.Errorf("terraform: API policy: %w", err)
		}
		body["policy"] = p
	}
	if st.MinimumCompressionSize != nil {
		body["minimum_compression_size"] = strconv.Itoa(*st.MinimumCompressionSize)
	}
	if len(st.Tags) > 0 {
		body["tags"] = st.Tags
	}
	if err := g.add("aws_api_gateway_rest_api", name, body); err != nil {
		return err
	}
	// A new deployment whenever the definition changes; the stage moves
	// to it before the old one is deleted.
	if err := g.add("aws_api_gateway_deployment", name, map[string]any{
		"rest_api_id": refAttr(address, "id"),
		"triggers":    map[string]any{"redeployment": expr("${sha1(local.chalice_api_swagger)}")},
		"lifecycle":   map[string]any{"create_before_destroy": true},
	}); err != nil {
		return err
	}
	stage := map[string]any{
		"rest_api_id":   refAttr(address, "id"),
		"deployment_id": refAttr("aws_api_gateway_deployment."+name, "id"),
		"stage_name":    st.APIGatewayStage,
	}
	if st.XRay {
		stage["xray_tracing_enabled"] = true
	}
	if err := g.add("aws_api_gateway_stage", name, stage); err != nil {
		return err
	}
	if err := g.apiPermissions(api, address); err != nil {
		return err
	}
	g.output("EndpointURL", refAttr("aws_api_gateway_stage."+name, "invoke_url"))
	g.output("RestAPIId", refAttr(address, "id"))

	d := st.APICustomDomain
	if d == nil {
		return nil
	}
	const dn = "api_gateway_custom_domain"
	domain := map[string]any{
		"domain_name":            d.DomainName,
		"endpoint_configuration": map[string]any{"types": []string{st.EndpointType}},
		"security_policy":        d.TLSVersion,
	}
	switch st.EndpointType {
	case "EDGE":
		domain["certificate_arn"] = d.CertificateARN
	case "REGIONAL":
		domain["regional_certificate_arn"] = d.CertificateARN
	default:
		return fmt.Errorf("terraform: api_gateway_custom_domain needs an EDGE or REGIONAL endpoint, not %s", st.EndpointType)
	}
	if tags := mergeTags(st.Tags, d.Tags); len(tags) > 0 {
		domain["tags"] = tags
	}
	if err := g.add("aws_api_gateway_domain_name", dn, domain); err != nil {
		return err
	}
	mapping := map[string]any{
		"api_id":      refAttr(address, "id"),
		"stage_name":  refAttr("aws_api_gateway_stage."+name, "stage_name"),
		"domain_name": refAttr("aws_api_gateway_domain_name."+dn, "domain_name"),
	}
	if d.URLPrefix != "" {
		mapping["base_path"] = d.URLPrefix
	}
	if err := g.add("aws_api_gateway_base_path_mapping", dn+"_mapping", mapping); err != nil {
		return err
	}
	if st.EndpointType == "EDGE" {
		g.output("AliasDomainName", refAttr("aws_api_gateway_domain_name."+dn, "cloudfront_domain_name"))
		g.output("HostedZoneId", refAttr("aws_api_gateway_domain_name."+dn, "cloudfront_zone_id"))
	} else {
		g.output("AliasDomainName", refAttr("aws_api_gateway_domain_name."+dn, "regional_domain_name"))
		g.output("HostedZoneId", refAttr("aws_api_gateway_domain_name."+dn, "regional_zone_id"))
	}
	return nil
}

// httpAPI is api_type http: an API Gateway v2 HTTP API imported from an
// OpenAPI 3.0 definition, with an auto-deployed stage.
func (g *generator) httpAPI(api *appgraph.RestAPI) error {
	if err := g.apiDocument(api, swagger.OpenAPI30); err != nil {
		return err
	}
	st := api.Stage
	name := api.ResourceName
	address := "aws_apigatewayv2_api." + name
	body := map[string]any{
		"name":          g.app.AppName,
		"protocol_type": "HTTP",
		"body":          expr("${local.chalice_api_swagger}"),
	}
	if len(st.Tags) > 0 {
		body["tags"] = st.Tags
	}
	if err := g.add("aws_apigatewayv2_api", name, body); err != nil {
		return err
	}
	if err := g.add("aws_apigatewayv2_stage", name, map[string]any{
		"api_id":      refAttr(address, "id"),
		"name":        st.APIGatewayStage,
		"auto_deploy": true,
	}); err != nil {
		return err
	}
	if err := g.apiPermissions(api, address); err != nil {
		return err
	}
	g.output("EndpointURL", refAttr("aws_apigatewayv2_stage."+name, "invoke_url"))
	g.output("RestAPIId", refAttr(address, "id"))
	if d := st.APICustomDomain; d != nil {
		return g.v2Domain("api_gateway_custom_domain", address, "aws_apigatewayv2_stage."+name, st.Tags, d.DomainName, d.CertificateARN, d.TLSVersion, d.URLPrefix, d.Tags, "")
	}
	return nil
}

// v2Domain adds an API Gateway v2 (regional) custom domain, its mapping
// to a stage and the outputs to point DNS at it.
func (g *generator) v2Domain(name, apiAddress, stageAddress string, stageTags map[string]string, domainName, cert, tls, prefix string, tags map[string]string, outputPrefix string) error {
	domain := map[string]any{
		"domain_name": domainName,
		"domain_name_configuration": map[string]any{
			"certificate_arn": cert,
			"endpoint_type":   "REGIONAL",
			"security_policy": tls,
		},
	}
	if t := mergeTags(stageTags, tags); len(t) > 0 {
		domain["tags"] = t
	}
	if err := g.add("aws_apigatewayv2_domain_name", name, domain); err != nil {
		return err
	}
	mapping := map[string]any{
		"api_id":      refAttr(apiAddress, "id"),
		"domain_name": refAttr("aws_apigatewayv2_domain_name."+name, "id"),
		"stage":       refAttr(stageAddress, "id"),
	}
	if prefix != "" {
		mapping["api_mapping_key"] = prefix
	}
	if err := g.add("aws_apigatewayv2_api_mapping", name+"_mapping", mapping); err != nil {
		return err
	}
	g.output(outputPrefix+"AliasDomainName", refAttr("aws_apigatewayv2_domain_name."+name, "domain_name_configuration[0].target_domain_name"))
	g.output(outputPrefix+"HostedZoneId", refAttr("aws_apigatewayv2_domain_name."+name, "domain_name_configuration[0].hosted_zone_id"))
	return nil
}

// websocket route resource names and outputs, by route key.
var wsRoutes = map[string]struct{ route, output string }{
	manifest.WSConnect:    {"websocket_connect_route", "WebsocketConnect"},
	manifest.WSDefault:    {"websocket_message_route", "WebsocketMessage"},
	manifest.WSDisconnect: {"websocket_disconnect_route", "WebsocketDisconnect"},
}

func (g *generator) websocketAPI(ws *appgraph.WebsocketAPI) error {
	name := ws.ResourceName
	address := "aws_apigatewayv2_api." + name
	body := map[string]any{
		"name":                       ws.APIName,
		"protocol_type":              "WEBSOCKET",
		"route_selection_expression": "$request.body.action",
	}
	if len(ws.Stage.Tags) > 0 {
		body["tags"] = ws.Stage.Tags
	}
	if err := g.add("aws_apigatewayv2_api", name, body); err != nil {
		return err
	}
	g.output("WebsocketAPIId", refAttr(address, "id"))
	var triggers []string
	for _, key := range ws.RouteKeys {
		fn := ws.Message
		switch key {
		case manifest.WSConnect:
			fn = ws.Connect
		case manifest.WSDisconnect:
			fn = ws.Disconnect
		}
		names, ok := wsRoutes[key]
		if !ok {
			names.route = "websocket_message_route"
			names.output = "WebsocketMessage"
		}
		integration := fn.ResourceName + "_api_integration"
		if err := g.add("aws_apigatewayv2_integration", integration, map[string]any{
			"api_id":                    refAttr(address, "id"),
			"connection_type":           "INTERNET",
			"content_handling_strategy": "CONVERT_TO_TEXT",
			"integration_type":          "AWS_PROXY",
			"integration_uri":           invokeARN(fn),
		}); err != nil {
			return err
		}
		if err := g.add("aws_apigatewayv2_route", names.route, map[string]any{
			"api_id":    refAttr(address, "id"),
			"route_key": key,
			"target":    expr("integrations/${aws_apigatewayv2_integration." + integration + ".id}"),
		}); err != nil {
			return err
		}
		if err := g.permission(fn.ResourceName+"_invoke_permission", fn, "apigateway.amazonaws.com", expr("${"+address+".execution_arn}/*")); err != nil {
			return err
		}
		triggers = append(triggers, "aws_apigatewayv2_integration."+integration+".integration_uri", "aws_apigatewayv2_route."+names.route+".id")
		g.output(names.output+"HandlerArn", fnRef(fn, "arn"))
		g.output(names.output+"HandlerName", fnRef(fn, "function_name"))
	}
	// Routes and integrations only take effect in a new deployment.
	list := strings.Join(triggers, ", ")
	if err := g.add("aws_apigatewayv2_deployment", name+"_deployment", map[string]any{
		"api_id":    refAttr(address, "id"),
		"triggers":  map[string]any{"redeployment": expr("${sha1(jsonencode([" + list + "]))}")},
		"lifecycle": map[string]any{"create_before_destroy": true},
	}); err != nil {
		return err
	}
	if err := g.add("aws_apigatewayv2_stage", name+"_stage", map[string]any{
		"api_id":        refAttr(address, "id"),
		"name":          ws.Stage.APIGatewayStage,
		"deployment_id": refAttr("aws_apigatewayv2_deployment."+name+"_deployment", "id"),
	}); err != nil {
		return err
	}
	g.output("WebsocketConnectEndpointURL", expr("${aws_apigatewayv2_stage."+name+"_stage.invoke_url}/"))
	if d := ws.Stage.WebsocketCustomDomain; d != nil {
		return g.v2Domain("websocket_api_custom_domain", address, "aws_apigatewayv2_stage."+name+"_stage", ws.Stage.Tags, d.DomainName, d.CertificateARN, d.TLSVersion, d.URLPrefix, d.Tags, "Websocket")
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func mergeTags(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, b)
	return out
}
