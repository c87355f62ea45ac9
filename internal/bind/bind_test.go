package bind

import (
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

type jsonAddr struct {
	Street string `json:"street"`
	Zip    string `json:"zip" validate:"required,len=5"`
}

type jsonUser struct {
	Username string            `json:"username" validate:"required,min=3,max=12"`
	Age      int               `json:"age" validate:"min=0,max=150"`
	Email    string            `json:"email,omitempty" validate:"omitempty,email"`
	Role     string            `json:"role,omitempty" validate:"omitempty,oneof=admin member"`
	Address  *jsonAddr         `json:"address,omitempty"`
	Tags     []string          `json:"tags,omitempty" validate:"max=3,dive,min=2"`
	Labels   map[string]string `json:"labels,omitempty" validate:"dive,max=4"`
	Friends  []jsonAddr        `json:"friends,omitempty"`
}

type userIn struct {
	Org     string      `path:"org" validate:"min=2"`
	Limit   int         `query:"limit" default:"20" validate:"min=1,max=100"`
	Page    *uint8      `query:"page"`
	Verbose bool        `query:"verbose"`
	Since   *time.Time  `query:"since"`
	IDs     []int64     `query:"id" validate:"max=3,dive,gt=0"`
	Ratio   float64     `query:"ratio" validate:"omitempty,gte=0,lte=1"`
	Sort    string      `query:"sort" validate:"omitempty,oneof=name age"`
	ReqID   string      `header:"X-Request-Id" validate:"omitempty,uuid"`
	Client  *netip.Addr `header:"X-Client-IP"`
	Body    jsonUser
}

// request builds a Values source with a JSON body.
func request(path map[string]string, query map[string][]string, header map[string][]string, body string) *Values {
	v := &Values{Path: path, Query: query, Header: header, RawBody: []byte(body)}
	if body != "" {
		v.ContentType = "application/json"
	}
	return v
}

func org(o string) map[string]string { return map[string]string{"org": o} }

func TestBind(t *testing.T) {
	b, err := Compile(reflect.TypeFor[userIn](), []string{"org"})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	page := uint8(3)
	client := netip.MustParseAddr("10.0.0.1")
	tests := []struct {
		name string
		src  *Values
		want userIn
		err  string
	}{
		{
			name: "everything valid",
			src: request(org("acme"),
				map[string][]string{"limit": {"5", "50"}, "page": {"3"}, "verbose": {"true"}, "since": {"2024-05-06T07:08:09Z"}, "id": {"1", "2"}, "ratio": {"0.5"}, "sort": {"age"}},
				map[string][]string{"x-request-id": {"123e4567-e89b-12d3-a456-426614174000"}, "X-CLIENT-IP": {"10.0.0.1"}},
				`{"username":"ana","age":30,"email":"ana@example.com","address":{"zip":"12345"},"tags":["go","js"],"labels":{"env":"prod"},"friends":[{"zip":"54321"}]}`),
			want: userIn{Org: "acme", Limit: 50, Page: &page, Verbose: true, Since: &since, IDs: []int64{1, 2}, Ratio: 0.5, Sort: "age",
				ReqID: "123e4567-e89b-12d3-a456-426614174000", Client: &client,
				Body: jsonUser{Username: "ana", Age: 30, Email: "ana@example.com", Address: &jsonAddr{Zip: "12345"}, Tags: []string{"go", "js"},
					Labels: map[string]string{"env": "prod"}, Friends: []jsonAddr{{Zip: "54321"}}}},
		},
		{
			name: "defaults and absent optional values",
			src:  request(org("acme"), nil, nil, `{"username":"ana"}`),
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Username: "ana"}},
		},
		{
			name: "parameters that do not convert",
			src: request(org("acme"),
				map[string][]string{"limit": {"ten"}, "page": {"256"}, "verbose": {"yes"}, "since": {"yesterday"}, "id": {"1", "x", "-1"}, "ratio": {"NaN"}},
				map[string][]string{"X-Client-IP": {"not-an-ip"}}, `{"username":"ana"}`),
			want: userIn{Org: "acme", Body: jsonUser{Username: "ana"}},
			err: "query.limit must be an integer; query.page must be an integer between 0 and 255; query.verbose must be true or false; " +
				"query.since must be an RFC 3339 date-time; query.id[1] must be an integer; query.ratio must be a number; " +
				`header.X-Client-IP is invalid: ParseAddr("not-an-ip"): unable to parse IP`,
		},
		{
			name: "parameters that break rules",
			src: request(org("a"), map[string][]string{"limit": {"0"}, "id": {"1", "2", "3", "4"}, "ratio": {"1.5"}, "sort": {"size"}},
				map[string][]string{"X-Request-Id": {"nope"}}, `{"username":"ana"}`),
			want: userIn{Org: "a", IDs: []int64{1, 2, 3, 4}, Ratio: 1.5, Sort: "size", ReqID: "nope", Body: jsonUser{Username: "ana"}},
			err: "path.org must be at least 2 characters; query.limit must be at least 1; query.id must have at most 3 items; " +
				"query.ratio must be at most 1; query.sort must be one of: name age; header.X-Request-Id must be a UUID",
		},
		{
			name: "element rules after dive",
			src:  request(org("acme"), map[string][]string{"id": {"5", "0"}}, nil, `{"username":"ana"}`),
			want: userIn{Org: "acme", Limit: 20, IDs: []int64{5, 0}, Body: jsonUser{Username: "ana"}},
			err:  "query.id[1] must be greater than 0",
		},
		{
			name: "body fields of the wrong type are all named",
			src:  request(org("acme"), nil, nil, `{"username":5,"age":"30","address":{"zip":12345},"tags":"go","labels":{"a":1}}`),
			// As encoding/json, a map entry whose value failed is kept, zero.
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Address: &jsonAddr{}, Labels: map[string]string{"a": ""}}},
			err: "body.username must be a string; body.age must be an integer; body.address.zip must be a string; " +
				"body.tags must be an array; body.labels.a must be a string",
		},
		{
			name: "body rules",
			src: request(org("acme"), nil, nil,
				`{"username":"an","age":151,"email":"ana@","role":"root","address":{"zip":"123"},"tags":["go","j","ts","py"],"labels":{"team":"platform"},"friends":[{"zip":"12345"},{}]}`),
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Username: "an", Age: 151, Email: "ana@", Role: "root", Address: &jsonAddr{Zip: "123"},
				Tags: []string{"go", "j", "ts", "py"}, Labels: map[string]string{"team": "platform"}, Friends: []jsonAddr{{Zip: "12345"}, {}}}},
			err: "body.username must be at least 3 characters; body.age must be at most 150; body.email must be an email address; " +
				"body.role must be one of: admin member; body.address.zip must be exactly 5 characters; body.tags must have at most 3 items; " +
				"body.labels.team must be at most 4 characters; body.friends[1].zip is required",
		},
		{
			name: "required body field absent",
			src:  request(org("acme"), nil, nil, `{"age":3}`),
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Age: 3}},
			err:  "body.username is required",
		},
		{
			name: "null is not a string",
			src:  request(org("acme"), nil, nil, `{"username":null,"address":null}`),
			want: userIn{Org: "acme", Limit: 20},
			err:  "body.username must be a string",
		},
		{
			name: "unknown and differently cased fields",
			src:  request(org("acme"), nil, nil, `{"username":"ana","nickname":"a","Age":3}`),
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Username: "ana"}},
			err:  "body.nickname is not allowed; body.Age is not allowed",
		},
		{
			name: "not JSON: one syntax error, parameter errors kept",
			src:  request(org("acme"), map[string][]string{"limit": {"x"}}, nil, `{"username":5,`),
			want: userIn{Org: "acme"},
			err:  "query.limit must be an integer; body must be valid JSON: unexpected end of input at offset 14",
		},
		{
			name: "trailing data",
			src:  request(org("acme"), nil, nil, `{"username":"ana"} {}`),
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Username: "ana"}},
			err:  "body must be valid JSON: unexpected data after the value at offset 19",
		},
		{
			name: "wrong content type",
			src:  &Values{Path: org("acme"), RawBody: []byte("username=ana"), ContentType: "application/x-www-form-urlencoded"},
			want: userIn{Org: "acme", Limit: 20},
			err:  "body must be JSON (Content-Type: application/json), not application/x-www-form-urlencoded",
		},
		{
			name: "no body: nested required fields",
			src:  request(org("acme"), nil, nil, ""),
			want: userIn{Org: "acme", Limit: 20},
			err:  "body.username is required",
		},
		{
			name: "missing path parameter",
			src:  request(nil, nil, nil, `{"username":"ana"}`),
			want: userIn{Limit: 20, Body: jsonUser{Username: "ana"}},
			err:  "path.org is required",
		},
		{
			name: "content type with charset and a +json type",
			src:  &Values{Path: org("acme"), RawBody: []byte(`{"username":"ana"}`), ContentType: "application/merge-patch+json; charset=utf-8"},
			want: userIn{Org: "acme", Limit: 20, Body: jsonUser{Username: "ana"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got userIn
			err := b.Bind(tt.src, &got)
			if tt.err == "" && err != nil {
				t.Fatalf("Bind: %v", err)
			}
			if tt.err != "" {
				var be *Error
				if !errors.As(err, &be) {
					t.Fatalf("Bind error = %v (%T), want *Error %q", err, err, tt.err)
				}
				if err.Error() != tt.err {
					t.Errorf("Bind error:\n got %s\nwant %s", err, tt.err)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bind value:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBindFieldErrors(t *testing.T) {
	b, err := Compile(reflect.TypeFor[userIn](), []string{"org"})
	if err != nil {
		t.Fatal(err)
	}
	var in userIn
	err = b.Bind(request(org("acme"), map[string][]string{"limit": {"0"}}, map[string][]string{"X-Request-Id": {"x"}}, `{"username":"ana","address":{"zip":1}}`), &in)
	var be *Error
	if !errors.As(err, &be) {
		t.Fatal(err)
	}
	want := []FieldError{
		{Field: "query.limit", In: InQuery, Reason: "must be at least 1"},
		{Field: "header.X-Request-Id", In: InHeader, Reason: "must be a UUID"},
		{Field: "body.address.zip", In: InBody, Reason: "must be a string"},
	}
	if !reflect.DeepEqual(be.Fields, want) {
		t.Errorf("Fields = %+v\nwant %+v", be.Fields, want)
	}
	var fe FieldError
	if !errors.As(err, &fe) || fe.Field != "query.limit" {
		t.Errorf("errors.As(FieldError) = %+v", fe)
	}
}

func TestBindWrongDestination(t *testing.T) {
	b, err := Compile(reflect.TypeFor[userIn](), []string{"org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, dst := range []any{userIn{}, (*userIn)(nil), &jsonUser{}, nil} {
		err := b.Bind(request(org("acme"), nil, nil, ""), dst)
		var be *Error
		if err == nil || errors.As(err, &be) || !strings.Contains(err.Error(), "bind: Bind needs a non-nil *bind.userIn") {
			t.Errorf("Bind(%T) = %v", dst, err)
		}
	}
}

func TestBindLimitsErrors(t *testing.T) {
	type item struct {
		N int `json:"n" validate:"min=1"`
	}
	b, err := Compile(reflect.TypeFor[struct{ Body []item }](), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := "[" + strings.Repeat(`{"n":0},`, 29) + `{"n":0}]`
	var in struct{ Body []item }
	err = b.Bind(request(nil, nil, nil, body), &in)
	var be *Error
	if !errors.As(err, &be) || len(be.Fields) != MaxFieldErrors || be.Omitted != 10 {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasSuffix(err.Error(), "body[19].n must be at least 1; and 10 more problems") {
		t.Errorf("message = %s", err)
	}
}

// bodyKinds has a field of each kind the decoder knows.
type bodyKinds struct {
	S   string             `json:"s"`
	B   bool               `json:"b"`
	I8  int8               `json:"i8"`
	U16 uint16             `json:"u16"`
	F32 float32            `json:"f32"`
	N   json.Number        `json:"n"`
	Raw json.RawMessage    `json:"raw"`
	Any any                `json:"any"`
	T   time.Time          `json:"t"`
	IP  netip.Addr         `json:"ip"`
	Bs  []byte             `json:"bs"`
	Arr [2]int             `json:"arr"`
	M   map[int]string     `json:"m"`
	MT  map[netip.Addr]int `json:"mt"`
	Q   int64              `json:"q,string"`
	QP  *bool              `json:"qp,string"`
	QS  string             `json:"qs,string"`
	P   **int              `json:"p"`
	embeddedKinds
	*EmbeddedPtr
}

type embeddedKinds struct {
	E string `json:"e"`
}

type EmbeddedPtr struct {
	EP int `json:"ep"`
}

func TestBindBodyKinds(t *testing.T) {
	b, err := Compile(reflect.TypeFor[struct{ Body bodyKinds }](), nil)
	if err != nil {
		t.Fatal(err)
	}
	two := 2
	pTwo := &two
	yes := true
	tests := []struct {
		name string
		body string
		want bodyKinds
		err  string
	}{
		{
			name: "all valid",
			body: `{"s":"a\u00e9\ud83d\ude00","b":true,"i8":-128,"u16":65535,"f32":1.5,"n":1e3,"raw":{"x":[1]},"any":{"k":[1,"two",null,true]},
				"t":"2024-01-02T03:04:05.5+01:00","ip":"::1","bs":"aGk=","arr":[7],"m":{"-1":"x"},"mt":{"10.0.0.1":1},
				"q":"42","qp":"true","qs":"\"hi\"","p":2,"e":"emb","ep":9}`,
			want: bodyKinds{S: "aé😀", B: true, I8: -128, U16: 65535, F32: 1.5, N: "1e3", Raw: json.RawMessage(`{"x":[1]}`),
				Any: map[string]any{"k": []any{1.0, "two", nil, true}}, T: time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.FixedZone("", 3600)),
				IP: netip.MustParseAddr("::1"), Bs: []byte("hi"), Arr: [2]int{7, 0}, M: map[int]string{-1: "x"},
				MT: map[netip.Addr]int{netip.MustParseAddr("10.0.0.1"): 1}, Q: 42, QP: &yes, QS: "hi", P: &pTwo,
				embeddedKinds: embeddedKinds{E: "emb"}, EmbeddedPtr: &EmbeddedPtr{EP: 9}},
		},
		{
			name: "each kind refuses the wrong JSON type",
			body: `{"s":1,"b":"true","i8":128,"u16":-1,"f32":1e39,"n":"1","t":"2024-01-02","ip":"x","bs":"!!","arr":{},"m":{"x":"y"},"q":42,"qp":"yes","qs":"hi"}`,
			want: bodyKinds{M: map[int]string{}, QP: new(bool)},
			err: "body.s must be a string; body.b must be true or false; body.i8 must be an integer between -128 and 127; " +
				"body.u16 must be an integer between 0 and 65535; body.f32 must be a number in the range of float32; body.n must be a number; " +
				"body.t must be an RFC 3339 date-time string; " + `body.ip is invalid: ParseAddr("x"): unable to parse IP; ` +
				"body.bs must be a base64-encoded string; body.arr must be an array; body.m.x has a key that must be an integer; " +
				"body.q must be a string holding an integer; body.qp must be a string holding true or false; body.qs must be a string holding a JSON string",
		},
		{
			name: "null where Go has a pointer, an interface or a self-decoding type",
			body: `{"any":null,"raw":null,"qp":null,"p":null}`,
			want: bodyKinds{Raw: json.RawMessage("null")},
		},
		{
			name: "invalid UTF-8 and lone surrogates become U+FFFD, as encoding/json",
			body: "{\"s\":\"a\xffb\\ud800c\"}",
			want: bodyKinds{S: "a\ufffdb\ufffdc"},
		},
		{
			name: "duplicate keys: the last wins",
			body: `{"s":"a","s":"b","arr":[1,2,3]}`,
			want: bodyKinds{S: "b", Arr: [2]int{1, 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct{ Body bodyKinds }
			err := b.Bind(request(nil, nil, nil, tt.body), &got)
			if tt.err == "" && err != nil {
				t.Fatalf("Bind: %v", err)
			}
			if tt.err != "" && (err == nil || err.Error() != tt.err) {
				t.Errorf("Bind error:\n got %v\nwant %s", err, tt.err)
			}
			if !reflect.DeepEqual(got.Body, tt.want) {
				t.Errorf("Bind value:\n got %#v\nwant %#v", got.Body, tt.want)
			}
			if tt.err == "" {
				// encoding/json agrees on what was accepted.
				var ref bodyKinds
				if err := json.Unmarshal([]byte(tt.body), &ref); err != nil {
					t.Fatalf("encoding/json: %v", err)
				}
				if !reflect.DeepEqual(ref, tt.want) {
					t.Errorf("encoding/json value:\n got %#v\nwant %#v", ref, tt.want)
				}
			}
		})
	}
}

func TestBindBodyShapes(t *testing.T) {
	type strictItem struct {
		ID string `json:"id" validate:"required"`
	}
	type loose struct {
		_  struct{} `additionalProperties:"true"`
		ID string   `json:"id"`
	}
	tests := []struct {
		name string
		typ  reflect.Type
		body string
		err  string
	}{
		{"required pointer body absent", reflect.TypeFor[struct {
			Body *strictItem `validate:"required"`
		}](), "", "body is required"},
		{"required pointer body null", reflect.TypeFor[struct {
			Body *strictItem `validate:"required"`
		}](), "null", "body is required"},
		{"optional pointer body absent", reflect.TypeFor[struct{ Body *strictItem }](), "", ""},
		{"required struct body absent", reflect.TypeFor[struct {
			Body strictItem `validate:"required"`
		}](), "  \n", "body is required"},
		{"required struct body sent empty", reflect.TypeFor[struct {
			Body strictItem `validate:"required"`
		}](), "{}", "body.id is required"},
		{"required struct body sent", reflect.TypeFor[struct {
			Body struct {
				N int `json:"n"`
			} `validate:"required"`
		}](), "{}", ""},
		{"slice body with rules", reflect.TypeFor[struct {
			Body []strictItem `validate:"min=1"`
		}](), "[]", "body must have at least 1 item"},
		{"slice body elements", reflect.TypeFor[struct{ Body []strictItem }](), `[{"id":"a"},{"id":""}]`, "body[1].id is required"},
		{"map body", reflect.TypeFor[struct {
			Body map[string]int `validate:"max=1"`
		}](), `{"a":1,"b":2}`, "body must have at most 1 entry"},
		{"string body", reflect.TypeFor[struct {
			Body string `validate:"email"`
		}](), `"x"`, "body must be an email address"},
		{"unknown fields allowed", reflect.TypeFor[struct{ Body loose }](), `{"id":"a","extra":{"x":[1]}}`, ""},
		{"nesting too deep", reflect.TypeFor[struct{ Body any }](), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
			"body must be valid JSON: nesting deeper than 10000 levels at offset 10001"},
		{"map keys with dots are quoted", reflect.TypeFor[struct {
			Body map[string]int `validate:"dive,min=1"`
		}](), `{"a.b":0}`, `body["a.b"] must be at least 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Compile(tt.typ, nil)
			if err != nil {
				t.Fatal(err)
			}
			dst := reflect.New(tt.typ).Interface()
			err = b.Bind(request(nil, nil, nil, tt.body), dst)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err {
				t.Errorf("Bind error:\n got %s\nwant %s", got, tt.err)
			}
		})
	}
}

// A field that failed to decode is not reported again by its rules.
func TestBindReportsEachFieldOnce(t *testing.T) {
	type in struct {
		Body struct {
			Name string   `json:"name" validate:"required"`
			Addr jsonAddr `json:"addr"`
		}
	}
	b, err := Compile(reflect.TypeFor[in](), nil)
	if err != nil {
		t.Fatal(err)
	}
	var v in
	err = b.Bind(request(nil, nil, nil, `{"name":1,"addr":[]}`), &v)
	if want := "body.name must be a string; body.addr must be an object"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestBindEmbeddedParameters(t *testing.T) {
	b, err := Compile(reflect.TypeFor[okInput](), []string{"org", "path"})
	if err != nil {
		t.Fatal(err)
	}
	var in okInput
	err = b.Bind(request(map[string]string{"org": "o", "path": "a/b"}, map[string][]string{"cursor": {"c1"}, "size": {"1.5", "2"}, "addr": {"::1"}}, map[string][]string{"x-tag": {"a", "b"}}, `{"A":1}`), &in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Limit != 20 || in.Cursor != "c1" || in.Path != "a/b" || !reflect.DeepEqual(in.Tags, []string{"a", "b"}) || in.Body.A != 1 ||
		!reflect.DeepEqual(in.Sizes, []float32{1.5, 2}) || in.Addrs[0] != netip.MustParseAddr("::1") {
		t.Errorf("in = %+v", in)
	}
}

type treeNode struct {
	Name     string      `json:"name" validate:"required"`
	Children []*treeNode `json:"children,omitempty" validate:"max=2"`
}

func TestBindRecursiveType(t *testing.T) {
	b, err := Compile(reflect.TypeFor[struct{ Body treeNode }](), nil)
	if err != nil {
		t.Fatal(err)
	}
	var in struct{ Body treeNode }
	err = b.Bind(request(nil, nil, nil, `{"name":"a","children":[{"name":"b","children":[{"name":""},null,{"name":"d"}]}]}`), &in)
	if want := "body.children[0].children must have at most 2 items"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	in = struct{ Body treeNode }{}
	err = b.Bind(request(nil, nil, nil, `{"name":"a","children":[{"name":"b","children":[{"name":""},null]}]}`), &in)
	if want := "body.children[0].children[0].name is required"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
