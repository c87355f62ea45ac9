package chalice_test

import (
	"context"
	"fmt"

	"github.com/gochalice/chalice"
)

// An HTTP API app (api_type "http") with a JWT authorizer, which API
// Gateway runs itself, and a payload 2.0 Lambda authorizer with simple
// responses and two identity sources.
func ExampleNewJWTAuthorizer() {
	app := chalice.New("shop")
	users := chalice.NewJWTAuthorizer("users",
		"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", []string{"web-client"})
	tenants := app.Authorizer(func(ctx context.Context, req *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		if len(req.IdentitySource) != 2 || req.IdentitySource[0] != "secret" {
			return &chalice.AuthResponse{}, nil // {"isAuthorized": false}: 403
		}
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"),
			Context: map[string]any{"tenant": req.IdentitySource[1]}}, nil
	}, chalice.Name("tenants"), chalice.SimpleResponses(),
		chalice.IdentitySources("$request.header.X-Api-Token", "$request.querystring.tenant"))

	app.Get("/orders", func(ctx context.Context, req *chalice.Request) (any, error) {
		return req.Context.Authorizer["jwt"], nil // claims and scopes
	}, chalice.WithAuthorizer(users.WithScopes("orders/read")))
	app.Get("/stock", func(ctx context.Context, req *chalice.Request) (any, error) {
		return req.Context.Authorizer["lambda"], nil // the authorizer's context
	}, chalice.WithAuthorizer(tenants))

	m, err := app.Manifest()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range m.Authorizers {
		fmt.Println(a.Name, a.Type, a.IdentitySources, a.PayloadFormatVersion, a.SimpleResponses)
	}
	// Output:
	// tenants builtin [$request.header.X-Api-Token $request.querystring.tenant] 2.0 true
	// users jwt [$request.header.Authorization]  false
}
