package config

import (
	"errors"
	"strings"
)

// FunctionRole says what one of the app's functions is, for the keys
// whose meaning depends on it (function_url and the function_url_* keys).
type FunctionRole struct {
	Name       string
	PureLambda bool // registered with App.Lambda: may have function_url
	APIHandler bool // api_handler, which serves the routes
}

// HasURL reports whether fn gets a Function URL on stage: the API
// handler when api_type is "url", a pure Lambda with function_url true.
func (c *Config) HasURL(stage string, fn FunctionRole, o Overrides) bool {
	if fn.APIHandler {
		apiType := lookupPtr(c.stageLevels(stage, o), DefaultAPIType, func(s *Settings) *string { return s.APIType })
		return apiType == "url"
	}
	return fn.PureLambda && lookupPtr(c.functionLevels(stage, fn.Name, o), false, func(s *Settings) *bool { return s.FunctionURL })
}

// ValidateFunctionRoles checks the keys whose meaning depends on what
// each function is: function_url is for pure Lambdas (the routes get a
// URL with api_type "url"), and a streamed invoke mode needs a Function
// URL in front of the function. Call it after Validate; it returns every
// problem joined, each an *Error naming the file, stage, function and key.
func (c *Config) ValidateFunctionRoles(stage string, fns []FunctionRole, o Overrides) error {
	var errs []error
	st := c.stageLevels(stage, o)
	apiType, apiTypeFrom, apiTypeSet := lookup(st, ptrGet(func(s *Settings) *string { return s.APIType }))
	if !apiTypeSet {
		apiType = DefaultAPIType
	}
	for _, fn := range fns {
		lv := c.functionLevels(stage, fn.Name, o)
		on, onFrom, onSet := lookup(lv, ptrGet(func(s *Settings) *bool { return s.FunctionURL }))
		if onSet && on && !fn.PureLambda {
			what := "an event handler"
			if fn.APIHandler {
				what = "the function serving the app's routes: set \"api_type\": \"url\" to put its routes behind a Function URL"
			}
			errs = append(errs, c.scoped(stage, []string{fn.Name}, "function_url",
				"function_url (%s) gives a pure Lambda function (App.Lambda) a Function URL, but %q is %s", where(onFrom), fn.Name, what))
			continue
		}
		mode, modeFrom, modeSet := lookup(lv, ptrGet(func(s *Settings) *string { return s.FunctionURLInvokeMode }))
		switch {
		case fn.APIHandler && apiType != "url" && modeSet && mode == "RESPONSE_STREAM":
			how := "by default"
			if apiTypeSet {
				how = where(apiTypeFrom)
			}
			errs = append(errs, c.scoped(stage, []string{fn.Name}, "function_url_invoke_mode",
				"function_url_invoke_mode RESPONSE_STREAM (%s) streams responses through a Function URL, but the routes are served by API Gateway (api_type %q, %s), which buffers them: set \"api_type\": \"url\", or remove the key",
				where(modeFrom), apiType, how))
		case fn.PureLambda && !on:
			for _, key := range []string{"function_url_auth_type", "function_url_invoke_mode"} {
				from := ""
				if key == "function_url_auth_type" {
					_, from, _ = lookup(lv, ptrGet(func(s *Settings) *string { return s.FunctionURLAuthType }))
				} else if modeSet {
					from = modeFrom
				}
				if strings.Contains(from, "lambda_functions.") {
					errs = append(errs, c.scoped(stage, []string{fn.Name}, key,
						"%s (%s) has no effect: the function has no Function URL; set \"function_url\": true beside it", key, where(from)))
				}
			}
		}
	}
	return errors.Join(errs...)
}
