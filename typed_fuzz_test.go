package chalice_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice"
)

// fuzzIn binds a field of every kind a typed route supports.
type fuzzIn struct {
	ID     string       `path:"id" validate:"min=1,max=64"`
	N      int8         `path:"n"`
	Limit  uint16       `query:"limit" default:"10" validate:"min=1,max=1000"`
	Ratio  float32      `query:"ratio" validate:"gte=0,lte=1"`
	On     bool         `query:"on"`
	Since  *time.Time   `query:"since"`
	Addr   *netip.Addr  `query:"addr"`
	Tags   []string     `query:"tag" validate:"max=4,dive,oneof=a b c"`
	Nums   []int64      `query:"num"`
	Trace  string       `header:"X-Trace-Id" validate:"omitempty,uuid"`
	Langs  []string     `header:"Accept-Language"`
	Weight *float64     `header:"X-Weight" validate:"gt=0"`
	Body   *fuzzPayload `validate:"required"`
}

type fuzzPayload struct {
	Name    string            `json:"name" validate:"required,min=1,max=32,pattern=^[a-z]+$"`
	Email   string            `json:"email,omitempty" validate:"omitempty,email"`
	Site    string            `json:"site,omitempty" validate:"omitempty,url"`
	Day     string            `json:"day,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Age     *int              `json:"age,omitempty" validate:"gte=0,lt=150"`
	Score   float64           `json:"score"`
	Count   uint8             `json:"count,string"`
	When    time.Time         `json:"when"`
	Blob    []byte            `json:"blob,omitempty"`
	Num     json.Number       `json:"num,omitempty"`
	Raw     json.RawMessage   `json:"raw,omitempty"`
	Any     any               `json:"any,omitempty"`
	Items   []fuzzItem        `json:"items" validate:"max=5"`
	Labels  map[string]string `json:"labels" validate:"max=3,dive,max=8"`
	ByID    map[int]bool      `json:"byId"`
	Fixed   [2]int            `json:"fixed"`
	Parent  *fuzzPayload      `json:"parent,omitempty"`
	Address fuzzAddr          `json:"address"`
}

type fuzzItem struct {
	SKU string `json:"sku" validate:"required,len=6"`
	Qty int    `json:"qty" validate:"min=1"`
}

type fuzzAddr struct {
	Zip string   `json:"zip" validate:"omitempty,len=5"`
	_   struct{} `additionalProperties:"true"`
}

// FuzzTypedRoute sends arbitrary path parameters, query strings, headers
// and bodies to a typed route through api_handler: nothing panics, and
// every request is either served (200) or refused with a 400
// BadRequestError naming the fields, never a 500.
func FuzzTypedRoute(f *testing.F) {
	f.Add("u1", "7", "limit=5&tag=a&tag=b&on=true&since=2024-05-06T07:08:09Z&addr=10.0.0.1&num=3", "0b4d1b0e-5c5e-4f7a-9d2b-6f1c3e0a9b77", "application/json",
		`{"name":"ana","age":30,"count":"5","when":"2024-05-06T07:08:09Z","items":[{"sku":"ABC123","qty":1}],"labels":{"a":"b"},"byId":{"1":true},"fixed":[1,2],"address":{"zip":"12345","x":1}}`)
	f.Add("", "300", "limit=0&ratio=2&tag=z&num=x", "nope", "text/plain", `{"name":5}`)
	f.Add("u1", "-1", "", "", "", `null`)
	f.Add("u1", "1", "since=yesterday&addr=::zz", "", "application/json", `{"name":"a","parent":{"parent":{"name":"b","items":[{}]}}}`)
	f.Add("u1", "1", "", "", "application/json", `{"name":"a","blob":"***","num":"1","raw":{,"any":[1,`)
	f.Add("u1", "1", "", "", "application/json", strings.Repeat("[", 20000))
	f.Add("u1", "1", "tag=a&tag=a&tag=a&tag=a&tag=a", "", "application/merge-patch+json", `{"name":"`+strings.Repeat("x", 40)+`","labels":{"1":"123456789","2":"","3":"","4":""}}`)
	app := newApp()
	chalice.Put(app, "/things/{id}/{n}", func(ctx context.Context, in *fuzzIn) (*fuzzIn, error) { return in, nil },
		chalice.ContentTypes("*/*"))
	if err := app.Validate(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, n, rawQuery, header, contentType, body string) {
		q, _ := url.ParseQuery(rawQuery)
		headers := map[string]string{"X-Trace-Id": header, "Accept-Language": header, "X-Weight": header}
		if contentType != "" {
			headers["Content-Type"] = contentType
		}
		ev := restEvent{Method: "PUT", Resource: "/things/{id}/{n}", Path: "/things/x/y",
			PathParams: map[string]string{"id": id, "n": n}, Headers: headers, Body: &body}
		if len(q) > 0 {
			ev.Query = q
		}
		out, err := app.Invoke(context.Background(), "api_handler", ev.JSON())
		if err != nil {
			t.Fatalf("Invoke: %v", err)
		}
		var resp proxyResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("response %s: %v", out, err)
		}
		switch resp.StatusCode {
		case 200:
		case 400:
			var e struct{ Code, Message string }
			if err := json.Unmarshal([]byte(resp.Body), &e); err != nil || e.Code != "BadRequestError" {
				t.Fatalf("400 body %s", resp.Body)
			}
			for _, part := range strings.Split(e.Message, "; ") {
				if !startsWithPlace(part) && !strings.HasPrefix(part, "and ") {
					// A reason may itself hold "; " (a type's error text):
					// the message must still start with a place.
					if !startsWithPlace(e.Message) {
						t.Fatalf("400 message %q does not name a field", e.Message)
					}
				}
			}
		default:
			t.Fatalf("status %d: %s (id %q n %q query %q header %q content type %q body %q)", resp.StatusCode, resp.Body, id, n, rawQuery, header, contentType, body)
		}
	})
}

func startsWithPlace(s string) bool {
	for _, p := range []string{"path.", "query.", "header.", "body"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
