package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- Lambda Function URL ----
//
// Recorded as function_url{function_name, function_url, auth_type,
// invoke_mode, qualifier} under "<function record>_function_url". A URL
// with auth type NONE is public: its function's policy then has the two
// statements AWS requires of a public URL (lambda:InvokeFunctionUrl for
// FunctionUrlAuthType NONE, and lambda:InvokeFunction through the URL),
// both for principal "*"; they are removed when the auth type becomes
// AWS_IAM or the URL goes.

// The statement ids of a public Function URL's permissions.
const (
	urlPublicSid = "gochalice-function-url-public"
	urlInvokeSid = "gochalice-function-url-invoke"
)

// FunctionURLRecord is the record name of a function's Function URL.
func FunctionURLRecord(functionResource string) string { return functionResource + "_function_url" }

// publicURLPermissions are the statements of a public (auth type NONE)
// Function URL.
func publicURLPermissions(function, qualifier string) []permission {
	return []permission{
		{function: function, principal: "*", qualifier: qualifier, action: "lambda:InvokeFunctionUrl", urlAuthType: "NONE", id: urlPublicSid},
		{function: function, principal: "*", qualifier: qualifier, viaURL: true, id: urlInvokeSid},
	}
}

// urlCors is the Cors parameter of a Function URL (an empty one clears
// it).
func urlCors(c *appgraph.URLCORS) *ltypes.Cors {
	if c == nil {
		return &ltypes.Cors{}
	}
	out := &ltypes.Cors{AllowOrigins: c.AllowOrigins, AllowMethods: c.AllowMethods, AllowHeaders: c.AllowHeaders, ExposeHeaders: c.ExposeHeaders,
		AllowCredentials: aws.Bool(c.AllowCredentials)}
	if c.MaxAge != nil {
		out.MaxAge = aws.Int32(int32(*c.MaxAge))
	}
	return out
}

func sameCors(a, b *ltypes.Cors) bool {
	if a == nil {
		a = &ltypes.Cors{}
	}
	if b == nil {
		b = &ltypes.Cors{}
	}
	fold := func(s []string) []string {
		out := make([]string, len(s))
		for i, v := range s {
			out[i] = strings.ToLower(v)
		}
		return out
	}
	return sameSet(a.AllowOrigins, b.AllowOrigins) && sameSet(fold(a.AllowMethods), fold(b.AllowMethods)) && sameSet(fold(a.AllowHeaders), fold(b.AllowHeaders)) &&
		sameSet(fold(a.ExposeHeaders), fold(b.ExposeHeaders)) && deref(a.MaxAge) == deref(b.MaxAge) && deref(a.AllowCredentials) == deref(b.AllowCredentials)
}

func (pl *planner) functionURL(ctx context.Context, f *appgraph.Function) ([]Step, error) {
	x := pl.x
	u := f.URL
	name := f.FunctionName
	qualifier := f.Qualifier()
	resource := FunctionURLRecord(f.ResourceName)
	rec := state.Record{Name: resource, ResourceType: "function_url", Fields: []state.Field{{Key: "function_name", Value: name}, {Key: "function_url", Value: ""},
		{Key: "auth_type", Value: u.AuthType}, {Key: "invoke_mode", Value: u.InvokeMode}, {Key: "qualifier", Value: qualifier}}}
	cors := urlCors(u.CORS)
	label := name
	if qualifier != "" {
		label += ":" + qualifier
	}

	var ins []Instruction
	// The URL was on another qualifier (the alias was added, removed or
	// renamed): that one goes first.
	if prev := x.state.Find(resource); prev != nil && prev.ResourceType == "function_url" && prev.Get("qualifier") != qualifier {
		old := prev.Clone()
		ins = append(ins, deleteURLCalls(old)...)
		ins = append(ins, act(func(ctx context.Context, x *executor) error {
			x.state.Remove(resource)
			return nil
		}))
	}
	var got *lambda.GetFunctionUrlConfigOutput
	exists := false
	// The function (or its alias) this plan creates has no URL yet.
	if !pl.newFunctions[f.ResourceName] && len(ins) == 0 {
		var err error
		got, err = x.c.Lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name), Qualifier: optional(qualifier)})
		switch {
		case isNotFound(err):
		case err != nil:
			return nil, fmt.Errorf("lambda:GetFunctionUrlConfig %s: %w", label, err)
		default:
			exists = true
		}
	}
	msg := ""
	switch {
	case !exists:
		msg = "Creating function URL: " + label
		ins = append(ins, apiCall("lambda", "CreateFunctionUrlConfig", label, func(ctx context.Context, x *executor) error {
			out, err := x.c.Lambda.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(name), Qualifier: optional(qualifier),
				AuthType: ltypes.FunctionUrlAuthType(u.AuthType), InvokeMode: ltypes.InvokeMode(u.InvokeMode), Cors: cors})
			if errorCode(err) == "ResourceConflictException" {
				// A create whose answer was lost and that the SDK sent
				// again: the URL exists with this configuration.
				got, gerr := x.c.Lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name), Qualifier: optional(qualifier)})
				if gerr != nil {
					return gerr
				}
				rec.Set("function_url", deref(got.FunctionUrl))
				return x.record(ctx, rec.Clone())
			}
			if err != nil {
				return err
			}
			rec.Set("function_url", deref(out.FunctionUrl))
			return x.record(ctx, rec.Clone())
		}).detailed("auth %s, %s", u.AuthType, u.InvokeMode))
	default:
		rec.Set("function_url", deref(got.FunctionUrl))
		ins = append(ins, recordIn(func() state.Record { return rec.Clone() }))
		if string(got.AuthType) != u.AuthType || !strings.EqualFold(string(got.InvokeMode), u.InvokeMode) || !sameCors(got.Cors, cors) {
			msg = "Updating function URL: " + label
			ins = append(ins, apiCall("lambda", "UpdateFunctionUrlConfig", label, func(ctx context.Context, x *executor) error {
				_, err := x.c.Lambda.UpdateFunctionUrlConfig(ctx, &lambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String(name), Qualifier: optional(qualifier),
					AuthType: ltypes.FunctionUrlAuthType(u.AuthType), InvokeMode: ltypes.InvokeMode(u.InvokeMode), Cors: cors})
				return err
			}).detailed("auth %s, %s", u.AuthType, u.InvokeMode))
		}
	}
	public := publicURLPermissions(name, qualifier)
	if u.AuthType == "NONE" {
		missing, err := x.missingPermissions(ctx, public)
		if err != nil {
			return nil, err
		}
		ins = append(ins, permissionCalls(missing)...)
	} else if exists {
		present, err := x.presentStatements(ctx, name, qualifier, urlPublicSid, urlInvokeSid)
		if err != nil {
			return nil, err
		}
		for _, id := range present {
			ins = append(ins, removeStatementCall(name, qualifier, id))
		}
	}
	if msg == "" && len(Step{Instructions: ins}.Calls()) > 0 {
		msg = "Updating function URL permissions: " + label
	}
	return []Step{{Resource: resource, Message: msg, Instructions: ins}}, nil
}

// presentStatements returns which of the statement ids the function's
// policy (on qualifier) has.
func (x *executor) presentStatements(ctx context.Context, function, qualifier string, ids ...string) ([]string, error) {
	out, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(function), Qualifier: optional(qualifier)})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lambda:GetPolicy %s: %w", function, err)
	}
	var present []string
	for _, st := range policyStatements(deref(out.Policy)) {
		if slices.Contains(ids, st.sid) {
			present = append(present, st.sid)
		}
	}
	return present, nil
}

// removeStatementCall is the instruction removing a statement by id (one
// already gone is fine).
func removeStatementCall(function, qualifier, id string) Instruction {
	target := function
	if qualifier != "" {
		target += ":" + qualifier
	}
	return apiCall("lambda", "RemovePermission", target+" *", func(ctx context.Context, x *executor) error {
		return x.removeStatements(ctx, function, qualifier, id)
	}).detailed("statement %s", id)
}

// deleteURLCalls delete a recorded Function URL and its public
// permissions; a function or URL already gone is fine.
func deleteURLCalls(rec state.Record) []Instruction {
	name, qualifier := rec.Get("function_name"), rec.Get("qualifier")
	target := name
	if qualifier != "" {
		target += ":" + qualifier
	}
	ins := []Instruction{apiCall("lambda", "DeleteFunctionUrlConfig", target, func(ctx context.Context, x *executor) error {
		_, err := x.c.Lambda.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(name), Qualifier: optional(qualifier)})
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})}
	if rec.Get("auth_type") == "NONE" {
		ins = append(ins, removeStatementCall(name, qualifier, urlPublicSid), removeStatementCall(name, qualifier, urlInvokeSid))
	}
	return ins
}
