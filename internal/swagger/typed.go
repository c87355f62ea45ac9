package swagger

// Typed routes: the parameters, request body and success response their
// Go types declare (manifest.Route.Parameters, RequestBody, Response),
// the named schemas they refer to (components.schemas in OpenAPI 3,
// definitions in Swagger 2.0, next to Chalice's Empty; API Gateway turns
// them into models) and, for REST APIs with api_gateway_request_validation,
// API Gateway's request validators.

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gochalice/chalice/manifest"
)

// emptyModel is Chalice's model of untyped responses.
func emptyModel() map[string]any {
	return map[string]any{"type": "object", "title": "Empty Schema"}
}

// types reports whether the document describes the typed routes' types.
// It does, except for the OpenAPI 3.0 document of an HTTP API, which is
// what package and deploy import into API Gateway v2: HTTP APIs have
// neither models nor request validation, so they are left out (and the
// document stays the one untyped routes get). The OpenAPI 3.1 document
// of an HTTP API (generate-models) has them.
func (g *generator) types() bool { return !(g.http && g.format == OpenAPI30) }

// models are the document's named schemas: Empty and the app's.
func (g *generator) models() (map[string]any, error) {
	out := map[string]any{manifest.ReservedSchemaName: emptyModel()}
	if !g.types() {
		return out, nil
	}
	for name, raw := range g.api.Schemas {
		if name == manifest.ReservedSchemaName {
			return nil, fmt.Errorf("swagger: schema %q: the name is reserved for Chalice's empty model", name)
		}
		s, err := g.schema(raw)
		if err != nil {
			return nil, fmt.Errorf("swagger: schema %q: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
}

// Request validators, named as in API Gateway's documentation.
const (
	validatorAll    = "all"
	validatorBody   = "body-only"
	validatorParams = "params-only"
)

// validates reports whether operations get request validators: REST APIs
// with api_gateway_request_validation (HTTP APIs have none).
func (g *generator) validates() bool {
	return !g.http && g.api.Stage != nil && g.api.Stage.RequestValidation
}

// typed adds the request body, the success response and the request
// validator of a typed route to its operation.
func (g *generator) typed(op map[string]any, r manifest.Route) error {
	if !g.types() {
		return nil
	}
	if b := r.RequestBody; b != nil {
		s, err := g.schema(b.Schema)
		if err != nil {
			return fmt.Errorf("requestBody: %w", err)
		}
		if g.oas3() {
			body := map[string]any{"content": map[string]any{b.ContentType: map[string]any{"schema": s}}}
			if b.Required {
				body["required"] = true
			}
			op["requestBody"] = body
		} else {
			p := map[string]any{"name": "body", "in": "body", "schema": s}
			if b.Required {
				p["required"] = true
			}
			op["parameters"] = []any{p}
			if !slices.Contains(r.ContentTypes, b.ContentType) {
				op["consumes"] = append(strings2any(r.ContentTypes), b.ContentType)
			}
		}
	}
	if b := r.Response; b != nil {
		s, err := g.schema(b.Schema)
		if err != nil {
			return fmt.Errorf("response: %w", err)
		}
		status := strconv.Itoa(b.StatusCode())
		resp := map[string]any{"description": status + " response"}
		if g.oas3() {
			resp["content"] = map[string]any{b.ContentType: map[string]any{"schema": s}}
		} else {
			resp["schema"] = s
			op["produces"] = []any{b.ContentType}
		}
		op["responses"] = map[string]any{status: resp}
	}
	if !g.validates() {
		return nil
	}
	body, params := r.RequestBody != nil, len(r.Parameters) > 0
	var name string
	var def map[string]any
	switch {
	case body && params:
		name, def = validatorAll, map[string]any{"validateRequestBody": true, "validateRequestParameters": true}
	case body:
		name, def = validatorBody, map[string]any{"validateRequestBody": true, "validateRequestParameters": false}
	case params:
		name, def = validatorParams, map[string]any{"validateRequestBody": false, "validateRequestParameters": true}
	default:
		return nil
	}
	if g.validators == nil {
		g.validators = map[string]any{}
	}
	g.validators[name] = def
	op["x-amazon-apigateway-request-validator"] = name
	return nil
}

// parameters are an operation's path parameters, in template order, then
// its other declared parameters in declaration order. Path parameters a
// typed route does not declare, and those of untyped routes, are strings.
func (g *generator) parameters(r manifest.Route) ([]any, error) {
	declared := map[string]manifest.Parameter{}
	if !g.types() {
		r.Parameters = nil
	}
	for _, p := range r.Parameters {
		if p.In == manifest.InPath {
			declared[p.Name] = p
		}
	}
	var out []any
	for _, name := range PathParams(r.Path) {
		p, ok := declared[name]
		if !ok {
			p = manifest.Parameter{Name: name, In: manifest.InPath, Required: true, Schema: []byte(`{"type":"string"}`)}
		}
		param, err := g.parameter(p)
		if err != nil {
			return nil, err
		}
		param["required"] = true
		out = append(out, param)
	}
	for _, p := range r.Parameters {
		switch p.In {
		case manifest.InPath:
			continue
		case manifest.InQuery, manifest.InHeader:
		default:
			return nil, fmt.Errorf("parameter %q: in %q is not path, query or header", p.Name, p.In)
		}
		param, err := g.parameter(p)
		if err != nil {
			return nil, err
		}
		out = append(out, param)
	}
	return out, nil
}

func (g *generator) parameter(p manifest.Parameter) (map[string]any, error) {
	param := map[string]any{"name": p.Name, "in": p.In}
	if p.Required {
		param["required"] = true
	}
	doc, err := decodeSchema(p.Schema)
	if err != nil {
		return nil, fmt.Errorf("parameter %q: %w", p.Name, err)
	}
	switch g.dialect() {
	case jsonSchema2020:
		param["schema"] = doc
	case oas30:
		param["schema"] = parameterSchema(doc)
	default:
		g.simpleParameter(param, doc, p.In, 0)
	}
	return param, nil
}
