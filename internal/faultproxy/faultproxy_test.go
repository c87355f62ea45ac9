package faultproxy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gochalice/chalice/internal/faultproxy"
)

func config(endpoint string) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1}
}

// backend answers every call with an empty JSON/XML document and counts them.
func backend(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8" {
			w.Header().Set("Content-Type", "text/xml")
			w.Write([]byte(`<CreateRoleResponse><CreateRoleResult><Role><RoleName>r</RoleName></Role></CreateRoleResult></CreateRoleResponse>`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestClassify(t *testing.T) {
	srv, _ := backend(t)
	p, err := faultproxy.Start(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cfg := config(p.URL)
	ctx := context.Background()
	lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("f"), Role: aws.String("r"), Code: &ltypes.FunctionCode{ZipFile: []byte("x")}})
	lambda.NewFromConfig(cfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{}")})
	iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	eventbridge.NewFromConfig(cfg).PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("x")})
	eventbridge.NewFromConfig(cfg).DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("x")})
	want := []faultproxy.Call{
		{Service: "lambda", Operation: "POST /2015-03-31/functions", Mutating: true},
		{Service: "lambda", Operation: "GET /2015-03-31/functions/f", Mutating: false},
		{Service: "iam", Operation: "CreateRole", Mutating: true},
		{Service: "iam", Operation: "GetRole", Mutating: false},
		{Service: "events", Operation: "PutRule", Mutating: true},
		{Service: "events", Operation: "DescribeRule", Mutating: false},
	}
	got := p.Calls()
	if len(got) != len(want) {
		t.Fatalf("calls = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestFaults(t *testing.T) {
	for _, tt := range []struct {
		mode      faultproxy.Mode
		reached   int32 // calls the backend saw
		killed    bool
		clientErr bool
	}{
		{faultproxy.Fail, 1, false, true},
		{faultproxy.Reject, 1, false, true},
		{faultproxy.Drop, 2, false, true},
		{faultproxy.Delay, 2, false, true},
		{faultproxy.KillBefore, 1, true, true},
		{faultproxy.KillAfter, 2, true, true},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			srv, n := backend(t)
			p, err := faultproxy.Start(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var killed atomic.Bool
			// The 2nd mutating call is faulted; reads are not counted.
			p.Arm(faultproxy.Fault{Mode: tt.mode, K: 2, Delay: 300 * time.Millisecond, Kill: func() { killed.Store(true) }})
			cfg := config(p.URL)
			cfg.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond}
			c := eventbridge.NewFromConfig(cfg)
			ctx := context.Background()
			c.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("x")})
			if _, err := c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("a")}); err != nil {
				t.Fatalf("first mutating call: %v", err)
			}
			_, err = c.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("b")})
			if (err != nil) != tt.clientErr {
				t.Errorf("faulted call: err = %v", err)
			}
			time.Sleep(350 * time.Millisecond) // let a delayed answer finish
			if got := n.Load(); got != tt.reached+1 {
				t.Errorf("backend saw %d calls, want %d", got, tt.reached+1)
			}
			if killed.Load() != tt.killed {
				t.Errorf("killed = %v", killed.Load())
			}
			if !p.Disarm() {
				t.Error("the fault did not fire")
			}
			calls := p.Calls()
			if last := calls[len(calls)-1]; last.Faulted != tt.mode || last.Operation != "PutRule" {
				t.Errorf("faulted call = %+v", last)
			}
		})
	}
}
