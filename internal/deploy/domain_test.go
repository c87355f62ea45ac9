package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/config"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
	"github.com/gochalice/chalice/packager"
)

const (
	testDomain = "api.example.com"
	testCert   = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
)

// mappingKeys returns a domain record's api_mapping keys.
func mappingKeys(r *state.Record) []string {
	var keys []string
	for _, f := range r.Fields {
		if f.Key == "api_mapping" {
			raw, _ := json.Marshal(f.Value)
			var list []struct{ Key string }
			json.Unmarshal(raw, &list)
			for _, m := range list {
				keys = append(keys, m.Key)
			}
		}
	}
	return keys
}

func setURLPrefix(b *packager.Built, prefix string) {
	for _, r := range b.App.Resources() {
		if api, ok := r.(*appgraph.RestAPI); ok {
			api.Stage.APICustomDomain.URLPrefix = prefix
		}
	}
}

func TestDeployCustomDomainsAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an app and runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := project(t)
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v1 := apigateway.NewFromConfig(cfg)
	v2 := apigatewayv2.NewFromConfig(cfg)
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Reporter: report.New(&out), Recorder: rec, Retry: fast, Built: b}
	}
	build := func(config, app string) *packager.Built {
		t.Helper()
		os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(config), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(app), 0o644)
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	restApp := strings.Replace(httpApp, "ROUTES", "", 1)

	t.Run("rest_api_edge_domain", func(t *testing.T) {
		built := build(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api", "automatic_layer": true,
			"api_gateway_custom_domain": {"domain_name": "`+testDomain+`", "certificate_arn": "`+testCert+`", "url_prefix": "v1", "tags": {"team": "web"}}}}}`, restApp)
		if p, err := deploy.PlanOnly(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Fatalf("plan: %v, mutating %v", err, mutating(rec))
		} else if !slices.ContainsFunc(p.Steps, func(s deploy.Step) bool {
			return slices.ContainsFunc(s.Calls(), func(c deploy.PlannedCall) bool {
				return c.Service == "apigateway" && c.Operation == "CreateBasePathMapping" && c.Target == testDomain+" /v1"
			})
		}) {
			t.Errorf("plan has no base path mapping: %+v", p.Steps)
		}
		res, err := deploy.Deploy(ctx, opts(built))
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		deploy.WriteSummary(&out, res.Resources)
		if want := []string{"CreateRole", "PutRolePolicy", "CreateFunction", "CreateRestApi", "PutRestApi", "AddPermission", "CreateDeployment", "CreateDomainName", "CreateBasePathMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("first deploy: %v, want %v", mutating(rec), want)
		}
		t.Logf("first deploy: %d calls, %d mutating", len(rec.Calls()), len(mutating(rec)))
		if !strings.Contains(out.String(), deploy.AutomaticLayerWarning+"\n") {
			t.Errorf("no automatic_layer warning:\n%s", out.String())
		}
		st := loadState(t, dir)
		api, dom := st.Find("rest_api"), st.Find("api_gateway_custom_domain")
		if api == nil || dom == nil || dom.ResourceType != "domain_name" {
			t.Fatalf("records: %+v", st.Resources)
		}
		if got, want := fieldKeys(dom), []string{"hosted_zone_id", "alias_domain_name", "certificate_arn", "security_policy", "domain_name", "api_mapping"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		d, err := v1.GetDomainName(ctx, &apigateway.GetDomainNameInput{DomainName: aws.String(testDomain)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.CertificateArn) != testCert || d.SecurityPolicy != "TLS_1_2" || d.EndpointConfiguration == nil || string(d.EndpointConfiguration.Types[0]) != "EDGE" || d.Tags["team"] != "web" {
			t.Errorf("domain in moto = %+v", d)
		}
		if dom.Get("hosted_zone_id") != aws.ToString(d.DistributionHostedZoneId) || dom.Get("alias_domain_name") != aws.ToString(d.DistributionDomainName) ||
			dom.Get("certificate_arn") != testCert || dom.Get("security_policy") != "TLS_1_2" || dom.Get("domain_name") != testDomain ||
			!slices.Equal(mappingKeys(dom), []string{"/v1"}) {
			t.Errorf("record = %+v", dom)
		}
		ms, err := v1.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String(testDomain)})
		if err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].BasePath) != "v1" || aws.ToString(ms.Items[0].RestApiId) != api.Get("rest_api_id") || aws.ToString(ms.Items[0].Stage) != "api" {
			t.Fatalf("mappings = %+v, %v", ms, err)
		}
		wantReport := "  - Rest API URL: " + api.Get("rest_api_url") + "\n  - Custom domain name:\n      HostedZoneId: " + dom.Get("hosted_zone_id") + "\n      AliasDomainName: " + dom.Get("alias_domain_name") + "\n"
		if !strings.Contains(out.String(), "Creating custom domain name: "+testDomain+"\n") || !strings.HasSuffix(out.String(), wantReport) {
			t.Errorf("output:\n%s", out.String())
		}

		// No-op redeploy.
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v\n%s", err, mutating(rec), out.String())
		}
		t.Logf("no-op redeploy: %d calls, %d mutating", len(rec.Calls()), len(mutating(rec)))

		// A TLS version change is an UpdateDomainName (planned only: moto
		// has no UpdateDomainName).
		built.App.StageCfg.APICustomDomain.TLSVersion = "TLS_1_0"
		for _, r := range built.App.Resources() {
			if a, ok := r.(*appgraph.RestAPI); ok {
				a.Stage.APICustomDomain.TLSVersion = "TLS_1_0"
			}
		}
		if p, err := deploy.PlanOnly(ctx, opts(built)); err != nil || p.MutatingCalls() != 1 || p.Steps[len(p.Steps)-2].Calls()[0].Operation != "UpdateDomainName" {
			t.Errorf("tls plan: %v, %+v", err, p)
		}
		for _, r := range built.App.Resources() {
			if a, ok := r.(*appgraph.RestAPI); ok {
				a.Stage.APICustomDomain.TLSVersion = "TLS_1_2"
			}
		}

		// url_prefix removed: only the mapping changes, "/" as Chalice.
		setURLPrefix(built, "")
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := []string{"CreateBasePathMapping", "DeleteBasePathMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("url_prefix change: %v, want %v", mutating(rec), want)
		}
		if !strings.Contains(out.String(), "Creating api mapping: /\n") {
			t.Errorf("output:\n%s", out.String())
		}
		if got := mappingKeys(loadState(t, dir).Find("api_gateway_custom_domain")); !slices.Equal(got, []string{"/"}) {
			t.Errorf("api_mapping = %v", got)
		}
		ms, err = v1.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String(testDomain)})
		if err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].BasePath) != "(none)" {
			t.Fatalf("mappings = %+v, %v", ms, err)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
		}

		// The domain removed from the config: swept (mapping, then domain).
		var saved *config.CustomDomain
		setDomain := func(d *config.CustomDomain) {
			for _, r := range built.App.Resources() {
				if a, ok := r.(*appgraph.RestAPI); ok {
					saved, a.Stage.APICustomDomain = a.Stage.APICustomDomain, d
				}
			}
		}
		setDomain(nil)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := []string{"DeleteBasePathMapping", "DeleteDomainName"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("domain removed: %v, want %v", mutating(rec), want)
		}
		if !strings.Contains(out.String(), "Deleting custom domain name: "+testDomain+"\n") || loadState(t, dir).Find("api_gateway_custom_domain") != nil {
			t.Errorf("output:\n%s", out.String())
		}
		if ds, err := v1.GetDomainNames(ctx, &apigateway.GetDomainNamesInput{}); err != nil || len(ds.Items) != 0 {
			t.Errorf("domains after removal = %+v, %v", ds, err)
		}
		setDomain(saved)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := []string{"CreateDomainName", "CreateBasePathMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("domain added back: %v, want %v", mutating(rec), want)
		}

		// delete removes the mapping, the domain and the rest.
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatal(err)
		}
		if want := []string{"DeleteBasePathMapping", "DeleteDomainName"}; !slices.Equal(mutating(rec)[:2], want) {
			t.Errorf("delete: %v", mutating(rec))
		}
		if ds, err := v1.GetDomainNames(ctx, &apigateway.GetDomainNamesInput{}); err != nil || len(ds.Items) != 0 {
			t.Errorf("domains after delete = %+v, %v", ds, err)
		}
		if d, _ := state.LocalFile(dir, "dev").Load(ctx); len(d.Resources) != 0 {
			t.Errorf("state after delete: %+v", d.Resources)
		}
		// Deleting again says nothing is recorded and changes nothing.
		var nothing *deploy.NothingRecordedError
		if err := deploy.Delete(ctx, opts(nil)); !errors.As(err, &nothing) || len(mutating(rec)) != 0 {
			t.Errorf("second delete: %v, %v", err, mutating(rec))
		}
	})

	t.Run("http_api_domain", func(t *testing.T) {
		built := build(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api", "api_type": "http",
			"api_gateway_custom_domain": {"domain_name": "`+testDomain+`", "certificate_arn": "`+testCert+`", "url_prefix": "v1"}}}}`, restApp)
		// The first deploy fails at the mapping: the domain is recorded
		// (with no mapping yet), and the next deploy only adds the mapping.
		o := opts(built)
		rec.Hook = func(c awsapi.Call) error {
			if c.Operation == "CreateApiMapping" {
				return &smithy.GenericAPIError{Code: "InjectedFault", Message: "injected"}
			}
			return nil
		}
		_, err := deploy.Deploy(ctx, o)
		rec.Hook = nil
		if err == nil || !strings.Contains(err.Error(), "InjectedFault") {
			t.Fatalf("err = %v", err)
		}
		if want := []string{"CreateRole", "PutRolePolicy", "CreateFunction", "CreateApi", "ReimportApi", "CreateStage", "AddPermission", "CreateDomainName", "CreateApiMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("first deploy: %v, want %v", mutating(rec), want)
		}
		if dom := loadState(t, dir).Find("api_gateway_custom_domain"); dom == nil || dom.Get("domain_name") != testDomain || len(mappingKeys(dom)) != 0 {
			t.Fatalf("record after the failure = %+v", dom)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := []string{"CreateApiMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("re-deploy after the failure: %v, want %v", mutating(rec), want)
		}
		st := loadState(t, dir)
		api, dom := st.Find("rest_api"), st.Find("api_gateway_custom_domain")
		if dom == nil || dom.Get("certificate_arn") != testCert || dom.Get("security_policy") != "TLS_1_2" || !slices.Equal(mappingKeys(dom), []string{"/v1"}) {
			t.Fatalf("record = %+v", dom)
		}
		d, err := v2.GetDomainName(ctx, &apigatewayv2.GetDomainNameInput{DomainName: aws.String(testDomain)})
		if err != nil || len(d.DomainNameConfigurations) != 1 || d.DomainNameConfigurations[0].EndpointType != "REGIONAL" || aws.ToString(d.DomainNameConfigurations[0].CertificateArn) != testCert {
			t.Fatalf("v2 domain = %+v, %v", d, err)
		}
		ms, err := v2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(testDomain)})
		if err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].ApiMappingKey) != "v1" || aws.ToString(ms.Items[0].ApiId) != api.Get("http_api_id") || aws.ToString(ms.Items[0].Stage) != "api" {
			t.Fatalf("mappings = %+v, %v", ms, err)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
		}
		setURLPrefix(built, "v2")
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if want := []string{"CreateApiMapping", "DeleteApiMapping"}; !slices.Equal(mutating(rec), want) {
			t.Errorf("url_prefix change: %v, want %v", mutating(rec), want)
		}
		if ms, err := v2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(testDomain)}); err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].ApiMappingKey) != "v2" {
			t.Fatalf("mappings = %+v, %v", ms, err)
		}
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatal(err)
		}
		if ds, err := v2.GetDomainNames(ctx, &apigatewayv2.GetDomainNamesInput{}); err != nil || len(ds.Items) != 0 {
			t.Errorf("domains after delete = %+v, %v", ds, err)
		}
		if ms, err := v2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String(testDomain)}); err == nil && len(ms.Items) != 0 {
			t.Errorf("mappings after delete = %+v", ms.Items)
		}
	})

	t.Run("websocket_api_domain", func(t *testing.T) {
		built := build(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api",
			"websocket_api_custom_domain": {"domain_name": "ws.example.com", "certificate_arn": "`+testCert+`", "tls_version": "TLS_1_0"}}}}`,
			strings.Replace(wsApp, "DISCONNECT", "", 1))
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if got := mutating(rec); len(got) < 2 || !slices.Equal(got[len(got)-2:], []string{"CreateDomainName", "CreateApiMapping"}) {
			t.Errorf("first deploy: %v", got)
		}
		st := loadState(t, dir)
		ws, dom := st.Find("websocket_api"), st.Find("websocket_api_custom_domain")
		if ws == nil || dom == nil || dom.Get("security_policy") != "TLS_1_0" || !slices.Equal(mappingKeys(dom), []string{"/"}) {
			t.Fatalf("records = %+v", st.Resources)
		}
		ms, err := v2.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: aws.String("ws.example.com")})
		if err != nil || len(ms.Items) != 1 || aws.ToString(ms.Items[0].ApiId) != ws.Get("websocket_api_id") || aws.ToString(ms.Items[0].ApiMappingKey) != "" {
			t.Fatalf("mappings = %+v, %v", ms, err)
		}
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("redeploy: %v, mutating %v", err, mutating(rec))
		}
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatal(err)
		}
		if ds, err := v2.GetDomainNames(ctx, &apigatewayv2.GetDomainNamesInput{}); err != nil || len(ds.Items) != 0 {
			t.Errorf("domains after delete = %+v, %v", ds, err)
		}
	})
}
