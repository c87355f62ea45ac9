package deploy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- custom domains ----
//
// Recorded as Chalice does: domain_name{hosted_zone_id, alias_domain_name,
// certificate_arn, security_policy, domain_name, api_mapping:[{key}]} under
// the names api_gateway_custom_domain / websocket_api_custom_domain. A REST
// API's domain is an API Gateway (v1) domain name with a base path mapping;
// an HTTP API's or a websocket API's is an API Gateway v2 domain name
// (REGIONAL) with an API mapping. The domain is created when missing and
// updated only when its certificate, security policy or tags differ; the
// mapping is created when missing, recreated when it points at another API
// or stage, and mappings this app recorded before under another key
// (url_prefix changed) are deleted.

// domainSpec is what one custom domain should be.
type domainSpec struct {
	resource  string // record name
	v2        bool   // API Gateway v2 domain (HTTP and websocket APIs)
	cfg       *config.CustomDomain
	endpoint  string // EDGE or REGIONAL
	apiRecord string // the API's record name
	apiField  string // its id field
	stage     string
}

// securityPolicy maps tls_version to API Gateway's security policy: TLS_1_0
// and TLS_1_2 as they are; TLS_1_1, which API Gateway has no policy for,
// becomes TLS_1_2 (the minimum version is never lower than asked).
func securityPolicy(tls string) string {
	if tls == "TLS_1_0" {
		return "TLS_1_0"
	}
	return "TLS_1_2"
}

// mappingKey is the base path (API mapping key) of url_prefix; "" is
// Chalice's "(none)".
func mappingKey(prefix string) string {
	p := strings.Trim(prefix, "/")
	if p == "(none)" {
		return ""
	}
	return p
}

// recordKey is the api_mapping key Chalice records: "/" or "/<prefix>".
func recordKey(key string) string { return "/" + key }

// recordedKeys returns the api_mapping keys of a domain record.
func recordedKeys(rec *state.Record) []string {
	var keys []string
	if rec == nil {
		return nil
	}
	for _, f := range rec.Fields {
		if f.Key != "api_mapping" {
			continue
		}
		list, _ := f.Value.([]any)
		for _, m := range list {
			if mm, ok := m.(map[string]any); ok {
				if k, ok := mm["key"].(string); ok {
					keys = append(keys, strings.TrimPrefix(k, "/"))
				}
			}
		}
	}
	return keys
}

func mappingValue(keys []string) []any {
	out := []any{}
	for _, k := range keys {
		out = append(out, map[string]any{"key": recordKey(k)})
	}
	return out
}

func (a arns) domainName(name string) string {
	return fmt.Sprintf("arn:%s:apigateway:%s::/domainnames/%s", a.Partition, a.Region, name)
}

// domainInfo is what API Gateway says about an existing domain.
type domainInfo struct {
	hostedZone, alias, cert, policy string
	tags                            map[string]string
	endpoint                        string
}

func v1Info(d *apigateway.GetDomainNameOutput) domainInfo {
	in := domainInfo{cert: deref(d.CertificateArn), hostedZone: deref(d.DistributionHostedZoneId), alias: deref(d.DistributionDomainName),
		policy: string(d.SecurityPolicy), tags: d.Tags, endpoint: "EDGE"}
	if d.EndpointConfiguration != nil && len(d.EndpointConfiguration.Types) > 0 {
		in.endpoint = string(d.EndpointConfiguration.Types[0])
	}
	if in.endpoint != "EDGE" {
		in.cert, in.hostedZone, in.alias = deref(d.RegionalCertificateArn), deref(d.RegionalHostedZoneId), deref(d.RegionalDomainName)
	}
	return in
}

func v2Info(cfgs []v2types.DomainNameConfiguration, tags map[string]string) domainInfo {
	in := domainInfo{tags: tags, endpoint: "REGIONAL"}
	if len(cfgs) > 0 {
		c := cfgs[0]
		in.cert, in.hostedZone, in.alias, in.policy = deref(c.CertificateArn), deref(c.HostedZoneId), deref(c.ApiGatewayDomainName), string(c.SecurityPolicy)
		if c.EndpointType != "" {
			in.endpoint = string(c.EndpointType)
		}
	}
	return in
}

// remoteMapping is one existing mapping of the domain.
type remoteMapping struct {
	key, apiID, stage, id string
}

func (pl *planner) customDomain(ctx context.Context, d domainSpec) ([]Step, error) {
	x := pl.x
	name := d.cfg.DomainName
	policy := securityPolicy(d.cfg.TLSVersion)
	want := mappingKey(d.cfg.URLPrefix)
	prev := x.state.Find(d.resource)
	oldKeys := recordedKeys(prev)

	// Read the domain and its mappings.
	var cur *domainInfo
	var mappings []remoteMapping
	if d.v2 {
		got, err := x.c.APIGatewayV2.GetDomainName(ctx, &apigatewayv2.GetDomainNameInput{DomainName: aws.String(name)})
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("apigateway:GetDomainName %s: %w", name, err)
		}
		if err == nil {
			in := v2Info(got.DomainNameConfigurations, got.Tags)
			cur = &in
			ms, err := x.c.APIGatewayV2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(name)})
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("apigateway:GetApiMappings %s: %w", name, err)
			}
			if err == nil {
				for _, m := range ms.Items {
					mappings = append(mappings, remoteMapping{key: mappingKey(deref(m.ApiMappingKey)), apiID: deref(m.ApiId), stage: deref(m.Stage), id: deref(m.ApiMappingId)})
				}
			}
		}
	} else {
		got, err := x.c.APIGateway.GetDomainName(ctx, &apigateway.GetDomainNameInput{DomainName: aws.String(name)})
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("apigateway:GetDomainName %s: %w", name, err)
		}
		if err == nil {
			in := v1Info(got)
			cur = &in
			ms, err := x.c.APIGateway.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String(name)})
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("apigateway:GetBasePathMappings %s: %w", name, err)
			}
			if err == nil {
				for _, m := range ms.Items {
					mappings = append(mappings, remoteMapping{key: mappingKey(deref(m.BasePath)), apiID: deref(m.RestApiId), stage: deref(m.Stage)})
				}
			}
		}
	}
	if cur != nil && cur.endpoint != d.endpoint {
		return nil, fmt.Errorf("the custom domain %s is %s in API Gateway but the app wants %s: gochalice deploy does not change the endpoint type of an existing domain; delete the domain (or change api_gateway_endpoint_type back) first", name, cur.endpoint, d.endpoint)
	}

	// What to do with the domain itself.
	create := cur == nil
	update := !create && (cur.cert != d.cfg.CertificateARN || cur.policy != policy)
	var addTags map[string]string
	var dropTags []string
	if !create {
		for k, v := range d.cfg.Tags {
			if cur.tags[k] != v || !hasKey(cur.tags, k) {
				if addTags == nil {
					addTags = map[string]string{}
				}
				addTags[k] = v
			}
		}
		for k := range cur.tags {
			if !hasKey(d.cfg.Tags, k) {
				dropTags = append(dropTags, k)
			}
		}
		slices.Sort(dropTags)
	}

	// What to do with the mappings. The API's id is known at plan time
	// only when the API already exists.
	plannedAPI := ""
	if rec := x.state.Find(d.apiRecord); rec != nil {
		plannedAPI = rec.Get(d.apiField)
	}
	var existing *remoteMapping
	for i := range mappings {
		if mappings[i].key == want {
			existing = &mappings[i]
		}
	}
	replace := existing != nil && (existing.apiID != plannedAPI || existing.stage != d.stage)
	createMapping := existing == nil || replace
	var stale []remoteMapping // recorded by this app under another key, still there
	for _, k := range oldKeys {
		if k == want {
			continue
		}
		for _, m := range mappings {
			if m.key == k {
				stale = append(stale, m)
			}
		}
	}

	svc := "apigateway"
	createOp, updateOp, mapOp, unmapOp := "CreateDomainName", "UpdateDomainName", "CreateBasePathMapping", "DeleteBasePathMapping"
	if d.v2 {
		svc = "apigatewayv2"
		mapOp, unmapOp = "CreateApiMapping", "DeleteApiMapping"
	}
	// The record keeps every mapping this app made that still exists;
	// it is written at once with only the mappings known to exist.
	info := domainInfo{}
	if cur != nil {
		info = *cur
	}
	keys := []string{}
	for _, k := range oldKeys {
		if slices.ContainsFunc(mappings, func(m remoteMapping) bool { return m.key == k }) {
			keys = append(keys, k)
		}
	}
	record := func() state.Record {
		return state.Record{Name: d.resource, ResourceType: "domain_name", Fields: []state.Field{
			{Key: "hosted_zone_id", Value: info.hostedZone}, {Key: "alias_domain_name", Value: info.alias},
			{Key: "certificate_arn", Value: info.cert}, {Key: "security_policy", Value: info.policy},
			{Key: "domain_name", Value: name}, {Key: "api_mapping", Value: mappingValue(keys)}}}
	}
	var ins []Instruction
	msg := ""
	switch {
	case create:
		ins = append(ins, apiCall(svc, createOp, name, func(ctx context.Context, x *executor) (err error) {
			info, err = x.createDomain(ctx, d, policy)
			return err
		}).detailed("%s, %s", d.endpoint, policy))
		msg = "Creating custom domain name: " + name
	case update && !d.v2:
		// One UpdateDomainName per differing field, as Chalice patches.
		for _, op := range patchOps(d, cur, policy) {
			ins = append(ins, apiCall(svc, updateOp, name, func(ctx context.Context, x *executor) (err error) {
				info, err = x.patchDomain(ctx, d, op)
				return err
			}).detailed("%s", deref(op.Path)))
		}
		msg = "Updating custom domain name: " + name
	case update:
		ins = append(ins, apiCall(svc, updateOp, name, func(ctx context.Context, x *executor) (err error) {
			info, err = x.updateDomainV2(ctx, d, policy)
			return err
		}).detailed("%s", policy))
		msg = "Updating custom domain name: " + name
	}
	ins = append(ins, recordIn(record))
	if len(addTags) > 0 {
		ins = append(ins, apiCall(svc, "TagResource", name, func(ctx context.Context, x *executor) error { return x.domainTags(ctx, d, addTags, nil) }))
	}
	if len(dropTags) > 0 {
		ins = append(ins, apiCall(svc, "UntagResource", name, func(ctx context.Context, x *executor) error { return x.domainTags(ctx, d, nil, dropTags) }))
	}
	// The API's id is known at plan time only when the API already
	// exists: it is read from the API's record when the step runs.
	apiID := known(d.apiRecord+"."+d.apiField, plannedAPI)
	ins = append(ins, lookup(fmt.Sprintf("read %s from the record %s", d.apiField, d.apiRecord), func(ctx context.Context, x *executor) error {
		apiID.value = ""
		if rec := x.state.Find(d.apiRecord); rec != nil {
			apiID.value = rec.Get(d.apiField)
		}
		if apiID.value == "" {
			return fmt.Errorf("no %s recorded to map the custom domain %s to", d.apiRecord, name)
		}
		return nil
	}))
	if replace {
		ins = append(ins, apiCall(svc, unmapOp, name+" "+recordKey(want), func(ctx context.Context, x *executor) error {
			return x.deleteMapping(ctx, d.v2, name, *existing)
		}))
	}
	if createMapping {
		ins = append(ins, apiCall(svc, mapOp, name+" "+recordKey(want), func(ctx context.Context, x *executor) error {
			return x.createMapping(ctx, d.v2, name, want, apiID.value, d.stage)
		}).detailed("to %s stage %s", apiID, d.stage))
		if msg == "" {
			msg = "Creating api mapping: " + recordKey(want)
		}
	}
	ins = append(ins, act(func(ctx context.Context, x *executor) error {
		if !slices.Contains(keys, want) {
			keys = append(keys, want)
		}
		return x.record(ctx, record())
	}))
	for _, m := range stale {
		ins = append(ins, apiCall(svc, unmapOp, name+" "+recordKey(m.key), func(ctx context.Context, x *executor) error {
			if err := x.deleteMapping(ctx, d.v2, name, m); err != nil {
				return err
			}
			keys = slices.DeleteFunc(keys, func(k string) bool { return k == m.key })
			return x.record(ctx, record())
		}))
	}
	// Keys recorded before whose mapping is gone are dropped.
	ins = append(ins, act(func(ctx context.Context, x *executor) error {
		keys = []string{want}
		return x.record(ctx, record())
	}))
	return []Step{{Resource: d.resource, Message: msg, Instructions: ins}}, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func (x *executor) createDomain(ctx context.Context, d domainSpec, policy string) (domainInfo, error) {
	c := d.cfg
	if d.v2 {
		out, err := x.c.APIGatewayV2.CreateDomainName(ctx, &apigatewayv2.CreateDomainNameInput{DomainName: aws.String(c.DomainName),
			DomainNameConfigurations: []v2types.DomainNameConfiguration{{CertificateArn: aws.String(c.CertificateARN),
				EndpointType: v2types.EndpointType(d.endpoint), SecurityPolicy: v2types.SecurityPolicy(policy)}},
			Tags: c.Tags})
		if err != nil {
			return domainInfo{}, err
		}
		return v2Info(out.DomainNameConfigurations, out.Tags), nil
	}
	in := &apigateway.CreateDomainNameInput{DomainName: aws.String(c.DomainName), SecurityPolicy: agtypes.SecurityPolicy(policy),
		EndpointConfiguration: &agtypes.EndpointConfiguration{Types: []agtypes.EndpointType{agtypes.EndpointType(d.endpoint)}}, Tags: c.Tags}
	if d.endpoint == "EDGE" {
		in.CertificateArn = aws.String(c.CertificateARN)
	} else {
		in.RegionalCertificateArn = aws.String(c.CertificateARN)
	}
	out, err := x.c.APIGateway.CreateDomainName(ctx, in)
	if err != nil {
		return domainInfo{}, err
	}
	return v1Info(&apigateway.GetDomainNameOutput{CertificateArn: out.CertificateArn, RegionalCertificateArn: out.RegionalCertificateArn,
		DistributionDomainName: out.DistributionDomainName, DistributionHostedZoneId: out.DistributionHostedZoneId,
		RegionalDomainName: out.RegionalDomainName, RegionalHostedZoneId: out.RegionalHostedZoneId, SecurityPolicy: out.SecurityPolicy,
		EndpointConfiguration: endpointOr(out.EndpointConfiguration, d.endpoint), Tags: out.Tags}), nil
}

// patchOps are the v1 patch operations that make an existing domain's
// security policy and certificate the wanted ones.
func patchOps(d domainSpec, cur *domainInfo, policy string) []agtypes.PatchOperation {
	var ops []agtypes.PatchOperation
	if cur.policy != policy {
		ops = append(ops, agtypes.PatchOperation{Op: agtypes.OpReplace, Path: aws.String("/securityPolicy"), Value: aws.String(policy)})
	}
	if cur.cert != d.cfg.CertificateARN {
		path := "/certificateArn"
		if d.endpoint != "EDGE" {
			path = "/regionalCertificateArn"
		}
		ops = append(ops, agtypes.PatchOperation{Op: agtypes.OpReplace, Path: aws.String(path), Value: aws.String(d.cfg.CertificateARN)})
	}
	return ops
}

// updateDomainV2 sets a v2 domain's certificate and security policy.
func (x *executor) updateDomainV2(ctx context.Context, d domainSpec, policy string) (domainInfo, error) {
	c := d.cfg
	out, err := x.c.APIGatewayV2.UpdateDomainName(ctx, &apigatewayv2.UpdateDomainNameInput{DomainName: aws.String(c.DomainName),
		DomainNameConfigurations: []v2types.DomainNameConfiguration{{CertificateArn: aws.String(c.CertificateARN),
			EndpointType: v2types.EndpointType(d.endpoint), SecurityPolicy: v2types.SecurityPolicy(policy)}}})
	if err != nil {
		return domainInfo{}, err
	}
	return v2Info(out.DomainNameConfigurations, out.Tags), nil
}

// patchDomain applies one patch operation to a v1 domain.
func (x *executor) patchDomain(ctx context.Context, d domainSpec, op agtypes.PatchOperation) (domainInfo, error) {
	out, err := x.c.APIGateway.UpdateDomainName(ctx, &apigateway.UpdateDomainNameInput{DomainName: aws.String(d.cfg.DomainName), PatchOperations: []agtypes.PatchOperation{op}})
	if err != nil {
		return domainInfo{}, err
	}
	return v1Info(&apigateway.GetDomainNameOutput{CertificateArn: out.CertificateArn, RegionalCertificateArn: out.RegionalCertificateArn,
		DistributionDomainName: out.DistributionDomainName, DistributionHostedZoneId: out.DistributionHostedZoneId,
		RegionalDomainName: out.RegionalDomainName, RegionalHostedZoneId: out.RegionalHostedZoneId, SecurityPolicy: out.SecurityPolicy,
		EndpointConfiguration: endpointOr(out.EndpointConfiguration, d.endpoint), Tags: out.Tags}), nil
}

// endpointOr is e, or the wanted endpoint type when a response has none.
func endpointOr(e *agtypes.EndpointConfiguration, want string) *agtypes.EndpointConfiguration {
	if e == nil || len(e.Types) == 0 {
		return &agtypes.EndpointConfiguration{Types: []agtypes.EndpointType{agtypes.EndpointType(want)}}
	}
	return e
}

func (x *executor) domainTags(ctx context.Context, d domainSpec, add map[string]string, drop []string) error {
	arn := aws.String(x.arns.domainName(d.cfg.DomainName))
	if len(add) > 0 {
		var err error
		if d.v2 {
			_, err = x.c.APIGatewayV2.TagResource(ctx, &apigatewayv2.TagResourceInput{ResourceArn: arn, Tags: maps.Clone(add)})
		} else {
			_, err = x.c.APIGateway.TagResource(ctx, &apigateway.TagResourceInput{ResourceArn: arn, Tags: maps.Clone(add)})
		}
		if err != nil {
			return err
		}
	}
	if len(drop) > 0 {
		var err error
		if d.v2 {
			_, err = x.c.APIGatewayV2.UntagResource(ctx, &apigatewayv2.UntagResourceInput{ResourceArn: arn, TagKeys: drop})
		} else {
			_, err = x.c.APIGateway.UntagResource(ctx, &apigateway.UntagResourceInput{ResourceArn: arn, TagKeys: drop})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (x *executor) createMapping(ctx context.Context, v2 bool, domain, key, apiID, stage string) error {
	if v2 {
		_, err := x.c.APIGatewayV2.CreateApiMapping(ctx, &apigatewayv2.CreateApiMappingInput{DomainName: aws.String(domain), ApiId: aws.String(apiID),
			Stage: aws.String(stage), ApiMappingKey: aws.String(key)})
		return err
	}
	in := &apigateway.CreateBasePathMappingInput{DomainName: aws.String(domain), RestApiId: aws.String(apiID), Stage: aws.String(stage)}
	if key != "" {
		in.BasePath = aws.String(key)
	}
	_, err := x.c.APIGateway.CreateBasePathMapping(ctx, in)
	return err
}

// deleteMapping deletes a mapping; a v2 mapping is found by key when its
// id is unknown. Already-deleted mappings are fine.
func (x *executor) deleteMapping(ctx context.Context, v2 bool, domain string, m remoteMapping) error {
	if v2 {
		id := m.id
		if id == "" {
			ms, err := x.c.APIGatewayV2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(domain)})
			if isNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			for _, it := range ms.Items {
				if mappingKey(deref(it.ApiMappingKey)) == m.key {
					id = deref(it.ApiMappingId)
				}
			}
			if id == "" {
				return nil
			}
		}
		_, err := x.c.APIGatewayV2.DeleteApiMapping(ctx, &apigatewayv2.DeleteApiMappingInput{DomainName: aws.String(domain), ApiMappingId: aws.String(id)})
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	}
	base := m.key
	if base == "" {
		base = "(none)"
	}
	_, err := x.c.APIGateway.DeleteBasePathMapping(ctx, &apigateway.DeleteBasePathMappingInput{DomainName: aws.String(domain), BasePath: aws.String(base)})
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// sweepDomain deletes a recorded custom domain: its recorded mappings,
// then the domain. Whether it is a v2 domain is read from the state (a
// websocket domain, or the REST API record being an HTTP API).
func sweepDomain(rec state.Record) Step {
	name := rec.Get("domain_name")
	keys := recordedKeys(&rec)
	svc, unmapOp := "apigateway", "DeleteBasePathMapping"
	if rec.Name == "websocket_api_custom_domain" {
		svc, unmapOp = "apigatewayv2", "DeleteApiMapping"
	}
	// v2 tells whether the domain is an API Gateway v2 one: a websocket
	// domain, or the REST API record being an HTTP API (read when the
	// step runs).
	v2 := func(x *executor) bool {
		if rec.Name == "websocket_api_custom_domain" {
			return true
		}
		api := x.state.Find("rest_api")
		return api != nil && api.ResourceType == "http_api" && rec.Name == "api_gateway_custom_domain"
	}
	var ins []Instruction
	for _, k := range keys {
		ins = append(ins, apiCall(svc, unmapOp, name+" "+recordKey(k), func(ctx context.Context, x *executor) error {
			return x.deleteMapping(ctx, v2(x), name, remoteMapping{key: k})
		}))
	}
	ins = append(ins, apiCall(svc, "DeleteDomainName", name, func(ctx context.Context, x *executor) error {
		var err error
		if v2(x) {
			_, err = x.c.APIGatewayV2.DeleteDomainName(ctx, &apigatewayv2.DeleteDomainNameInput{DomainName: aws.String(name)})
		} else {
			_, err = x.c.APIGateway.DeleteDomainName(ctx, &apigateway.DeleteDomainNameInput{DomainName: aws.String(name)})
		}
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	}), forgetIn(rec.Name))
	return Step{Resource: rec.Name, Message: "Deleting custom domain name: " + name, Instructions: ins}
}

// domainFor returns the custom domain of an API resource, nil when it has
// none.
func (pl *planner) domainFor(r any) (*domainSpec, error) {
	switch r := r.(type) {
	case *appgraph.RestAPI:
		cfg := r.Stage.APICustomDomain
		if cfg == nil {
			return nil, nil
		}
		d := &domainSpec{resource: "api_gateway_custom_domain", cfg: cfg, apiRecord: r.ResourceName, apiField: "rest_api_id", stage: r.Stage.APIGatewayStage, endpoint: "REGIONAL"}
		if r.IsHTTPAPI() {
			d.v2, d.apiField = true, "http_api_id"
			return d, nil
		}
		switch r.Stage.EndpointType {
		case "", "EDGE":
			d.endpoint = "EDGE"
		case "PRIVATE":
			return nil, fmt.Errorf("planning api_gateway_custom_domain: gochalice deploy does not map a custom domain to a PRIVATE REST API (use EDGE or REGIONAL)")
		}
		return d, nil
	case *appgraph.WebsocketAPI:
		st := r.Stage
		if st == nil {
			st = pl.app.StageCfg
		}
		if st == nil || st.WebsocketCustomDomain == nil {
			return nil, nil
		}
		stage := "api"
		if st.APIGatewayStage != "" {
			stage = st.APIGatewayStage
		}
		return &domainSpec{resource: "websocket_api_custom_domain", v2: true, cfg: st.WebsocketCustomDomain, endpoint: "REGIONAL",
			apiRecord: r.ResourceName, apiField: "websocket_api_id", stage: stage}, nil
	}
	return nil, nil
}
