package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/manifest"
)

// ---- websocket API ----
//
// Recorded as Chalice does: websocket_api{websocket_api_url,
// websocket_api_id}. Unlike Chalice, which deletes and recreates every
// route and integration on every deploy, the routes are compared with the
// app's and rebuilt only when they differ; the stage auto-deploys, so no
// deployment call is needed.

type wsHandler struct {
	routeKey string
	fn       *appgraph.Function
}

func wsHandlers(ws *appgraph.WebsocketAPI) []wsHandler {
	var hs []wsHandler
	for _, h := range []wsHandler{{manifest.WSConnect, ws.Connect}, {manifest.WSDefault, ws.Message}, {manifest.WSDisconnect, ws.Disconnect}} {
		if h.fn != nil {
			hs = append(hs, h)
		}
	}
	return hs
}

func (a arns) websocketURL(id, stage string) string {
	return fmt.Sprintf("wss://%s.execute-api.%s.%s/%s/", id, a.Region, a.dnsSuffix(), stage)
}

func (pl *planner) websocketAPI(ctx context.Context, ws *appgraph.WebsocketAPI) ([]Step, error) {
	x := pl.x
	st := ws.Stage
	if st == nil {
		st = pl.app.StageCfg
	}
	stage := "api"
	if st != nil && st.APIGatewayStage != "" {
		stage = st.APIGatewayStage
	}
	handlers := wsHandlers(ws)
	uri := func(f *appgraph.Function) string { return x.arns.invocationURI(x.targetARN(f)) }
	perms := func(id string) []permission {
		var ps []permission
		for _, h := range handlers {
			ps = append(ps, permission{function: h.fn.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "*"), qualifier: h.fn.Qualifier()})
		}
		return ps
	}
	record := func(id string) state.Record {
		return state.Record{Name: ws.ResourceName, ResourceType: "websocket_api", Fields: []state.Field{{Key: "websocket_api_url", Value: x.arns.websocketURL(id, stage)}, {Key: "websocket_api_id", Value: id}}}
	}
	// routes creates an integration and a route per handler. Their ids are
	// chosen by API Gateway: after a lost answer, the integration (one with
	// the handler's URI that no route targets) or route (by its key) it
	// made is adopted.
	routes := func(id *runValue) []Instruction {
		var ins []Instruction
		for _, h := range handlers {
			intID := &runValue{name: h.routeKey + ".integration_id"}
			ins = append(ins, apiCall("apigatewayv2", "CreateIntegration", h.fn.FunctionName, func(ctx context.Context, x *executor) (err error) {
				intID.value, err = x.createOnce(ctx, "integration", func(ctx context.Context) (string, error) {
					out, err := x.c.APIGatewayV2.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: aws.String(id.value), IntegrationType: v2types.IntegrationTypeAwsProxy,
						IntegrationUri: aws.String(uri(h.fn)), ConnectionType: v2types.ConnectionTypeInternet, ContentHandlingStrategy: v2types.ContentHandlingStrategyConvertToText})
					if err != nil {
						return "", err
					}
					return deref(out.IntegrationId), nil
				}, func(ctx context.Context) (string, error) { return x.unroutedIntegration(ctx, id.value, uri(h.fn)) })
				return err
			}).detailed("AWS_PROXY"), apiCall("apigatewayv2", "CreateRoute", h.routeKey, func(ctx context.Context, x *executor) error {
				_, err := x.createOnce(ctx, "route", func(ctx context.Context) (string, error) {
					out, err := x.c.APIGatewayV2.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: aws.String(id.value), RouteKey: aws.String(h.routeKey), Target: aws.String("integrations/" + intID.value)})
					if err != nil {
						return "", err
					}
					return deref(out.RouteId), nil
				}, func(ctx context.Context) (string, error) { return x.routeByKey(ctx, id.value, h.routeKey) })
				return err
			}).detailed("target integrations/%s", intID))
		}
		return ins
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

	recordedID := ""
	if prev := x.state.Find(ws.ResourceName); prev != nil && prev.ResourceType == "websocket_api" {
		recordedID = prev.Get("websocket_api_id")
	}
	found, dups, err := x.findV2API(ctx, v2types.ProtocolTypeWebsocket, ws.ResourceName, recordedID)
	if err != nil {
		return nil, err
	}
	dupSteps := duplicateV2APISteps(ws.ResourceName, "Websocket API", dups)
	if found == nil {
		id := &runValue{name: ws.ResourceName + ".websocket_api_id"}
		ins := []Instruction{apiCall("apigatewayv2", "CreateApi", ws.APIName, func(ctx context.Context, x *executor) (err error) {
			id.value, err = x.createV2API(ctx, &apigatewayv2.CreateApiInput{Name: aws.String(ws.APIName), ProtocolType: v2types.ProtocolTypeWebsocket,
				RouteSelectionExpression: aws.String("$request.body.action"), Tags: x.ownTags(ws.ResourceName)}, ws.ResourceName)
			if err != nil {
				return err
			}
			return x.record(ctx, record(id.value))
		}).detailed("WEBSOCKET; on a lost answer the API found by its tags is adopted")}
		ins = append(ins, routes(id)...)
		ins = append(ins, createStage(id))
		ins = append(ins, newPermissionCalls(id, perms)...)
		return append([]Step{{Resource: ws.ResourceName, Message: "Creating websocket API: " + ws.APIName, Instructions: ins}}, dupSteps...), nil
	}
	id := known(ws.ResourceName+".websocket_api_id", found.id)
	tags := x.missingTags(found.tags, ws.ResourceName)

	// Compare the routes and their integrations with the app's.
	gotRoutes, err := x.c.APIGatewayV2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id.value)})
	if err != nil {
		return nil, fmt.Errorf("apigateway:GetRoutes %s: %w", id, err)
	}
	gotInts, err := x.c.APIGatewayV2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id.value)})
	if err != nil {
		return nil, fmt.Errorf("apigateway:GetIntegrations %s: %w", id, err)
	}
	intURI := map[string]string{}
	for _, in := range gotInts.Items {
		intURI[deref(in.IntegrationId)] = deref(in.IntegrationUri)
	}
	current := len(gotRoutes.Items) == len(handlers) && len(gotInts.Items) == len(handlers)
	for _, h := range handlers {
		found := false
		for _, r := range gotRoutes.Items {
			if deref(r.RouteKey) == h.routeKey && intURI[strings.TrimPrefix(deref(r.Target), "integrations/")] == uri(h.fn) {
				found = true
			}
		}
		current = current && found
	}
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
	ins := []Instruction{recordIn(func() state.Record { return record(id.value) })}
	if tags != nil {
		ins = append(ins, apiCall("apigatewayv2", "TagResource", id.value, func(ctx context.Context, x *executor) error { return x.tagV2(ctx, id.value, tags) }))
	}
	if !current {
		for _, r := range gotRoutes.Items {
			ins = append(ins, apiCall("apigatewayv2", "DeleteRoute", deref(r.RouteKey), func(ctx context.Context, x *executor) error {
				if _, err := x.c.APIGatewayV2.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: aws.String(id.value), RouteId: r.RouteId}); err != nil && !isNotFound(err) {
					return err
				}
				return nil
			}))
		}
		for _, in := range gotInts.Items {
			ins = append(ins, apiCall("apigatewayv2", "DeleteIntegration", deref(in.IntegrationId), func(ctx context.Context, x *executor) error {
				if _, err := x.c.APIGatewayV2.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: aws.String(id.value), IntegrationId: in.IntegrationId}); err != nil && !isNotFound(err) {
					return err
				}
				return nil
			}))
		}
		ins = append(ins, routes(id)...)
	}
	if needStage {
		ins = append(ins, createStage(id))
	}
	ins = append(ins, permissionCalls(missing)...)
	msg := ""
	switch {
	case recordedID != id.value:
		msg = "Adopting websocket API: " + id.value + " (found by its tags; it had no record)"
	case !current:
		msg = "Updating websocket API"
	}
	return append([]Step{{Resource: ws.ResourceName, Message: msg, Instructions: ins}}, dupSteps...), nil
}

// unroutedIntegration returns an integration of the API with this URI
// that no route targets ("" if none).
func (x *executor) unroutedIntegration(ctx context.Context, apiID, uri string) (string, error) {
	routes, err := x.c.APIGatewayV2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(apiID)})
	if err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, r := range routes.Items {
		used[strings.TrimPrefix(deref(r.Target), "integrations/")] = true
	}
	ints, err := x.c.APIGatewayV2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(apiID)})
	if err != nil {
		return "", err
	}
	for _, in := range ints.Items {
		if deref(in.IntegrationUri) == uri && !used[deref(in.IntegrationId)] {
			return deref(in.IntegrationId), nil
		}
	}
	return "", nil
}

// routeByKey returns the id of the API's route with this key ("" if none).
func (x *executor) routeByKey(ctx context.Context, apiID, key string) (string, error) {
	routes, err := x.c.APIGatewayV2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(apiID)})
	if err != nil {
		return "", err
	}
	for _, r := range routes.Items {
		if deref(r.RouteKey) == key {
			return deref(r.RouteId), nil
		}
	}
	return "", nil
}

func sweepWebsocketAPI(rec state.Record) Step {
	id := rec.Get("websocket_api_id")
	return Step{Resource: rec.Name, Message: "Deleting Websocket API: " + id, Instructions: []Instruction{deleteV2API(id), forgetIn(rec.Name)}}
}
