package proxyevent

import (
	"net/url"
	"strings"
)

// Request is a decoded proxy event, normalised across the event kinds.
type Request struct {
	Kind Kind

	// Resource is the route template: v1 "resource" (falling back to
	// requestContext.resourcePath); for v2 the path part of routeKey
	// ("GET /users/{id}" -> "/users/{id}", "$default" -> ""); "" for
	// Function URLs.
	Resource string
	// Path is the concrete request path: v1 "path", v2 "rawPath".
	Path string
	// Method is v1 "httpMethod" or v2 requestContext.http.method.
	Method string
	// Headers holds the headers as sent. For v2 events a "cookie" header
	// is rebuilt from "cookies" (joined by "; ") unless one is present.
	Headers map[string]string
	// MultiValueHeaders is v1 "multiValueHeaders"; nil for v2.
	MultiValueHeaders map[string][]string
	// Query holds the query parameters (nil if there are none). v1:
	// multiValueQueryStringParameters, falling back to
	// queryStringParameters. v2: rawQueryString parsed like
	// net/url.ParseQuery (values in order), falling back to
	// queryStringParameters split on ",".
	Query          map[string][]string
	PathParameters map[string]string
	StageVariables map[string]string
	// Body is the body as sent: still base64 if IsBase64Encoded.
	Body            string
	IsBase64Encoded bool
	Context         RequestContext

	spare spare // storage reused by DecodeInto
}

// RequestContext is the normalised requestContext of an event.
type RequestContext struct {
	AccountID, APIID, Stage, RequestID, DomainName, DomainPrefix      string
	ResourceID, ResourcePath, HTTPMethod, Path, Protocol, RequestTime string
	// RequestTimeEpoch is v1 requestTimeEpoch or v2 timeEpoch.
	RequestTimeEpoch int64
	// SourceIP and UserAgent come from v1 identity or v2 http.
	SourceIP, UserAgent string
	// RouteKey, EventType, ConnectionID and MessageID are set for
	// websocket events; RouteKey also for v2.
	RouteKey, EventType, ConnectionID, MessageID string
	// Authorizer is requestContext.authorizer decoded generically, as
	// encoding/json decodes into an any.
	Authorizer map[string]any
	// Raw is the requestContext object as it appears in the input (a
	// sub-slice of the decoded data, not a copy).
	Raw []byte
}

// spare keeps maps and slice storage between DecodeInto calls.
type spare struct {
	headers, pathParams, stageVars map[string]string
	mvHeaders, query               map[string][]string
	auth                           map[string]any
	slab                           stringSlab
}

// reset zeroes r, moving its maps into the spare storage and clearing them.
func (r *Request) reset() {
	sp := r.spare
	if r.Headers != nil {
		sp.headers = r.Headers
	}
	if r.PathParameters != nil {
		sp.pathParams = r.PathParameters
	}
	if r.StageVariables != nil {
		sp.stageVars = r.StageVariables
	}
	if r.MultiValueHeaders != nil {
		sp.mvHeaders = r.MultiValueHeaders
	}
	if r.Query != nil {
		sp.query = r.Query
	}
	if r.Context.Authorizer != nil {
		sp.auth = r.Context.Authorizer
	}
	clear(sp.headers)
	clear(sp.pathParams)
	clear(sp.stageVars)
	clear(sp.mvHeaders)
	clear(sp.query)
	clear(sp.auth)
	clear(sp.slab.s)
	sp.slab.s = sp.slab.s[:0]
	*r = Request{spare: sp}
}

// Decode parses one API Gateway / Function URL proxy event.
//
// Malformed JSON (exactly what encoding/json rejects) yields a *SyntaxError
// carrying the byte offset. Valid JSON that is not a recognised event,
// including a top-level value that is not an object, yields a Request of
// KindUnknown and a nil error. Decode never panics.
//
// The strings of the Request share one copy of data, so data may be reused
// afterwards; only Context.Raw refers to data itself.
func Decode(data []byte) (*Request, error) {
	r := new(Request)
	if err := DecodeInto(data, r); err != nil {
		return nil, err
	}
	return r, nil
}

// DecodeInto is Decode into an existing Request. The maps of r (and storage
// kept from earlier calls) are cleared and reused, so maps and slices handed
// out by an earlier call must no longer be used. Fields absent from the event
// (or null) are left zero; after an error the contents of r are unspecified.
func DecodeInto(data []byte, r *Request) error {
	r.reset()
	d := decoder{data: data}
	d.ws()
	if d.pos >= len(data) {
		return d.eof()
	}
	if data[d.pos] != '{' {
		if err := d.skipValue(0); err != nil {
			return err
		}
		return d.end()
	}
	s := eventState{r: r}
	s.data = data
	s.str = string(data)
	s.pos = d.pos
	if err := s.top(); err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}
	s.finish()
	return nil
}

// end checks that only whitespace follows the top-level value.
func (d *decoder) end() error {
	d.ws()
	if d.pos < len(d.data) {
		return d.errChar(d.pos, "after top-level value")
	}
	return nil
}

// span locates an already validated value in the input; end == 0 means none.
type span struct{ start, end int }

// eventState is the decoder plus everything gathered before the kind is known.
type eventState struct {
	decoder
	r *Request

	version, routeKey, rawPath, rawQuery string
	query, mvQuery                       spanList
	cookies                              span

	hasMethod, hasResourcePath, hasConnectionID, hasEventType bool

	idSourceIP, idUserAgent                                  string
	httpMethod, httpPath, httpProtocol, httpSourceIP, httpUA string
	time                                                     string
	timeEpoch                                                int64
}

const (
	fResource = iota
	fPath
	fHTTPMethod
	fHeaders
	fMultiValueHeaders
	fQueryStringParameters
	fMultiValueQueryStringParameters
	fPathParameters
	fStageVariables
	fRequestContext
	fBody
	fIsBase64Encoded
	fVersion
	fRouteKey
	fRawPath
	fRawQueryString
	fCookies
)

var topNames = []string{
	fResource:                        "resource",
	fPath:                            "path",
	fHTTPMethod:                      "httpMethod",
	fHeaders:                         "headers",
	fMultiValueHeaders:               "multiValueHeaders",
	fQueryStringParameters:           "queryStringParameters",
	fMultiValueQueryStringParameters: "multiValueQueryStringParameters",
	fPathParameters:                  "pathParameters",
	fStageVariables:                  "stageVariables",
	fRequestContext:                  "requestContext",
	fBody:                            "body",
	fIsBase64Encoded:                 "isBase64Encoded",
	fVersion:                         "version",
	fRouteKey:                        "routeKey",
	fRawPath:                         "rawPath",
	fRawQueryString:                  "rawQueryString",
	fCookies:                         "cookies",
}

// topField maps a member name of the event object to its field; names match
// exactly first and then case-insensitively, as encoding/json does.
func topField(key string) int {
	switch key {
	case "resource":
		return fResource
	case "path":
		return fPath
	case "httpMethod":
		return fHTTPMethod
	case "headers":
		return fHeaders
	case "multiValueHeaders":
		return fMultiValueHeaders
	case "queryStringParameters":
		return fQueryStringParameters
	case "multiValueQueryStringParameters":
		return fMultiValueQueryStringParameters
	case "pathParameters":
		return fPathParameters
	case "stageVariables":
		return fStageVariables
	case "requestContext":
		return fRequestContext
	case "body":
		return fBody
	case "isBase64Encoded":
		return fIsBase64Encoded
	case "version":
		return fVersion
	case "routeKey":
		return fRouteKey
	case "rawPath":
		return fRawPath
	case "rawQueryString":
		return fRawQueryString
	case "cookies":
		return fCookies
	}
	return foldMatch(key, topNames)
}

// top decodes the top-level event object at s.pos.
func (s *eventState) top() error {
	r := s.r
	empty, err := s.objectStart(1)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = s.objectKey(); err != nil {
			return err
		}
		switch topField(key) {
		case fResource:
			_, err = s.stringField(&r.Resource, 1)
		case fPath:
			_, err = s.stringField(&r.Path, 1)
		case fHTTPMethod:
			var ok bool
			ok, err = s.stringField(&r.Method, 1)
			s.hasMethod = s.hasMethod || ok
		case fHeaders:
			extra := 0
			if s.version == "2.0" || s.cookies.end > 0 {
				extra = 1 // room for the cookie header rebuilt from "cookies"
			}
			err = s.stringMap(&r.Headers, &r.spare.headers, extra, 1)
		case fMultiValueHeaders:
			err = s.listMap(&r.MultiValueHeaders, &r.spare.mvHeaders, &r.spare.slab, 1)
		case fQueryStringParameters:
			err = s.objectSpans(&s.query)
		case fMultiValueQueryStringParameters:
			err = s.objectSpans(&s.mvQuery)
		case fPathParameters:
			err = s.stringMap(&r.PathParameters, &r.spare.pathParams, 0, 1)
		case fStageVariables:
			err = s.stringMap(&r.StageVariables, &r.spare.stageVars, 0, 1)
		case fRequestContext:
			if s.peek() == '{' {
				start := s.pos
				if err = s.context(2); err == nil {
					r.Context.Raw = s.data[start:s.pos:s.pos]
				}
			} else {
				err = s.skipValue(1)
			}
		case fBody:
			_, err = s.stringField(&r.Body, 1)
		case fIsBase64Encoded:
			err = s.boolField(&r.IsBase64Encoded, 1)
		case fVersion:
			_, err = s.stringField(&s.version, 1)
		case fRouteKey:
			_, err = s.stringField(&s.routeKey, 1)
		case fRawPath:
			_, err = s.stringField(&s.rawPath, 1)
		case fRawQueryString:
			_, err = s.stringField(&s.rawQuery, 1)
		case fCookies:
			err = s.arraySpan(&s.cookies)
		default:
			err = s.skipValue(1)
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	return err
}

// spanList records the objects given for a member, in order, so that a
// repeated member can be merged as encoding/json merges maps.
type spanList struct {
	n     int
	fixed [2]span
	extra []span
}

func (l *spanList) add(sp span) {
	if l.n < len(l.fixed) {
		l.fixed[l.n] = sp
	} else {
		l.extra = append(l.extra, sp)
	}
	l.n++
}

func (l *spanList) at(i int) span {
	if i < len(l.fixed) {
		return l.fixed[i]
	}
	return l.extra[i-len(l.fixed)]
}

// objectSpans validates a member value, recording where it is if it is an
// object (decoded later, once the kind is known); null forgets the earlier
// ones, like encoding/json resetting a map.
func (s *eventState) objectSpans(l *spanList) error {
	start := s.pos
	c := s.peek()
	if err := s.skipValue(1); err != nil {
		return err
	}
	switch c {
	case '{':
		l.add(span{start, s.pos})
	case 'n':
		l.n, l.extra = 0, l.extra[:0]
	}
	return nil
}

// arraySpan validates a member value, recording where it is if it is an
// array; the last one wins and null forgets it.
func (s *eventState) arraySpan(sp *span) error {
	start := s.pos
	c := s.peek()
	if err := s.skipValue(1); err != nil {
		return err
	}
	switch c {
	case '[':
		*sp = span{start, s.pos}
	case 'n':
		*sp = span{}
	}
	return nil
}

const (
	cAccountID = iota
	cAPIID
	cStage
	cRequestID
	cDomainName
	cDomainPrefix
	cResourceID
	cResourcePath
	cHTTPMethod
	cPath
	cProtocol
	cRequestTime
	cRequestTimeEpoch
	cIdentity
	cAuthorizer
	cRouteKey
	cEventType
	cConnectionID
	cMessageID
	cTime
	cTimeEpoch
	cHTTP
)

var contextNames = []string{
	cAccountID:        "accountId",
	cAPIID:            "apiId",
	cStage:            "stage",
	cRequestID:        "requestId",
	cDomainName:       "domainName",
	cDomainPrefix:     "domainPrefix",
	cResourceID:       "resourceId",
	cResourcePath:     "resourcePath",
	cHTTPMethod:       "httpMethod",
	cPath:             "path",
	cProtocol:         "protocol",
	cRequestTime:      "requestTime",
	cRequestTimeEpoch: "requestTimeEpoch",
	cIdentity:         "identity",
	cAuthorizer:       "authorizer",
	cRouteKey:         "routeKey",
	cEventType:        "eventType",
	cConnectionID:     "connectionId",
	cMessageID:        "messageId",
	cTime:             "time",
	cTimeEpoch:        "timeEpoch",
	cHTTP:             "http",
}

func contextField(key string) int {
	switch key {
	case "accountId":
		return cAccountID
	case "apiId":
		return cAPIID
	case "stage":
		return cStage
	case "requestId":
		return cRequestID
	case "domainName":
		return cDomainName
	case "domainPrefix":
		return cDomainPrefix
	case "resourceId":
		return cResourceID
	case "resourcePath":
		return cResourcePath
	case "httpMethod":
		return cHTTPMethod
	case "path":
		return cPath
	case "protocol":
		return cProtocol
	case "requestTime":
		return cRequestTime
	case "requestTimeEpoch":
		return cRequestTimeEpoch
	case "identity":
		return cIdentity
	case "authorizer":
		return cAuthorizer
	case "routeKey":
		return cRouteKey
	case "eventType":
		return cEventType
	case "connectionId":
		return cConnectionID
	case "messageId":
		return cMessageID
	case "time":
		return cTime
	case "timeEpoch":
		return cTimeEpoch
	case "http":
		return cHTTP
	case "extendedRequestId", "requestTimeEpochMs", "connectedAt", "messageDirection", "operationName":
		return -1 // common but unused: skip the fold search
	}
	return foldMatch(key, contextNames)
}

// context decodes the requestContext object at s.pos, which sits at depth.
func (s *eventState) context(depth int) error {
	c := &s.r.Context
	empty, err := s.objectStart(depth)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = s.objectKey(); err != nil {
			return err
		}
		var ok bool
		switch contextField(key) {
		case cAccountID:
			_, err = s.stringField(&c.AccountID, depth)
		case cAPIID:
			_, err = s.stringField(&c.APIID, depth)
		case cStage:
			_, err = s.stringField(&c.Stage, depth)
		case cRequestID:
			_, err = s.stringField(&c.RequestID, depth)
		case cDomainName:
			_, err = s.stringField(&c.DomainName, depth)
		case cDomainPrefix:
			_, err = s.stringField(&c.DomainPrefix, depth)
		case cResourceID:
			_, err = s.stringField(&c.ResourceID, depth)
		case cResourcePath:
			ok, err = s.stringField(&c.ResourcePath, depth)
			s.hasResourcePath = s.hasResourcePath || ok
		case cHTTPMethod:
			_, err = s.stringField(&c.HTTPMethod, depth)
		case cPath:
			_, err = s.stringField(&c.Path, depth)
		case cProtocol:
			_, err = s.stringField(&c.Protocol, depth)
		case cRequestTime:
			_, err = s.stringField(&c.RequestTime, depth)
		case cRequestTimeEpoch:
			err = s.int64Field(&c.RequestTimeEpoch, depth)
		case cIdentity:
			err = s.identity(depth)
		case cAuthorizer:
			err = s.authorizer(depth)
		case cRouteKey:
			_, err = s.stringField(&c.RouteKey, depth)
		case cEventType:
			ok, err = s.stringField(&c.EventType, depth)
			s.hasEventType = s.hasEventType || ok
		case cConnectionID:
			ok, err = s.stringField(&c.ConnectionID, depth)
			s.hasConnectionID = s.hasConnectionID || ok
		case cMessageID:
			_, err = s.stringField(&c.MessageID, depth)
		case cTime:
			_, err = s.stringField(&s.time, depth)
		case cTimeEpoch:
			err = s.int64Field(&s.timeEpoch, depth)
		case cHTTP:
			err = s.httpDescription(depth)
		default:
			err = s.skipValue(depth)
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	return err
}

var identityNames = []string{"sourceIp", "userAgent"}

// identity decodes requestContext.identity (v1); depth is its parent's.
func (s *eventState) identity(depth int) error {
	if s.peek() != '{' {
		return s.skipValue(depth)
	}
	empty, err := s.objectStart(depth + 1)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = s.objectKey(); err != nil {
			return err
		}
		f := -1
		switch key {
		case "sourceIp":
			f = 0
		case "userAgent":
			f = 1
		case "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "apiKey", "apiKeyId",
			"accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "user",
			"principalOrgId", "clientCert", "vpcId", "vpceId":
		default:
			f = foldMatch(key, identityNames)
		}
		switch f {
		case 0:
			_, err = s.stringField(&s.idSourceIP, depth+1)
		case 1:
			_, err = s.stringField(&s.idUserAgent, depth+1)
		default:
			err = s.skipValue(depth + 1)
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	return err
}

var httpNames = []string{"method", "path", "protocol", "sourceIp", "userAgent"}

// httpDescription decodes requestContext.http (v2); depth is its parent's.
func (s *eventState) httpDescription(depth int) error {
	if s.peek() != '{' {
		return s.skipValue(depth)
	}
	empty, err := s.objectStart(depth + 1)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = s.objectKey(); err != nil {
			return err
		}
		var f int
		switch key {
		case "method":
			f = 0
		case "path":
			f = 1
		case "protocol":
			f = 2
		case "sourceIp":
			f = 3
		case "userAgent":
			f = 4
		default:
			f = foldMatch(key, httpNames)
		}
		switch f {
		case 0:
			_, err = s.stringField(&s.httpMethod, depth+1)
		case 1:
			_, err = s.stringField(&s.httpPath, depth+1)
		case 2:
			_, err = s.stringField(&s.httpProtocol, depth+1)
		case 3:
			_, err = s.stringField(&s.httpSourceIP, depth+1)
		case 4:
			_, err = s.stringField(&s.httpUA, depth+1)
		default:
			err = s.skipValue(depth + 1)
		}
		if err != nil {
			return err
		}
		more, err = s.objectNext()
	}
	return err
}

// authorizer decodes requestContext.authorizer generically; like
// encoding/json, a repeated object merges and null resets.
func (s *eventState) authorizer(depth int) error {
	c := &s.r.Context
	switch s.peek() {
	case 'n':
		c.Authorizer = nil
		return s.literal("null")
	case '{':
		if c.Authorizer == nil {
			if s.r.spare.auth == nil {
				s.r.spare.auth = make(map[string]any)
			}
			c.Authorizer = s.r.spare.auth
		}
		return s.anyObject(c.Authorizer, depth+1)
	}
	return s.skipValue(depth)
}

// finish decides the kind and fills the kind-dependent fields.
func (s *eventState) finish() {
	r := s.r
	c := &r.Context
	switch {
	case s.version == "2.0":
		r.Kind = KindV2
		if strings.Contains(c.DomainName, ".lambda-url.") {
			r.Kind = KindFunctionURL
		}
	case s.hasConnectionID || s.hasEventType:
		r.Kind = KindWebsocket
	case s.hasMethod || s.hasResourcePath:
		r.Kind = KindV1
	}

	if r.Kind != KindV2 && r.Kind != KindFunctionURL {
		if r.Resource == "" {
			r.Resource = c.ResourcePath
		}
		c.SourceIP, c.UserAgent = s.idSourceIP, s.idUserAgent
		for i := range s.mvQuery.n {
			sub := s.decoder
			sub.pos = s.mvQuery.at(i).start
			_ = sub.listMap(&r.Query, &r.spare.query, &r.spare.slab, 1)
		}
		if len(r.Query) == 0 {
			for i := range s.query.n {
				s.singleValues(s.query.at(i), false)
			}
		}
		if len(r.Query) == 0 {
			r.Query = nil
		}
		return
	}

	rk := s.routeKey
	if rk == "" {
		rk = c.RouteKey
	}
	if c.RouteKey == "" {
		c.RouteKey = rk
	}
	r.Resource = ""
	if r.Kind == KindV2 {
		r.Resource = routePath(rk)
	}
	r.Path = s.rawPath
	r.Method = s.httpMethod
	r.MultiValueHeaders = nil
	c.HTTPMethod, c.Path, c.Protocol = s.httpMethod, s.httpPath, s.httpProtocol
	c.SourceIP, c.UserAgent = s.httpSourceIP, s.httpUA
	c.RequestTime, c.RequestTimeEpoch = s.time, s.timeEpoch
	if s.cookies.end > 0 {
		s.cookieHeader()
	}
	if s.rawQuery != "" {
		s.parseQuery(s.rawQuery)
	} else {
		for i := range s.query.n {
			s.singleValues(s.query.at(i), true)
		}
	}
	if len(r.Query) == 0 {
		r.Query = nil
	}
}

// routePath returns the path part of a v2 route key.
func routePath(rk string) string {
	if rk == "$default" {
		return ""
	}
	if i := strings.IndexByte(rk, ' '); i >= 0 {
		return rk[i+1:]
	}
	return rk
}

func (s *eventState) queryMap() map[string][]string {
	r := s.r
	if r.Query == nil {
		if r.spare.query == nil {
			r.spare.query = make(map[string][]string)
		}
		r.Query = r.spare.query
	}
	return r.Query
}

func (sl *stringSlab) one(v string) []string {
	if sl.s == nil {
		sl.s = make([]string, 0, slabSize)
	}
	n := len(sl.s)
	sl.s = append(sl.s, v)
	return sl.s[n : n+1 : n+1]
}

// singleValues fills Query from the (validated) queryStringParameters
// object at sp, splitting values on "," if split is set. Null values are
// taken as "".
func (s *eventState) singleValues(sp span, split bool) {
	d := s.decoder
	d.pos = sp.start
	slab := &s.r.spare.slab
	empty, err := d.objectStart(2)
	for more := !empty; more && err == nil; {
		var key string
		if key, err = d.objectKey(); err != nil {
			return
		}
		if c := d.peek(); c != '"' && c != 'n' {
			if err = d.skipValue(2); err != nil {
				return
			}
		} else {
			var v string // null is ""
			if c == 'n' {
				err = d.literal("null")
			} else {
				v, err = d.readString()
			}
			if err != nil {
				return
			}
			m := s.queryMap()
			if !split || strings.IndexByte(v, ',') < 0 {
				m[key] = slab.one(v)
			} else {
				if slab.s == nil {
					slab.s = make([]string, 0, slabSize)
				}
				n := len(slab.s)
				for {
					part, rest, found := strings.Cut(v, ",")
					slab.s = append(slab.s, part)
					if !found {
						break
					}
					v = rest
				}
				m[key] = slab.s[n:len(slab.s):len(slab.s)]
			}
		}
		more, err = d.objectNext()
	}
}

// maxQueryParams mirrors net/url's default limit on query parameters.
const maxQueryParams = 10000

// parseQuery fills Query from a raw query string exactly like
// net/url.ParseQuery (default settings) would.
func (s *eventState) parseQuery(q string) {
	if strings.Count(q, "&")+1 > maxQueryParams {
		return
	}
	m := s.queryMap()
	pb := pairBuffer{m: m, slab: &s.r.spare.slab}
	for q != "" {
		var key string
		key, q, _ = strings.Cut(q, "&")
		if key == "" || strings.IndexByte(key, ';') >= 0 {
			continue
		}
		key, value, _ := strings.Cut(key, "=")
		var err error
		if key, err = queryUnescape(key); err != nil {
			continue
		}
		if value, err = queryUnescape(value); err != nil {
			continue
		}
		if !pb.add(key, value) {
			m[key] = append(m[key], value) // beyond the buffer: plain appends
		}
	}
	pb.flush()
}

// pairBuffer collects the first query pairs so that each key's values can
// be laid out contiguously in the slab (one allocation for all of them).
type pairBuffer struct {
	n     int
	pairs [32]struct{ k, v string }
	m     map[string][]string
	slab  *stringSlab
}

// add buffers a pair, reporting false once the buffer has been flushed into
// the map because it was full (the caller then appends directly).
func (pb *pairBuffer) add(k, v string) bool {
	if pb.n < 0 {
		return false
	}
	if pb.n == len(pb.pairs) {
		pb.flush()
		return false
	}
	pb.pairs[pb.n].k, pb.pairs[pb.n].v = k, v
	pb.n++
	return true
}

// flush moves the buffered pairs into the map.
func (pb *pairBuffer) flush() {
	if pb.n <= 0 {
		return
	}
	slab := pb.slab
	var placed [len(pb.pairs)]bool
	for i := range pb.n {
		if placed[i] {
			continue
		}
		k := pb.pairs[i].k
		if slab.s == nil {
			slab.s = make([]string, 0, slabSize)
		}
		start := len(slab.s)
		for j := i; j < pb.n; j++ {
			if pb.pairs[j].k == k {
				slab.s = append(slab.s, pb.pairs[j].v)
				placed[j] = true
			}
		}
		pb.m[k] = slab.s[start:len(slab.s):len(slab.s)]
	}
	pb.n = -1
}

func queryUnescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// cookieHeader adds a "cookie" header built from the v2 "cookies" array
// unless the event already carries a cookie header.
func (s *eventState) cookieHeader() {
	r := s.r
	if _, ok := r.Headers["cookie"]; ok {
		return
	}
	for k := range r.Headers {
		if strings.EqualFold(k, "cookie") {
			return
		}
	}
	d := s.decoder
	d.pos = s.cookies.start
	var buf [16]string
	cookies := buf[:0]
	size := 0
	empty, err := d.arrayStart(2)
	for more := !empty; more && err == nil; {
		if d.peek() == '"' {
			var v string
			if v, err = d.readString(); err != nil {
				return
			}
			if v != "" {
				cookies = append(cookies, v)
				size += len(v) + 2
			}
		} else if err = d.skipValue(2); err != nil {
			return
		}
		more, err = d.arrayNext()
	}
	var header string
	switch len(cookies) {
	case 0:
		return
	case 1:
		header = cookies[0]
	default:
		var b strings.Builder
		b.Grow(size - 2)
		for i, c := range cookies {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(c)
		}
		header = b.String()
	}
	if r.Headers == nil {
		if r.spare.headers == nil {
			r.spare.headers = make(map[string]string)
		}
		r.Headers = r.spare.headers
	}
	r.Headers["cookie"] = header
}
