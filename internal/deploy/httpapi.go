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
	createStage := func(id *runValue) Instruction {
		return apiCall("apigatewayv2", "CreateStage", stage, func(ctx context.Context, x *executor) error {
			_, err := x.c.APIGatewayV2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: aws.String(id.value), StageName: aws.String(stage), AutoDeploy: aws.Bool(true)})
			if err != nil && errorCode(err) != "ConflictException" {
				return err
			}
			return nil
		}).detailed("auto-deploy")
	}
	reimport := func(id *runValue) Instruction {
		return apiCall("apigatewayv2", "ReimportApi", id.String(), func(ctx context.Context, x *executor) error {
			_, err := x.c.APIGatewayV2.ReimportApi(ctx, &apigatewayv2.ReimportApiInput{ApiId: aws.String(id.value), Body: aws.String(string(body))})
			return err
		}).detailed("OpenAPI document sha256 %s", hash[:12])
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
		id := &runValue{name: api.ResourceName + ".http_api_id"}
		ins := []Instruction{apiCall("apigatewayv2", "CreateApi", pl.app.AppName, func(ctx context.Context, x *executor) (err error) {
			id.value, err = x.createV2API(ctx, &apigatewayv2.CreateApiInput{Name: aws.String(pl.app.AppName), ProtocolType: v2types.ProtocolTypeHttp, Tags: x.ownTags(api.ResourceName)}, api.ResourceName)
			if err != nil {
				return err
			}
			return x.record(ctx, record(id.value, false))
		}).detailed("HTTP; on a lost answer the API found by its tags is adopted")}
		ins = append(ins, reimport(id), createStage(id))
		ins = append(ins, newPermissionCalls(id, perms)...)
		ins = append(ins, recordIn(func() state.Record { return record(id.value, true) }))
		return append([]Step{{Resource: api.ResourceName, Message: "Creating HTTP API", Instructions: ins}}, dupSteps...), nil
	}
	id := known(api.ResourceName+".http_api_id", found.id)
	tags := x.missingTags(found.tags, api.ResourceName)
	changed := recordedID != id.value || prev.Get("api_document_sha256") != hash
	needStage := false
	if _, err := x.c.APIGatewayV2.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(id.value), StageName: aws.String(stage)}); isNotFound(err) {
		needStage = true
	} else if err != nil {
		return nil, fmt.Errorf("apigateway:GetStage %s %s: %w", id, stage, err)
	}
	missing, err := x.missingPermissions(ctx, perms(id.value))
	if err != nil {
		return nil, err
	}
	ins := []Instruction{recordIn(func() state.Record { return record(id.value, !changed) })}
	if tags != nil {
		ins = append(ins, apiCall("apigatewayv2", "TagResource", id.value, func(ctx context.Context, x *executor) error { return x.tagV2(ctx, id.value, tags) }))
	}
	if changed {
		ins = append(ins, reimport(id))
	}
	if needStage {
		ins = append(ins, createStage(id))
	}
	ins = append(ins, permissionCalls(missing)...)
	ins = append(ins, recordIn(func() state.Record { return record(id.value, true) }))
	msg := ""
	switch {
	case recordedID != id.value:
		msg = "Adopting HTTP API: " + id.value + " (found by its tags; it had no record)"
	case changed:
		msg = "Updating HTTP API"
	}
	return append([]Step{{Resource: api.ResourceName, Message: msg, Instructions: ins}}, dupSteps...), nil
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
		steps = append(steps, Step{Resource: resource, Message: "Deleting duplicate " + kind + ": " + id, Instructions: []Instruction{deleteV2API(id)}})
	}
	return steps
}

// deleteV2API is the instruction deleting an HTTP or websocket API; one
// already gone is fine.
func deleteV2API(id string) Instruction {
	return apiCall("apigatewayv2", "DeleteApi", id, func(ctx context.Context, x *executor) error {
		_, err := x.c.APIGatewayV2.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String(id)})
		if err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
}

func sweepHTTPAPI(rec state.Record) Step {
	id := rec.Get("http_api_id")
	return Step{Resource: rec.Name, Message: "Deleting HTTP API: " + id, Instructions: []Instruction{deleteV2API(id), forgetIn(rec.Name)}}
}
