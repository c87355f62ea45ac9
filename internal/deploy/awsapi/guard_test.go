package awsapi_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
)

// fakeAWS points the SDK at srv with static credentials.
func fakeAWS(t *testing.T, url string) {
	t.Setenv("AWS_ENDPOINT_URL", url)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_MAX_ATTEMPTS", "3")
	t.Setenv("AWS_RETRY_MODE", "standard")
}

// dropping answers the first request by closing the connection (the
// response is lost) and then answers status with body.
func dropping(t *testing.T, first func(w http.ResponseWriter), status int, body string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			first(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestNonIdempotentCreateIsNotRetriedBlindly(t *testing.T) {
	for _, tt := range []struct {
		name      string
		first     func(w http.ResponseWriter)
		call      func(ctx context.Context, c *awsapi.Clients) error
		requests  int32
		ambiguous bool
	}{
		{"lost response of CreateRestApi", hangUp, createRestAPI, 1, true},
		{"5xx of CreateRestApi", func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) }, createRestAPI, 1, true},
		{"throttled CreateRestApi is retried (nothing was created)", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message": "Too Many Requests"}`))
		}, createRestAPI, 2, false},
		{"lost response of an idempotent read is retried", hangUp, func(ctx context.Context, c *awsapi.Clients) error {
			_, err := c.APIGateway.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("abc")})
			return err
		}, 2, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := dropping(t, tt.first, http.StatusCreated, `{"id": "abc", "name": "x"}`)
			fakeAWS(t, srv.URL)
			c, err := awsapi.Load(context.Background(), awsapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = tt.call(context.Background(), c)
			var uo *awsapi.UnknownOutcomeError
			if got := errors.As(err, &uo); got != tt.ambiguous {
				t.Fatalf("err = %v, want unknown outcome: %v", err, tt.ambiguous)
			}
			if tt.ambiguous && uo.Call != (awsapi.Call{Service: "API Gateway", Operation: "CreateRestApi"}) {
				t.Errorf("call = %v", uo.Call)
			}
			if !tt.ambiguous && err != nil {
				t.Errorf("err = %v, want success after a retry", err)
			}
			if got := n.Load(); got != tt.requests {
				t.Errorf("requests sent = %d, want %d", got, tt.requests)
			}
		})
	}
}

func createRestAPI(ctx context.Context, c *awsapi.Clients) error {
	_, err := c.APIGateway.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("x")})
	return err
}

// TestConnectionTimeoutKeepsTheCABundle: --connection-timeout replaces the
// SDK's HTTP client; the AWS_CA_BUNDLE roots must still be trusted.
func TestConnectionTimeoutKeepsTheCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/x</Arn><UserId>X</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`))
	}))
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	fakeAWS(t, srv.URL)
	t.Setenv("AWS_CA_BUNDLE", bundle)
	for _, timeout := range []time.Duration{0, 5 * time.Second} {
		c, err := awsapi.Load(context.Background(), awsapi.Options{ConnectionTimeout: timeout})
		if err != nil {
			t.Fatalf("timeout %v: %v", timeout, err)
		}
		out, err := c.STS.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(out.Account) != "123456789012" {
			t.Fatalf("timeout %v: %v", timeout, err)
		}
	}
}

// TestConnectionTimeoutBoundsTheWait: an answer slower than the timeout
// fails the attempt.
func TestConnectionTimeoutBoundsTheWait(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(400 * time.Millisecond)
	}))
	defer srv.Close()
	fakeAWS(t, srv.URL)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	c, err := awsapi.Load(context.Background(), awsapi.Options{ConnectionTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.STS.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("a slow answer did not time out")
	}
}
