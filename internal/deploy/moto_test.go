package deploy_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
	"github.com/gochalice/chalice/chalicetest/moto"
	"github.com/gochalice/chalice/internal/deploy"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/packager"
)

func libraryRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

const appHeader = `package main

import (
	"context"
	"encoding/json"

	"github.com/gochalice/chalice"
)

func main() {
	app := chalice.New("sample")
	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "u"}, nil
	}, chalice.Name("myauth"))
	app.Get("/", index)
	app.Get("/secret", index, chalice.WithAuthorizer(auth))
	app.Schedule(chalice.Rate(5, chalice.Minutes), everyFive)
`

const appFooter = `	app.Run()
}

func index(ctx context.Context, r *chalice.Request) (any, error) { return map[string]string{"hello": "world"}, nil }

func purefn(ctx context.Context, ev json.RawMessage) (any, error) { return ev, nil }

func everyFive(ctx context.Context, ev *chalice.CloudWatchEvent) error { return nil }

var _ = purefn
`

func writeApp(t *testing.T, dir, extra string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(appHeader+extra+appFooter), 0o644); err != nil {
		t.Fatal(err)
	}
}

// project writes the sample app into a temporary module.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".chalice"), 0o755)
	os.WriteFile(filepath.Join(dir, ".chalice", "config.json"), []byte(`{"version": "2.0", "app_name": "sample", "stages": {"dev": {"api_gateway_stage": "api", "environment_variables": {"MODE": "test"}}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module sample\n\ngo 1.26\n\nrequire github.com/gochalice/chalice v0.0.0-00010101000000-000000000000\n\nreplace github.com/gochalice/chalice => "+libraryRoot()+"\n"), 0o644)
	writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n")
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	return dir
}

type remote struct {
	lambda *lambda.Client
	iam    *iam.Client
	apigw  *apigateway.Client
	events *eventbridge.Client
}

// inventory lists what exists in moto: function names, role names, rule
// names, REST API ids.
func (r *remote) inventory(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	fns, err := r.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns.Functions {
		out["functions"] = append(out["functions"], *f.FunctionName)
	}
	roles, err := r.iam.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range roles.Roles {
		out["roles"] = append(out["roles"], *x.RoleName)
	}
	rules, err := r.events.ListRules(ctx, &eventbridge.ListRulesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range rules.Rules {
		out["rules"] = append(out["rules"], *x.Name)
	}
	apis, err := r.apigw.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range apis.Items {
		out["apis"] = append(out["apis"], *x.Id)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

// recorded returns the same inventory from the state file.
func recorded(t *testing.T, d *state.Deployed) map[string][]string {
	out := map[string][]string{}
	for _, r := range d.Resources {
		switch r.ResourceType {
		case "lambda_function":
			arn := r.Get("lambda_arn")
			out["functions"] = append(out["functions"], arn[strings.LastIndex(arn, ":")+1:])
		case "iam_role":
			out["roles"] = append(out["roles"], r.Get("role_name"))
		case "cloudwatch_event":
			out["rules"] = append(out["rules"], r.Get("rule_name"))
		case "rest_api":
			out["apis"] = append(out["apis"], r.Get("rest_api_id"))
		default:
			t.Errorf("unexpected record %+v", r)
		}
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func loadState(t *testing.T, dir string) *state.Deployed {
	t.Helper()
	d, err := state.LocalFile(dir, "dev").Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mutating(rec *awsapi.Recorder) []string {
	var out []string
	for _, c := range rec.Mutating() {
		out = append(out, c.Operation)
	}
	return out
}

var fast = deploy.Retry{RoleAttempts: 3, RoleDelay: 10 * time.Millisecond, PollInterval: 10 * time.Millisecond, WaitTimeout: 10 * time.Second}

func TestDeployAgainstMoto(t *testing.T) {
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
	rm := &remote{lambda: lambda.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), apigw: apigateway.NewFromConfig(cfg), events: eventbridge.NewFromConfig(cfg)}

	build := func(t *testing.T) *packager.Built {
		b, err := packager.Build(ctx, &packager.Options{ProjectDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	built := build(t)
	rec := &awsapi.Recorder{}
	var out bytes.Buffer
	opts := func(b *packager.Built) *deploy.Options {
		out.Reset()
		rec.Reset()
		return &deploy.Options{ProjectDir: dir, Out: &out, Recorder: rec, Retry: fast, Built: b}
	}
	wantInventory := map[string][]string{
		"functions": {"sample-dev", "sample-dev-everyFive", "sample-dev-myauth", "sample-dev-purefn"},
		"roles":     {"sample-dev"},
		"rules":     {"sample-dev-everyFive-event"},
	}
	checkConverged := func(t *testing.T) {
		t.Helper()
		inv := rm.inventory(t)
		st := loadState(t, dir)
		if rec := recorded(t, st); !equalInv(inv, rec) {
			t.Errorf("moto has %v, the state records %v", inv, rec)
		}
		for k, v := range wantInventory {
			if !slices.Equal(inv[k], v) {
				t.Errorf("%s = %v, want %v", k, inv[k], v)
			}
		}
		if len(inv["apis"]) != 1 {
			t.Errorf("REST APIs = %v, want exactly one", inv["apis"])
		}
	}

	var firstCalls []string
	t.Run("first deploy", func(t *testing.T) {
		plan, err := deploy.PlanOnly(ctx, opts(built))
		if err != nil || len(mutating(rec)) != 0 {
			t.Fatalf("plan: %v, mutating calls %v", err, mutating(rec))
		}
		var printed bytes.Buffer
		plan.Print(&printed)
		if !strings.Contains(printed.String(), "Creating IAM role: sample-dev\n  iam:CreateRole sample-dev\n") {
			t.Errorf("plan:\n%s", printed.String())
		}
		if _, err := os.Stat(state.LocalFile(dir, "dev").Path); err == nil {
			t.Error("dev plan wrote the state file")
		}
		start := time.Now()
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		firstCalls = mutating(rec)
		if len(firstCalls) != plan.MutatingCalls() {
			t.Errorf("plan announced %d mutating calls, deploy made %d", plan.MutatingCalls(), len(firstCalls))
		}
		t.Logf("first deploy: %d calls, %d mutating %v, %v\n%s", len(rec.Calls()), len(firstCalls), firstCalls, time.Since(start), out.String())
		for _, line := range []string{"Creating deployment package.", "Creating IAM role: sample-dev", "Creating lambda function: sample-dev-purefn",
			"Creating lambda function: sample-dev", "Creating Rest API", "Resources deployed:", "  - Lambda ARN: arn:aws:lambda:us-east-1:123456789012:function:sample-dev-purefn", "  - Rest API URL: https://"} {
			if !strings.Contains(out.String(), line+"\n") && !strings.Contains(out.String(), line) {
				t.Errorf("output lacks %q:\n%s", line, out.String())
			}
		}
		checkConverged(t)
		st := loadState(t, dir)
		var names []string
		for _, r := range st.Resources {
			names = append(names, r.Name)
		}
		if want := []string{"default-role", "purefn", "everyFive", "everyFive-event", "api_handler", "myauth", "rest_api"}; !slices.Equal(names, want) {
			t.Errorf("records = %v, want %v", names, want)
		}
		api := st.Find("rest_api")
		if u := api.Get("rest_api_url"); u != "https://"+api.Get("rest_api_id")+".execute-api.us-east-1.amazonaws.com/api/" {
			t.Errorf("rest_api_url = %q", u)
		}
		raw, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.HasSuffix(raw, []byte("\n}\n")) || !bytes.Contains(raw, []byte(`"schema_version": "2.0"`)) {
			t.Errorf("state file:\n%s", raw)
		}
		// The function is really configured.
		fn, err := rm.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("sample-dev-purefn")})
		if err != nil {
			t.Fatal(err)
		}
		c := fn.Configuration
		if string(c.Runtime) != "provided.al2023" || *c.Handler != "purefn" || c.Environment.Variables["MODE"] != "test" || *c.CodeSha256 != built.Package.CodeSha256 {
			t.Errorf("function configuration = %+v", c)
		}
		u, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir})
		if err != nil || u != api.Get("rest_api_url") {
			t.Errorf("url = %q, %v", u, err)
		}
	})

	t.Run("no-op redeploy makes 0 mutating calls", func(t *testing.T) {
		before, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		start := time.Now()
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		t.Logf("no-op redeploy: %d calls (all read-only), %v", len(rec.Calls()), time.Since(start))
		if m := mutating(rec); len(m) != 0 {
			t.Errorf("mutating calls = %v, want none", m)
		}
		if o := strings.TrimPrefix(out.String(), "Creating deployment package.\n"); strings.Contains(o, "Creating ") || strings.Contains(o, "Updating ") {
			t.Errorf("output:\n%s", out.String())
		}
		after, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.Equal(before, after) {
			t.Errorf("state changed:\n%s\n%s", before, after)
		}
		p, err := deploy.PlanOnly(ctx, opts(built))
		if err != nil || p.MutatingCalls() != 0 || len(mutating(rec)) != 0 {
			t.Errorf("plan: %v, %d planned, made %v", err, p.MutatingCalls(), mutating(rec))
		}
	})

	t.Run("changed route updates the code and the API only", func(t *testing.T) {
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n\tapp.Get(\"/extra\", index)\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		m := mutating(rec)
		slices.Sort(m)
		// Every function shares the binary, so each gets the new code.
		want := []string{"CreateDeployment", "PutRestApi", "UpdateFunctionCode", "UpdateFunctionCode", "UpdateFunctionCode", "UpdateFunctionCode"}
		if !slices.Equal(m, want) {
			t.Errorf("mutating calls = %v, want %v", m, want)
		}
		if !strings.Contains(out.String(), "Updating rest API\n") {
			t.Errorf("output:\n%s", out.String())
		}
		checkConverged(t)
	})

	t.Run("removed function is swept", func(t *testing.T) {
		writeApp(t, dir, "\tapp.Get(\"/extra\", index)\n")
		built = build(t)
		if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "Deleting function: arn:aws:lambda:us-east-1:123456789012:function:sample-dev-purefn\n") {
			t.Errorf("output:\n%s", out.String())
		}
		inv := rm.inventory(t)
		if slices.Contains(inv["functions"], "sample-dev-purefn") || loadState(t, dir).Find("purefn") != nil {
			t.Errorf("purefn not swept: %v", inv)
		}
		// Back to the full app for the next subtests.
		writeApp(t, dir, "\tapp.LambdaFunction(purefn)\n")
		built = build(t)
	})

	t.Run("fault injection converges", func(t *testing.T) {
		statePath := state.LocalFile(dir, "dev").Path
		n := len(firstCalls)
		if n == 0 {
			t.Fatal("no first deploy")
		}
		for k := 1; k <= n; k++ {
			if err := srv.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			os.Remove(statePath)
			o := opts(built)
			count := 0
			rec.Hook = func(c awsapi.Call) error {
				if c.Mutating() {
					count++
					if count == k {
						return &smithy.GenericAPIError{Code: "InjectedFault", Message: "injected failure of call " + c.String()}
					}
				}
				return nil
			}
			_, err := deploy.Deploy(ctx, o)
			rec.Hook = nil
			if err == nil || !strings.Contains(err.Error(), "InjectedFault") {
				t.Fatalf("k=%d: deploy error = %v", k, err)
			}
			failed := rec.Mutating()[k-1].String()
			inv := rm.inventory(t)
			st := loadState(t, dir)
			if r := recorded(t, st); !equalInv(inv, r) {
				t.Errorf("k=%d (failed %s): moto has %v but the state records %v", k, failed, inv, r)
			}
			if _, err := deploy.Deploy(ctx, opts(built)); err != nil {
				t.Fatalf("k=%d: re-deploy: %v\n%s", k, err, out.String())
			}
			checkConverged(t)
			if t.Failed() {
				t.Fatalf("k=%d (failed %s) did not converge", k, failed)
			}
		}
		t.Logf("fault injected at each of the %d mutating calls; every re-deploy converged", n)
	})

	t.Run("IAM propagation retry", func(t *testing.T) {
		if err := srv.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		os.Remove(state.LocalFile(dir, "dev").Path)
		o := opts(built)
		fails := 2
		rec.Hook = func(c awsapi.Call) error {
			if c.Operation == "CreateFunction" && fails > 0 {
				fails--
				return &smithy.GenericAPIError{Code: "InvalidParameterValueException", Message: "The role defined for the function cannot be assumed by Lambda."}
			}
			return nil
		}
		defer func() { rec.Hook = nil }()
		if _, err := deploy.Deploy(ctx, o); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		checkConverged(t)
	})

	t.Run("delete", func(t *testing.T) {
		if err := deploy.Delete(ctx, opts(nil)); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		inv := rm.inventory(t)
		for k, v := range inv {
			if len(v) != 0 {
				t.Errorf("%s left after delete: %v", k, v)
			}
		}
		raw, _ := os.ReadFile(state.LocalFile(dir, "dev").Path)
		if !bytes.Contains(raw, []byte(`"resources": []`)) {
			t.Errorf("state after delete:\n%s", raw)
		}
		var nr *deploy.NoRestAPIError
		if _, err := deploy.URL(ctx, &deploy.Options{ProjectDir: dir}); !errors.As(err, &nr) || err.Error() != "Could not find a record of a Rest API in chalice stage: 'dev'" {
			t.Errorf("url after delete: %v", err)
		}
		// Deleting again is a no-op.
		if err := deploy.Delete(ctx, opts(nil)); err != nil || len(mutating(rec)) != 0 {
			t.Errorf("second delete: %v, calls %v", err, mutating(rec))
		}
	})

	t.Run("corrupted state makes no AWS call", func(t *testing.T) {
		p := state.LocalFile(dir, "dev").Path
		for _, content := range []string{"{not json", `{"resources": [], "schema_version": "9.9", "backend": "api"}`} {
			os.WriteFile(p, []byte(content), 0o644)
			_, err := deploy.Deploy(ctx, opts(built))
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("deploy with %q: err = %v, want an error naming %s", content, err, p)
			}
			if err := deploy.Delete(ctx, opts(nil)); err == nil {
				t.Errorf("delete with %q succeeded", content)
			}
			if c := rec.Calls(); len(c) != 0 {
				t.Errorf("AWS calls made: %v", c)
			}
		}
	})
}

func equalInv(a, b map[string][]string) bool {
	for _, k := range []string{"functions", "roles", "rules", "apis"} {
		if !slices.Equal(a[k], b[k]) {
			return false
		}
	}
	return true
}
