package swagger

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/manifest"
)

// deployOptions are the options `gochalice deploy` generates the REST
// API document with (internal/deploy): OpenAPI 3.0, real ARNs, CORS
// preflight integrations set after the import.
func deployOptions() Options {
	const fn = "arn:aws:lambda:us-east-1:123456789012:function:"
	uri := func(name string) string {
		return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + name + "/invocations"
	}
	return Options{Format: OpenAPI30, PreflightOutside: true, HandlerURI: uri("typedapp-dev"),
		AuthorizerURI: func(f string) any { return uri("typedapp-dev-" + f) }}
}

// TestImportIntoMoto imports the OpenAPI 3.0 document deploy sends, with
// models, typed parameters, request bodies and request validators, into
// moto as deploy does (PutRestApi, overwrite) and checks every resource
// and method arrived; the HTTP API document goes through ReimportApi.
// moto makes no models of an imported document, so the models' keywords
// are checked by TestGoldensUseModelKeywords and
// TestRichManifestUsesModelKeywords instead.
func TestImportIntoMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("runs moto")
	}
	srv := moto.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rest := apigateway.NewFromConfig(cfg)
	for name, tc := range map[string]struct {
		m      *manifest.Manifest
		config string
	}{
		"validated":   {typedManifest(), validatedConfig},
		"models only": {typedManifest(), `{"version": "2.0", "app_name": "typedapp"}`},
		"rich types":  {richManifest(t), richConfig},
	} {
		t.Run(name, func(t *testing.T) {
			api := buildAPI(t, tc.m, tc.config)
			doc, err := Generate(api, "typedapp", deployOptions())
			if err != nil {
				t.Fatal(err)
			}
			body, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			created, err := rest.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("typedapp"), Description: aws.String(Description("typedapp"))})
			if err != nil {
				t.Fatal(err)
			}
			// As deploy does (moto's failOnWarnings would run
			// openapi-spec-validator, which wants the greedy parameter
			// of /files/{path+} named "path+"; TestGoldenFilesPassSpecValidator
			// validates the documents).
			if _, err := rest.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: created.Id, Body: body,
				Mode: agtypes.PutModeOverwrite}); err != nil {
				t.Fatalf("PutRestApi: %v", err)
			}
			res, err := rest.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: created.Id, Embed: []string{"methods"}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, r := range res.Items {
				for m := range r.ResourceMethods {
					got[aws.ToString(r.Path)] = append(got[aws.ToString(r.Path)], m)
				}
			}
			want := map[string][]string{}
			for _, r := range api.Routes {
				want[r.Path] = append(want[r.Path], r.Method)
			}
			for path, methods := range want {
				g := got[path]
				sort.Strings(g)
				sort.Strings(methods)
				if !slices.Equal(g, methods) {
					t.Errorf("%s: methods %v in moto, want %v", path, g, methods)
				}
			}
		})
	}

	// The HTTP API document of the same app (api_type http: no
	// validators, no models).
	t.Run("http", func(t *testing.T) {
		api := buildAPI(t, typedManifest(), validatedHTTPConfig)
		opts := deployOptions()
		opts.PreflightOutside = false
		doc, err := Generate(api, "typedapp", opts)
		if err != nil {
			t.Fatal(err)
		}
		body, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), "request-validator") || strings.Contains(string(body), `"Item"`) {
			t.Fatalf("HTTP API document has request validators or models: %s", body)
		}
		v2 := apigatewayv2.NewFromConfig(cfg)
		created, err := v2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("typedapp"), ProtocolType: "HTTP"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v2.ReimportApi(ctx, &apigatewayv2.ReimportApiInput{ApiId: created.ApiId, Body: aws.String(string(body))}); err != nil {
			t.Fatalf("ReimportApi: %v", err)
		}
		routes, err := v2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: created.ApiId})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range routes.Items {
			keys = append(keys, aws.ToString(r.RouteKey))
		}
		sort.Strings(keys)
		var want []string
		for _, r := range api.Routes {
			want = append(want, r.Method+" "+r.Path)
		}
		sort.Strings(want)
		if !slices.Equal(keys, want) {
			t.Errorf("routes in moto %v, want %v", keys, want)
		}
	})
}
