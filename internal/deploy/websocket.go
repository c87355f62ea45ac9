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
	uri := func(f *appgraph.Function) string { return x.arns.invocationURI(x.functionARN(f)) }
	perms := func(id string) []permission {
		var ps []permission
		for _, h := range handlers {
			ps = append(ps, permission{function: h.fn.FunctionName, principal: "apigateway.amazonaws.com", sourceARN: x.arns.executeAPI(id, "*")})
		}
		return ps
	}
	record := func(id string) state.Record {
		return state.Record{Name: ws.ResourceName, ResourceType: "websocket_api", Fields: []state.Field{{Key: "websocket_api_url", Value: x.arns.websocketURL(id, stage)}, {Key: "websocket_api_id", Value: id}}}
	}
	// routes creates an integration and a route per handler.
	routes := func(ctx context.Context, x *executor, id string) error {
		for _, h := range handlers {
			in, err := x.c.APIGatewayV2.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: aws.String(id), IntegrationType: v2types.IntegrationTypeAwsProxy,
				IntegrationUri: aws.String(uri(h.fn)), ConnectionType: v2types.ConnectionTypeInternet, ContentHandlingStrategy: v2types.ContentHandlingStrategyConvertToText})
			if err != nil {
				return err
			}
			if _, err := x.c.APIGatewayV2.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String(h.routeKey), Target: aws.String("integrations/" + deref(in.IntegrationId))}); err != nil {
				return err
			}
		}
		return nil
	}
	routeCalls := func() []PlannedCall {
		var calls []PlannedCall
		for _, h := range handlers {
			calls = append(calls, PlannedCall{"apigatewayv2", "CreateIntegration", h.fn.FunctionName}, PlannedCall{"apigatewayv2", "CreateRoute", h.routeKey})
		}
		return calls
	}
	createStage := func(ctx context.Context, x *executor, id string) error {
		_, err := x.c.APIGatewayV2.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: aws.String(id), StageName: aws.String(stage), AutoDeploy: aws.Bool(true)})
		if err != nil && errorCode(err) != "ConflictException" {
			return err
		}
		return nil
	}

	id := ""
	if prev := x.state.Find(ws.ResourceName); prev != nil && prev.ResourceType == "websocket_api" {
		id = prev.Get("websocket_api_id")
	}
	if id != "" {
		if _, err := x.c.APIGatewayV2.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String(id)}); isNotFound(err) {
			id = ""
		} else if err != nil {
			return nil, fmt.Errorf("apigateway:GetApi %s: %w", id, err)
		}
	}
	if id == "" {
		calls := append([]PlannedCall{{"apigatewayv2", "CreateApi", ws.APIName}}, routeCalls()...)
		calls = append(calls, PlannedCall{"apigatewayv2", "CreateStage", stage})
		calls = append(calls, permissionCalls(perms("<new>"))...)
		return []Step{{Resource: ws.ResourceName, Message: "Creating websocket API: " + ws.APIName, Calls: calls, run: func(ctx context.Context, x *executor) error {
			out, err := x.c.APIGatewayV2.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String(ws.APIName), ProtocolType: v2types.ProtocolTypeWebsocket,
				RouteSelectionExpression: aws.String("$request.body.action")})
			if err != nil {
				return err
			}
			id := deref(out.ApiId)
			if err := x.record(ctx, record(id)); err != nil {
				return err
			}
			if err := routes(ctx, x, id); err != nil {
				return err
			}
			if err := createStage(ctx, x, id); err != nil {
				return err
			}
			return x.addPermissions(ctx, perms(id))
		}}}, nil
	}

	// Compare the routes and their integrations with the app's.
	gotRoutes, err := x.c.APIGatewayV2.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("apigateway:GetRoutes %s: %w", id, err)
	}
	gotInts, err := x.c.APIGatewayV2.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id)})
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
	if _, err := x.c.APIGatewayV2.GetStage(ctx, &apigatewayv2.GetStageInput{ApiId: aws.String(id), StageName: aws.String(stage)}); isNotFound(err) {
		needStage = true
	} else if err != nil {
		return nil, fmt.Errorf("apigateway:GetStage %s %s: %w", id, stage, err)
	}
	var calls []PlannedCall
	if !current {
		for _, r := range gotRoutes.Items {
			calls = append(calls, PlannedCall{"apigatewayv2", "DeleteRoute", deref(r.RouteKey)})
		}
		for _, in := range gotInts.Items {
			calls = append(calls, PlannedCall{"apigatewayv2", "DeleteIntegration", deref(in.IntegrationId)})
		}
		calls = append(calls, routeCalls()...)
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
	if !current {
		msg = "Updating websocket API"
	}
	return []Step{{Resource: ws.ResourceName, Message: msg, Calls: calls, run: func(ctx context.Context, x *executor) error {
		if err := x.record(ctx, record(id)); err != nil {
			return err
		}
		if !current {
			for _, r := range gotRoutes.Items {
				if _, err := x.c.APIGatewayV2.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: aws.String(id), RouteId: r.RouteId}); err != nil && !isNotFound(err) {
					return err
				}
			}
			for _, in := range gotInts.Items {
				if _, err := x.c.APIGatewayV2.DeleteIntegration(ctx, &apigatewayv2.DeleteIntegrationInput{ApiId: aws.String(id), IntegrationId: in.IntegrationId}); err != nil && !isNotFound(err) {
					return err
				}
			}
			if err := routes(ctx, x, id); err != nil {
				return err
			}
		}
		if needStage {
			if err := createStage(ctx, x, id); err != nil {
				return err
			}
		}
		return x.addPermissions(ctx, perms(id))
	}}}, nil
}

func sweepWebsocketAPI(rec state.Record) Step {
	id := rec.Get("websocket_api_id")
	return Step{Resource: rec.Name, Message: "Deleting Websocket API: " + id, Calls: []PlannedCall{{"apigatewayv2", "DeleteApi", id}},
		run: func(ctx context.Context, x *executor) error {
			if id != "" {
				if _, err := x.c.APIGatewayV2.DeleteApi(ctx, &apigatewayv2.DeleteApiInput{ApiId: aws.String(id)}); err != nil && !isNotFound(err) {
					return err
				}
			}
			return x.forget(ctx, rec.Name)
		}}
}
