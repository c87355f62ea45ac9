package wsgateway

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gochalice/chalice/manifest"
)

// event is API Gateway's websocket Lambda proxy event (the JSON of
// events.APIGatewayWebsocketProxyRequest).
type event struct {
	Headers                         map[string]string   `json:"headers,omitempty"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders,omitempty"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters,omitempty"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters,omitempty"`
	RequestContext                  requestContext      `json:"requestContext"`
	Body                            *string             `json:"body,omitempty"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type requestContext struct {
	RouteKey             string   `json:"routeKey"`
	MessageID            string   `json:"messageId,omitempty"`
	DisconnectStatusCode int      `json:"disconnectStatusCode,omitempty"`
	DisconnectReason     *string  `json:"disconnectReason,omitempty"`
	EventType            string   `json:"eventType"`
	ExtendedRequestID    string   `json:"extendedRequestId"`
	RequestTime          string   `json:"requestTime"`
	MessageDirection     string   `json:"messageDirection"`
	Stage                string   `json:"stage"`
	ConnectedAt          int64    `json:"connectedAt"`
	RequestTimeEpoch     int64    `json:"requestTimeEpoch"`
	Identity             identity `json:"identity"`
	RequestID            string   `json:"requestId"`
	DomainName           string   `json:"domainName"`
	ConnectionID         string   `json:"connectionId"`
	APIID                string   `json:"apiId"`
}

type identity struct {
	UserAgent string `json:"userAgent"`
	SourceIP  string `json:"sourceIp"`
}

// requestTimeLayout is API Gateway's requestTime format.
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

func (g *Gateway) reqContext(c *conn, routeKey, eventType, reqID string, now time.Time) requestContext {
	return requestContext{
		RouteKey:          routeKey,
		EventType:         eventType,
		ExtendedRequestID: reqID,
		RequestTime:       now.UTC().Format(requestTimeLayout),
		MessageDirection:  "IN",
		Stage:             g.opts.Stage,
		ConnectedAt:       c.connectedAt.UnixMilli(),
		RequestTimeEpoch:  now.UnixMilli(),
		Identity:          identity{UserAgent: c.userAgent, SourceIP: c.sourceIP},
		RequestID:         reqID,
		DomainName:        c.domainName,
		ConnectionID:      c.id,
		APIID:             LocalAPIID,
	}
}

// connectEvent is the $connect event: the handshake's headers and query.
func (g *Gateway) connectEvent(r *http.Request, c *conn, reqID string, now time.Time) *event {
	ev := &event{
		Headers:           map[string]string{},
		MultiValueHeaders: map[string][]string{},
		RequestContext:    g.reqContext(c, manifest.WSConnect, "CONNECT", reqID, now),
	}
	for k, vs := range r.Header {
		if len(vs) > 0 {
			ev.Headers[k] = vs[len(vs)-1]
			ev.MultiValueHeaders[k] = vs
		}
	}
	if r.Host != "" {
		ev.Headers["Host"] = r.Host
		ev.MultiValueHeaders["Host"] = []string{r.Host}
	}
	ev.QueryStringParameters, ev.MultiValueQueryStringParameters = queryParams(r.URL)
	return ev
}

// messageEvent is a $default event; binary messages are base64-encoded.
func (g *Gateway) messageEvent(c *conn, data []byte, binary bool, reqID string) *event {
	rc := g.reqContext(c, manifest.WSDefault, "MESSAGE", reqID, time.Now())
	rc.MessageID = newRequestID()
	body := string(data)
	if binary {
		body = base64.StdEncoding.EncodeToString(data)
	}
	return &event{RequestContext: rc, Body: &body, IsBase64Encoded: binary}
}

// disconnectEvent is the $disconnect event.
func (g *Gateway) disconnectEvent(c *conn, code int, reason string) *event {
	rc := g.reqContext(c, manifest.WSDisconnect, "DISCONNECT", newRequestID(), time.Now())
	rc.DisconnectStatusCode, rc.DisconnectReason = code, &reason
	ev := &event{RequestContext: rc}
	if c.domainName != "" {
		ev.Headers = map[string]string{"Host": c.domainName}
		ev.MultiValueHeaders = map[string][]string{"Host": {c.domainName}}
	}
	return ev
}
