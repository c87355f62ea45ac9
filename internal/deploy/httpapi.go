package deploy

import (
	"context"
	"fmt"
	"slices"

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
	body, _, hash, err := pl.apiDocument(api)
	if err != nil {
		return nil, err
	}
	stage := api.Stage.APIGatewayStage
	perms := func(id string) []permission { return x.apiPermissions(api, id) }
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
	recordedID := ""
	if prev != nil && prev.ResourceType == "http_api" {
		recordedID = prev.Get("http_api_id")
	}
	found, dups, err := x.findV2API(ctx, v2types.ProtocolTypeHttp, api.ResourceName, recordedID)
	if err != nil {
		return nil, err
	}
	dupSteps := duplicateV2APISteps(api.ResourceName, "HTTP API", dups)
	if found == nil {
		// CreateApi + ReimportApi rather than ImportApi: the same result on
		// AWS, and moto implements only the former two.
		calls := []PlannedCall{{"apigatewayv2", "CreateApi", pl.app.AppName}, {"apigatewayv2", "ReimportApi", pl.app.AppName}, {"apigatewayv2", "CreateStage", stage}}
		calls = append(calls, permissionCalls(perms("<new>"))...)
		return append([]Step{{Resource: api.ResourceName, Message: "Creating HTTP API", Calls: calls, run: func(ctx context.Context, x *executor) error {
			id, err := x.createV2API(ctx, &apigatewayv2.CreateApiInput{Name: aws.String(pl.app.AppName), ProtocolType: v2types.ProtocolTypeHttp, Tags: x.ownTags(api.ResourceName)}, api.ResourceName)
			if err != nil {
				return err
			}
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
		}}}, dupSteps...), nil
	}
	id := found.id
	tags := x.missingTags(found.tags, api.ResourceName)
	changed := recordedID != id || prev.Get("api_document_sha256") != hash
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
	if tags != nil {
		calls = append(calls, PlannedCall{"apigatewayv2", "TagResource", id})
	}
	msg := ""
	switch {
	case recordedID != id:
		msg = "Adopting HTTP API: " + id + " (found by its tags; it had no record)"
	case changed:
		msg = "Updating HTTP API"
	}
	return append([]Step{{Resource: api.ResourceName, Message: msg, Calls: calls, run: func(ctx context.Context, x *executor) error {
		if err := x.record(ctx, record(id, !changed)); err != nil {
			return err
		}
		if err := x.tagV2(ctx, id, tags); err != nil {
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
	}}}, dupSteps...), nil
}

// findV2API returns the API Gateway v2 API (HTTP or websocket) of the
// record (or, without a usable record, the oldest one tagged as this
// resource) and the other APIs tagged as this resource: duplicates.
func (x *executor) findV2API(ctx context.Context, protocol v2types.ProtocolType, resource, recordedID string) (*foundAPI, []string, error) {
	var tagged []v2types.Api
	var recorded *v2types.Api
	in := &apigatewayv2.GetApisInput{MaxResults: aws.String("500")}
	for {
		page, err := x.c.APIGatewayV2.GetApis(ctx, in)
		if err != nil {
			return nil, nil, fmt.Errorf("apigateway:GetApis: %w", err)
		}
		for _, a := range page.Items {
			switch {
			case recordedID != "" && deref(a.ApiId) == recordedID:
				recorded = &a
			case a.ProtocolType == protocol && x.isOurs(a.Tags, resource):
				tagged = append(tagged, a)
			}
		}
		if deref(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	slices.SortStableFunc(tagged, func(a, b v2types.Api) int { return deref(a.CreatedDate).Compare(deref(b.CreatedDate)) })
	if recordedID != "" && recorded == nil {
		x.warn("the recorded API %s no longer exists; a new one replaces it", recordedID)
	}
	if recorded == nil && len(tagged) > 0 {
		recorded, tagged = &tagged[0], tagged[1:]
	}
	var dups []string
	for _, a := range tagged {
		dups = append(dups, deref(a.ApiId))
	}
	if recorded == nil {
		return nil, dups, nil
	}
	return &foundAPI{id: deref(recorded.ApiId), tags: recorded.Tags}, dups, nil
}

// createV2API creates an HTTP or websocket API, adopting the one a create
// whose answer was lost made.
func (x *executor) createV2API(ctx context.Context, in *apigatewayv2.CreateApiInput, resource string) (string, error) {
	return x.createOnce(ctx, "API", func(ctx context.Context) (string, error) {
		out, err := x.c.APIGatewayV2.CreateApi(ctx, in)
		if err != nil {
			return "", err
		}
		return deref(out.ApiId), nil
	}, func(ctx context.Context) (string, error) {
		found, _, err := x.findV2API(ctx, in.ProtocolType, resource, "")
		if err != nil || found == nil {
			return "", err
		}
		return found.id, nil
	})
}

func (a arns) v2APIResource(id string) string {
	return fmt.Sprintf("arn:%s:apigateway:%s::/apis/%s", a.Partition, a.Region, id)
}

// tagV2 adds tags to a v2 API (none: no call).
func (x *executor) tagV2(ctx context.Context, id string, tags map[string]string) error {
	if tags == nil {
		return nil
	}
	_, err := x.c.APIGatewayV2.TagResource(ctx, &apigatewayv2.TagResourceInput{ResourceArn: aws.String(x.arns.v2APIResource(id)), Tags: tags})
	return err
}

// duplicateV2APISteps delete v2 APIs tagged as the resource beside the
// one in use.
func duplicateV2APISteps(resource, kind string, ids []string) []Step {
	var steps []Step
	for _, id := range ids {
		steps = append(steps, Step{Resource: resource, Message: "Deleting duplicate " + kind + ": " + id, Calls: []PlannedCall{{"apigatewayv2", "DeleteApi", id}},
			run: func(ctx context.Context, x *executor) error {
				_, err := x.c.APIGatewayV2.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String(id)})
				if err != nil && !isNotFound(err) {
					return err
				}
				return nil
			}})
	}
	return steps
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
