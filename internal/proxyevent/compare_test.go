package proxyevent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// Helpers shared by the unit tests, the fuzz targets and the benchmarks.

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// diff collects mismatches between a decoded request and the reference.
type diff []string

func (d *diff) check(field string, got, want any) {
	if !reflect.DeepEqual(got, want) {
		*d = append(*d, fmt.Sprintf("%s: got %#v, want %#v", field, got, want))
	}
}

// compareV1 compares the v1-shaped fields of r with encoding/json's decoding
// of the same input into events.APIGatewayProxyRequest. It applies to every
// kind except v2 and Function URL.
func compareV1(r *Request, std *events.APIGatewayProxyRequest) diff {
	var d diff
	wantResource := std.Resource
	if wantResource == "" {
		wantResource = std.RequestContext.ResourcePath
	}
	d.check("Resource", r.Resource, wantResource)
	d.check("Path", r.Path, std.Path)
	d.check("Method", r.Method, std.HTTPMethod)
	d.check("Body", r.Body, std.Body)
	d.check("IsBase64Encoded", r.IsBase64Encoded, std.IsBase64Encoded)
	d.check("Headers", r.Headers, std.Headers)
	d.check("MultiValueHeaders", r.MultiValueHeaders, std.MultiValueHeaders)
	d.check("PathParameters", r.PathParameters, std.PathParameters)
	d.check("StageVariables", r.StageVariables, std.StageVariables)
	d.check("Query", r.Query, wantV1Query(std))

	c, sc := &r.Context, &std.RequestContext
	d.check("Context.AccountID", c.AccountID, sc.AccountID)
	d.check("Context.APIID", c.APIID, sc.APIID)
	d.check("Context.Stage", c.Stage, sc.Stage)
	d.check("Context.RequestID", c.RequestID, sc.RequestID)
	d.check("Context.DomainName", c.DomainName, sc.DomainName)
	d.check("Context.DomainPrefix", c.DomainPrefix, sc.DomainPrefix)
	d.check("Context.ResourceID", c.ResourceID, sc.ResourceID)
	d.check("Context.ResourcePath", c.ResourcePath, sc.ResourcePath)
	d.check("Context.HTTPMethod", c.HTTPMethod, sc.HTTPMethod)
	d.check("Context.Path", c.Path, sc.Path)
	d.check("Context.Protocol", c.Protocol, sc.Protocol)
	d.check("Context.RequestTime", c.RequestTime, sc.RequestTime)
	d.check("Context.RequestTimeEpoch", c.RequestTimeEpoch, sc.RequestTimeEpoch)
	d.check("Context.SourceIP", c.SourceIP, sc.Identity.SourceIP)
	d.check("Context.UserAgent", c.UserAgent, sc.Identity.UserAgent)
	d.check("Context.Authorizer", c.Authorizer, sc.Authorizer)
	return d
}

// wantV1Query is the Query a v1 request should have.
func wantV1Query(std *events.APIGatewayProxyRequest) map[string][]string {
	if len(std.MultiValueQueryStringParameters) > 0 {
		return std.MultiValueQueryStringParameters
	}
	if len(std.QueryStringParameters) == 0 {
		return nil
	}
	q := make(map[string][]string)
	for k, v := range std.QueryStringParameters {
		q[k] = []string{v}
	}
	return q
}

// wantV2Query is the Query a v2 request should have.
func wantV2Query(std *events.APIGatewayV2HTTPRequest) map[string][]string {
	var q map[string][]string
	if std.RawQueryString != "" {
		q, _ = url.ParseQuery(std.RawQueryString)
	} else {
		q = make(map[string][]string)
		for k, v := range std.QueryStringParameters {
			q[k] = strings.Split(v, ",")
		}
	}
	if len(q) == 0 {
		return nil
	}
	return q
}

// compareV2 compares the v2 fields of r with encoding/json's decoding of
// data into events.APIGatewayV2HTTPRequest.
func compareV2(r *Request, std *events.APIGatewayV2HTTPRequest, data []byte) diff {
	var d diff
	d.check("Path", r.Path, std.RawPath)
	d.check("Method", r.Method, std.RequestContext.HTTP.Method)
	d.check("Body", r.Body, std.Body)
	d.check("IsBase64Encoded", r.IsBase64Encoded, std.IsBase64Encoded)
	wantHeaders := wantV2Headers(std)
	if countMembers(data, "cookies") > 1 {
		// encoding/json decodes a repeated array into the same slice, where
		// a null element keeps the previous array's value; Decode simply
		// takes the last array. Compare everything but the cookie header.
		wantHeaders = withoutCookie(wantHeaders, std.Headers)
		d.check("Headers", withoutCookie(r.Headers, std.Headers), wantHeaders)
	} else {
		d.check("Headers", r.Headers, wantHeaders)
	}
	d.check("MultiValueHeaders", r.MultiValueHeaders, map[string][]string(nil))
	d.check("Query", r.Query, wantV2Query(std))
	d.check("PathParameters", r.PathParameters, std.PathParameters)
	d.check("StageVariables", r.StageVariables, std.StageVariables)

	c, sc := &r.Context, &std.RequestContext
	d.check("Context.AccountID", c.AccountID, sc.AccountID)
	d.check("Context.APIID", c.APIID, sc.APIID)
	d.check("Context.Stage", c.Stage, sc.Stage)
	d.check("Context.RequestID", c.RequestID, sc.RequestID)
	d.check("Context.DomainName", c.DomainName, sc.DomainName)
	d.check("Context.DomainPrefix", c.DomainPrefix, sc.DomainPrefix)
	d.check("Context.HTTPMethod", c.HTTPMethod, sc.HTTP.Method)
	d.check("Context.Path", c.Path, sc.HTTP.Path)
	d.check("Context.Protocol", c.Protocol, sc.HTTP.Protocol)
	d.check("Context.SourceIP", c.SourceIP, sc.HTTP.SourceIP)
	d.check("Context.UserAgent", c.UserAgent, sc.HTTP.UserAgent)
	d.check("Context.RequestTime", c.RequestTime, sc.Time)
	d.check("Context.RequestTimeEpoch", c.RequestTimeEpoch, sc.TimeEpoch)
	wantRK := sc.RouteKey
	if wantRK == "" {
		wantRK = std.RouteKey
	}
	d.check("Context.RouteKey", c.RouteKey, wantRK)
	if r.Kind == KindV2 {
		rk := std.RouteKey
		if rk == "" {
			rk = sc.RouteKey
		}
		want := ""
		if rk != "$default" {
			want = rk
			if _, after, ok := strings.Cut(rk, " "); ok {
				want = after
			}
		}
		d.check("Resource", r.Resource, want)
	} else {
		d.check("Resource", r.Resource, "")
	}
	return d
}

// wantV2Headers applies the cookie-header rule to the reference headers.
func wantV2Headers(std *events.APIGatewayV2HTTPRequest) map[string]string {
	var cookies []string
	for _, c := range std.Cookies {
		if c != "" {
			cookies = append(cookies, c)
		}
	}
	if len(cookies) == 0 {
		return std.Headers
	}
	for k := range std.Headers {
		if strings.EqualFold(k, "cookie") {
			return std.Headers
		}
	}
	h := maps.Clone(std.Headers)
	if h == nil {
		h = make(map[string]string)
	}
	h["cookie"] = strings.Join(cookies, "; ")
	return h
}

// withoutCookie drops a rebuilt "cookie" header: one that orig lacks.
func withoutCookie(h, orig map[string]string) map[string]string {
	if _, ok := orig["cookie"]; ok {
		return h
	}
	if _, ok := h["cookie"]; !ok {
		return h
	}
	h = maps.Clone(h)
	delete(h, "cookie")
	if len(h) == 0 && orig == nil {
		return nil
	}
	return h
}

// countMembers counts the members of the top-level object of data whose
// name matches name the way encoding/json matches struct fields.
func countMembers(data []byte, name string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		if key, _ := tok.(string); strings.EqualFold(key, name) {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return n
		}
	}
	return n
}

// stdAuthorizer decodes requestContext.authorizer generically with
// encoding/json, for comparison with Context.Authorizer on v2 events.
func stdAuthorizer(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var ev struct {
		RequestContext struct {
			Authorizer map[string]any `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		tb.Fatal(err)
	}
	return ev.RequestContext.Authorizer
}

func (d diff) report(tb testing.TB, name string) {
	tb.Helper()
	for _, m := range d {
		tb.Errorf("%s: %s", name, m)
	}
}
