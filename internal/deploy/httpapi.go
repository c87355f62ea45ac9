package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- HTTP API (api_type http, API Gateway v2) ----
//
// Recorded as http_api{http_api_id, http_api_url, api_document_sha256}
// (gochalice's own record: Chalice has no HTTP APIs). The API is created,
// then its routes imported from the OpenAPI 3 document (ReimportApi), served by a stage named api_gateway_stage
// with auto-deploy, so a re-import is live without a deployment call.

func (pl *planner) httpAPI(ctx context.Context, api *appgraph.RestAPI) ([]Step, error) {
	x := pl.x
	body, hash, err := pl.apiDocument(api)
	if err != nil {
		return nil, err
	}
	stage := api.Stage.APIGatewayStage
	perms := func(id string) []permission {
		ps := []permission{{function: api.Handler.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "*")}}
		for _, f := range api.AuthFuncs {
			ps = append(ps, permission{function: f.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "authorizers/*")})
		}
		return ps
	}
	record := func(id string, withHash bool) state.Record {
		r := state.Record{Name: api.ResourceName, ResourceType: "http_api", Fields: []state.Field{{Key: "http_api_id", Value: id}, {Key: "http_api_url", Value: x.arns.restAPIURL(id, stage)}}}
		if withHash {
			r.Set("api_document_sha256", hash)
		}
		return r
	}
	createStage := func(ctx context.Context, x *executor, id string) error {
		_, err := x.c.APIGatewayV2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: aws.String(id), StageName: aws.String(stage), AutoDeploy: aws.Bool(true)})
		if err != nil && errorCode(err) != "ConflictException" {
			return err
		}
		return nil
	}

	prev := x.state.Find(api.ResourceName)
	id := ""
	if prev != nil && prev.ResourceType == "http_api" {
		id = prev.Get("http_api_id")
	}
	if id != "" {
		if _, err := x.c.APIGatewayV2.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(id)}); isNotFound(err) {
			id = ""
		} else if err != nil {
			return nil, fmt.Errorf("apigateway:GetApi %s: %w", id, err)
		}
	}
	if id == "" {
		// CreateApi + ReimportApi rather than ImportApi: the same result on
		// AWS, and moto implements only the former two.
		calls := []PlannedCall{{"apigatewayv2", "CreateApi", pl.app.AppName}, {"apigatewayv2", "ReimportApi", pl.app.AppName}, {"apigatewayv2", "CreateStage", stage}}
		calls = append(calls, permissionCalls(perms("<new>"))...)
		return []Step{{Resource: api.ResourceName, Message: "Creating HTTP API", Calls: calls, run: func(ctx context.Context, x *executor) error {
			out, err := x.c.APIGatewayV2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String(pl.app.AppName), ProtocolType: v2types.ProtocolTypeHttp})
			if err != nil {
				return err
			}
			id := deref(out.ApiId)
			if err := x.record(ctx, record(id, false)); err != nil {
				return err
			}
			if _, err := x.c.APIGatewayV2.ReimportApi(ctx, &apigatewayv2.ReimportApiInput{ApiId: aws.String(id), Body: aws.String(string(body))}); err != nil {
				return err
			}
			if err := createStage(ctx, x, id); err != nil {
				return err
			}
			if err := x.addPermissions(ctx, perms(id)); err != nil {
				return err
			}
			return x.record(ctx, record(id, true))
		}}}, nil
	}
	changed := prev.Get("api_document_sha256") != hash
	needStage := false
	if _, err := x.c.APIGatewayV2.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(id), StageName: aws.String(stage)}); isNotFound(err) {
		needStage = true
	} else if err != nil {
		return nil, fmt.Errorf("apigateway:GetStage %s %s: %w", id, stage, err)
	}
	var calls []PlannedCall
	if changed {
		calls = append(calls, PlannedCall{"apigatewayv2", "ReimportApi", id})
	}
	if needStage {
		calls = append(calls, PlannedCall{"apigatewayv2", "CreateStage", stage})
	}
	missing, err := x.missingPermissions(ctx, perms(id))
	if err != nil {
		return nil, err
	}
	calls = append(calls, permissionCalls(missing)...)
	msg := ""
	if changed {
		msg = "Updating HTTP API"
	}
	return []Step{{Resource: api.ResourceName, Message: msg, Calls: calls, run: func(ctx context.Context, x *executor) error {
		if err := x.record(ctx, record(id, !changed)); err != nil {
			return err
		}
		if changed {
			if _, err := x.c.APIGatewayV2.ReimportApi(ctx, &apigatewayv2.ReimportApiInput{ApiId: aws.String(id), Body: aws.String(string(body))}); err != nil {
				return err
			}
		}
		if needStage {
			if err := createStage(ctx, x, id); err != nil {
				return err
			}
		}
		if err := x.addPermissions(ctx, perms(id)); err != nil {
			return err
		}
		return x.record(ctx, record(id, true))
	}}}, nil
}

func sweepHTTPAPI(rec state.Record) Step {
	id := rec.Get("http_api_id")
	return Step{Resource: rec.Name, Message: "Deleting HTTP API: " + id, Calls: []PlannedCall{{"apigatewayv2", "DeleteApi", id}},
		run: func(ctx context.Context, x *executor) error {
			if id != "" {
				if _, err := x.c.APIGatewayV2.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String(id)}); err != nil && !isNotFound(err) {
					return err
				}
			}
			return x.forget(ctx, rec.Name)
		}}
}
