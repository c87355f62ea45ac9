package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/awsapi"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/swagger"
)

// ---- REST API ----
//
// A REST API is created with CreateRestApi (named after the app, tagged
// with the app, stage and record name), then given its document with
// PutRestApi (overwrite) and a deployment. Its id is chosen by API Gateway,
// so a create whose answer is lost cannot be repeated blindly: the API is
// looked up by its tags first, both after such a failure and on every
// deploy, which also finds an API whose record was lost and duplicates
// left by older versions (deleted).
//
// The OPTIONS operations of CORS paths are imported without their MOCK
// integration, which is then set with PutIntegration and
// PutIntegrationResponse: the same API in API Gateway, in a form AWS
// emulators also accept.

// apiDocument returns the OpenAPI 3 document of the REST API, its CORS
// preflights and the hash recorded to skip an unchanged re-import.
func (pl *planner) apiDocument(api *appgraph.RestAPI) ([]byte, []swagger.Preflight, string, error) {
	x := pl.x
	fnARN := x.targetARN
	doc, err := swagger.Generate(api, pl.app.AppName, swagger.Options{Format: swagger.OpenAPI30, PreflightOutside: !api.IsHTTPAPI(),
		HandlerURI: x.arns.invocationURI(fnARN(api.Handler)),
		AuthorizerURI: func(function string) any {
			if f := pl.app.Function(function); f != nil {
				return x.arns.invocationURI(fnARN(f))
			}
			return x.arns.invocationURI(x.arns.function(function))
		}})
	if err != nil {
		return nil, nil, "", err
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, "", err
	}
	var preflights []swagger.Preflight
	if !api.IsHTTPAPI() {
		preflights = swagger.Preflights(api)
	}
	pf, _ := json.Marshal(preflights)
	mcs := ""
	if api.Stage.MinimumCompressionSize != nil {
		mcs = strconv.Itoa(*api.Stage.MinimumCompressionSize)
	}
	return body, preflights, sha256Hex(body, pf, []byte(api.Stage.EndpointType), []byte(api.Stage.APIGatewayStage), []byte(mcs)), nil
}

// foundAPI is an API found in the account: the recorded one, or one
// tagged as this resource.
type foundAPI struct {
	id          string
	tags        map[string]string
	compression *int32
}

// findRestAPI returns the REST API of the record (or, without a usable
// record, the oldest one tagged as this resource) and the other APIs
// tagged as this resource: duplicates.
func (x *executor) findRestAPI(ctx context.Context, resource, recordedID string) (*foundAPI, []string, error) {
	var tagged []agtypes.RestApi
	var recorded *agtypes.RestApi
	p := apigateway.NewGetRestApisPaginator(x.c.APIGateway, &apigateway.GetRestApisInput{Limit: aws.Int32(500)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("apigateway:GetRestApis: %w", err)
		}
		for _, a := range page.Items {
			switch {
			case recordedID != "" && deref(a.Id) == recordedID:
				recorded = &a
			case x.isOurs(a.Tags, resource):
				tagged = append(tagged, a)
			}
		}
	}
	slices.SortStableFunc(tagged, func(a, b agtypes.RestApi) int { return deref(a.CreatedDate).Compare(deref(b.CreatedDate)) })
	if recordedID != "" && recorded == nil {
		x.warn("the recorded Rest API %s no longer exists; a new one replaces it", recordedID)
	}
	if recorded == nil && len(tagged) > 0 {
		recorded, tagged = &tagged[0], tagged[1:]
	}
	var dups []string
	for _, a := range tagged {
		dups = append(dups, deref(a.Id))
	}
	if recorded == nil {
		return nil, dups, nil
	}
	return &foundAPI{id: deref(recorded.Id), tags: recorded.Tags, compression: recorded.MinimumCompressionSize}, dups, nil
}

// apiPermissions are the permissions API Gateway needs to invoke a REST
// or HTTP API's handler and its authorizers.
func (x *executor) apiPermissions(api *appgraph.RestAPI, id string) []permission {
	ps := []permission{{function: api.Handler.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "*"), qualifier: api.Handler.Qualifier()}}
	for _, f := range api.AuthFuncs {
		ps = append(ps, permission{function: f.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "authorizers/*"), qualifier: f.Qualifier()})
	}
	return ps
}

func (a arns) restAPIResource(id string) string {
	return fmt.Sprintf("arn:%s:apigateway:%s::/restapis/%s", a.Partition, a.Region, id)
}

func (pl *planner) restAPI(ctx context.Context, api *appgraph.RestAPI) ([]Step, error) {
	x := pl.x
	body, preflights, hash, err := pl.apiDocument(api)
	if err != nil {
		return nil, err
	}
	stage := api.Stage.APIGatewayStage
	endpointType := api.Stage.EndpointType
	if endpointType == "" {
		endpointType = "EDGE"
	}
	want := api.Stage.MinimumCompressionSize
	perms := func(id string) []permission { return x.apiPermissions(api, id) }
	record := func(id string, withHash bool) state.Record {
		r := state.Record{Name: api.ResourceName, ResourceType: "rest_api", Fields: []state.Field{{Key: "rest_api_id", Value: id}, {Key: "rest_api_url", Value: x.arns.restAPIURL(id, stage)}}}
		if withHash {
			r.Set("api_document_sha256", hash)
		}
		return r
	}
	// define gives an API its document, CORS preflights, compression,
	// permissions and a deployment, then records the document's hash.
	define := func(id *runValue, compression *int32) []Instruction {
		ins := []Instruction{
			recordIn(func() state.Record { return record(id.value, false) }),
			apiCall("apigateway", "PutRestApi", id.String(), func(ctx context.Context, x *executor) error {
				_, err := x.c.APIGateway.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: aws.String(id.value), Body: body, Mode: agtypes.PutModeOverwrite})
				return err
			}).detailed("overwrite, OpenAPI document sha256 %s", hash[:12]),
		}
		ins = append(ins, preflightCalls(id, preflights)...)
		if compressionDiffers(compression, want) {
			ins = append(ins, apiCall("apigateway", "UpdateRestApi", id.String(), func(ctx context.Context, x *executor) error {
				return x.compression(ctx, id.value, want)
			}).detailed("minimumCompressionSize"))
		}
		return ins
	}
	deployment := func(id *runValue) Instruction {
		return apiCall("apigateway", "CreateDeployment", stage, func(ctx context.Context, x *executor) error {
			_, err := x.c.APIGateway.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: aws.String(id.value), StageName: aws.String(stage)})
			return err
		})
	}

	prev := x.state.Find(api.ResourceName)
	recordedID := ""
	if prev != nil && prev.ResourceType == "rest_api" {
		recordedID = prev.Get("rest_api_id")
	}
	found, dups, err := x.findRestAPI(ctx, api.ResourceName, recordedID)
	if err != nil {
		return nil, err
	}
	dupSteps := duplicateAPISteps(api.ResourceName, dups)
	if found == nil {
		id := &runValue{name: api.ResourceName + ".rest_api_id"}
		in := &apigateway.CreateRestApiInput{Name: aws.String(pl.app.AppName), Description: aws.String(swagger.Description(pl.app.AppName)),
			EndpointConfiguration: &agtypes.EndpointConfiguration{Types: []agtypes.EndpointType{agtypes.EndpointType(endpointType)}}}
		if want != nil {
			in.MinimumCompressionSize = aws.Int32(int32(*want))
		}
		create := apiCall("apigateway", "CreateRestApi", pl.app.AppName, func(ctx context.Context, x *executor) (err error) {
			in.Tags = x.ownTags(api.ResourceName)
			id.value, err = x.createOnce(ctx, "Rest API", func(ctx context.Context) (string, error) {
				out, err := x.c.APIGateway.CreateRestApi(ctx, in)
				if err != nil {
					return "", err
				}
				return deref(out.Id), nil
			}, func(ctx context.Context) (string, error) {
				found, _, err := x.findRestAPI(ctx, api.ResourceName, "")
				if err != nil || found == nil {
					return "", err
				}
				return found.id, nil
			})
			return err
		}).detailed("%s; on a lost answer the API found by its tags is adopted", endpointType)
		ins := append([]Instruction{create}, define(id, in.MinimumCompressionSize)...)
		ins = append(ins, newPermissionCalls(id, perms)...)
		ins = append(ins, deployment(id), recordIn(func() state.Record { return record(id.value, true) }))
		return append([]Step{{Resource: api.ResourceName, Message: "Creating Rest API", Instructions: ins}}, dupSteps...), nil
	}
	id := known(api.ResourceName+".rest_api_id", found.id)
	tags := x.missingTags(found.tags, api.ResourceName)
	changed := recordedID != id.value || prev.Get("api_document_sha256") != hash
	missing, err := x.missingPermissions(ctx, perms(id.value))
	if err != nil {
		return nil, err
	}
	var ins []Instruction
	if tags != nil {
		ins = append(ins, apiCall("apigateway", "TagResource", id.value, func(ctx context.Context, x *executor) error {
			_, err := x.c.APIGateway.TagResource(ctx, &apigateway.TagResourceInput{ResourceArn: aws.String(x.arns.restAPIResource(id.value)), Tags: tags})
			return err
		}))
	}
	if changed {
		ins = append(ins, define(id, found.compression)...)
	}
	ins = append(ins, permissionCalls(missing)...)
	if changed {
		ins = append(ins, deployment(id))
	}
	ins = append(ins, recordIn(func() state.Record { return record(id.value, true) }))
	msg := ""
	switch {
	case recordedID != id.value:
		msg = "Adopting Rest API: " + id.value + " (found by its tags; it had no record)"
	case changed:
		msg = "Updating rest API"
	}
	return append([]Step{{Resource: api.ResourceName, Message: msg, Instructions: ins}}, dupSteps...), nil
}

// duplicateAPISteps delete REST APIs tagged as the resource beside the
// one in use (left by creates whose answer was lost).
func duplicateAPISteps(resource string, ids []string) []Step {
	var steps []Step
	for _, id := range ids {
		steps = append(steps, Step{Resource: resource, Message: "Deleting duplicate Rest API: " + id, Instructions: []Instruction{
			apiCall("apigateway", "DeleteRestApi", id, func(ctx context.Context, x *executor) error { return x.deleteRestAPI(ctx, id) })}})
	}
	return steps
}

// createOnce runs a create whose resource id is chosen by AWS. When its
// outcome is unknown (the answer was lost or came too late; the SDK does
// not repeat such calls), lookup searches for what it may have made: the
// resource found is adopted; if there is none, the create is sent once
// more.
func (x *executor) createOnce(ctx context.Context, kind string, create, lookup func(context.Context) (string, error)) (string, error) {
	for attempt := 1; ; attempt++ {
		id, err := create(ctx)
		var uo *awsapi.UnknownOutcomeError
		if !errors.As(err, &uo) {
			return id, err
		}
		found, lerr := lookup(ctx)
		if lerr != nil {
			return "", fmt.Errorf("%w (and looking for the %s it may have created failed: %v)", err, kind, lerr)
		}
		if found != "" {
			x.warn("the answer to %s was lost; adopting the %s it created: %s", uo.Call, kind, found)
			return found, nil
		}
		if attempt == 2 {
			return "", err
		}
		x.warn("the answer to %s was lost and it created nothing; sending it again", uo.Call)
	}
}

// preflightCalls set the MOCK integration of each CORS path's OPTIONS
// method (imported without it) and its response with the CORS headers.
// The resource ids of the paths are looked up first (they are chosen by
// API Gateway when the document is put).
func preflightCalls(id *runValue, preflights []swagger.Preflight) []Instruction {
	if len(preflights) == 0 {
		return nil
	}
	resources := map[string]string{}
	ins := []Instruction{lookup("look up the resource ids of the CORS paths (apigateway:GetResources)", func(ctx context.Context, x *executor) error {
		clear(resources)
		p := apigateway.NewGetResourcesPaginator(x.c.APIGateway, &apigateway.GetResourcesInput{RestApiId: aws.String(id.value), Limit: aws.Int32(500)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, r := range page.Items {
				resources[deref(r.Path)] = deref(r.Id)
			}
		}
		for _, pf := range preflights {
			if _, ok := resources[pf.Path]; !ok {
				return fmt.Errorf("the imported Rest API %s has no resource %s for its CORS preflight", id.value, pf.Path)
			}
		}
		return nil
	})}
	for _, pf := range preflights {
		ins = append(ins, apiCall("apigateway", "PutIntegration", "OPTIONS "+pf.Path, func(ctx context.Context, x *executor) error {
			_, err := x.c.APIGateway.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: aws.String(id.value), ResourceId: aws.String(resources[pf.Path]), HttpMethod: aws.String("OPTIONS"),
				Type: agtypes.IntegrationTypeMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
				PassthroughBehavior: aws.String("WHEN_NO_MATCH"), ContentHandling: agtypes.ContentHandlingStrategyConvertToText})
			return err
		}).detailed("MOCK"), apiCall("apigateway", "PutIntegrationResponse", "OPTIONS "+pf.Path, func(ctx context.Context, x *executor) error {
			params := map[string]string{}
			for name, value := range pf.Headers {
				params["method.response.header."+name] = "'" + value + "'"
			}
			_, err := x.c.APIGateway.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: aws.String(id.value), ResourceId: aws.String(resources[pf.Path]), HttpMethod: aws.String("OPTIONS"),
				StatusCode: aws.String("200"), SelectionPattern: aws.String(""), ResponseParameters: params})
			return err
		}).detailed("200 with the CORS headers"))
	}
	return ins
}

func compressionDiffers(have *int32, want *int) bool {
	switch {
	case want == nil:
		return have != nil
	case have == nil:
		return true
	}
	return int(*have) != *want
}

// compression sets (or, with want nil, removes) minimumCompressionSize.
func (x *executor) compression(ctx context.Context, id string, want *int) error {
	value := ""
	if want != nil {
		value = strconv.Itoa(*want)
	}
	_, err := x.c.APIGateway.UpdateRestApi(ctx, &apigateway.UpdateRestApiInput{RestApiId: aws.String(id),
		PatchOperations: []agtypes.PatchOperation{{Op: agtypes.OpReplace, Path: aws.String("/minimumCompressionSize"), Value: aws.String(value)}}})
	return err
}

// deleteRestAPI deletes a REST API; one that is already gone is fine. A
// failed delete is checked with GetRestApi: a retried delete whose first
// attempt succeeded is answered with an error (moto's is a 500), yet the
// API is gone.
func (x *executor) deleteRestAPI(ctx context.Context, id string) error {
	_, err := x.c.APIGateway.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: aws.String(id)})
	if err == nil || isNotFound(err) {
		return nil
	}
	if _, gerr := x.c.APIGateway.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(id)}); isNotFound(gerr) {
		return nil
	}
	return err
}
