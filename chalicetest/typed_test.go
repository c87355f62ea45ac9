package chalicetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gochalice/chalice"
	"github.com/gochalice/chalice/chalicetest"
)

type pageQuery struct {
	Limit int `query:"limit" default:"10" validate:"min=1,max=50"`
}

type newNote struct {
	Text string   `json:"text" validate:"required,max=20"`
	Tags []string `json:"tags,omitempty"`
}

type noteIn struct {
	pageQuery
	Owner string     `path:"owner" validate:"min=2"`
	File  string     `path:"file"`
	Tags  []string   `query:"tag"`
	Since *time.Time `query:"since"`
	Trace string     `header:"X-Trace"`
	Skip  string     `bind:"-"`
	Body  *newNote
}

type note struct {
	Owner string   `json:"owner"`
	File  string   `json:"file"`
	Text  string   `json:"text"`
	Tags  []string `json:"tags"`
	Limit int      `json:"limit"`
	Since string   `json:"since"`
	Trace string   `json:"trace"`
	Who   string   `json:"who"`
}

type createdNote struct{ note }

func (createdNote) StatusCode() int { return http.StatusCreated }

func notesApp() *chalice.App {
	app := chalice.New("notes")
	auth := app.Authorizer(func(ctx context.Context, r *chalice.AuthRequest) (*chalice.AuthResponse, error) {
		if r.Token != "let-me-in" {
			return nil, chalice.ErrUnauthorized
		}
		return &chalice.AuthResponse{Routes: chalice.AllowRoutes("*"), PrincipalID: "ana"}, nil
	}, chalice.Name("auth"))
	chalice.Post(app, "/notes/{owner}/{file+}", func(ctx context.Context, in *noteIn) (*createdNote, error) {
		if in.Body == nil {
			return nil, nil
		}
		n := note{Owner: in.Owner, File: in.File, Text: in.Body.Text, Tags: in.Tags, Limit: in.Limit, Trace: in.Trace}
		if in.Since != nil {
			n.Since = in.Since.Format(time.RFC3339)
		}
		if req, ok := chalice.RequestFromContext(ctx); ok {
			n.Who, _ = req.Context.Authorizer["principalId"].(string)
		}
		return &createdNote{n}, nil
	}, chalice.WithAuthorizer(auth))
	return app
}

// TestCallTyped: Call fills the template, query, headers and body from
// the input struct, and decodes the typed answer; refusals are
// *StatusError with Chalice's Code and Message.
func TestCallTyped(t *testing.T) {
	for _, api := range []string{"rest", "http"} {
		t.Run(api, func(t *testing.T) {
			c := chalicetest.New(t, notesApp(), chalicetest.API(api), chalicetest.Warnings(func(string) {}))
			since := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
			in := noteIn{pageQuery: pageQuery{Limit: 3}, Owner: "ana", File: "dir/a.txt", Tags: []string{"x", "y"}, Since: &since,
				Trace: "t-1", Skip: "never sent", Body: &newNote{Text: "hello"}}
			auth := chalicetest.WithHeader("Authorization", "let-me-in")
			out, resp, err := chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}", in, auth)
			if err != nil {
				t.Fatal(err)
			}
			want := note{Owner: "ana", File: "dir/a.txt", Text: "hello", Tags: []string{"x", "y"}, Limit: 3, Since: "2024-05-06T07:08:09Z", Trace: "t-1", Who: "ana"}
			if resp.StatusCode != 201 || out.Owner != want.Owner || out.Text != want.Text || strings.Join(out.Tags, ",") != "x,y" ||
				out.Limit != 3 || out.Since != want.Since || out.Trace != "t-1" || api == "rest" && out.Who != "ana" {
				t.Errorf("Call = %d %+v, want 201 %+v", resp.StatusCode, out, want)
			}
			if out.File != want.File {
				t.Errorf("greedy parameter %q, want %q", out.File, want.File)
			}

			// A zero value is not sent, so the default applies; a zero in
			// the template's query string is.
			out, _, err = chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}", noteIn{Owner: "ana", File: "f", Body: &newNote{Text: "a"}}, auth)
			if err != nil || out.Limit != 10 {
				t.Errorf("default: %+v %v", out, err)
			}
			_, _, err = chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}?limit=0", noteIn{Owner: "ana", File: "f", Body: &newNote{Text: "a"}}, auth)
			if se, ok := errors.AsType[*chalicetest.StatusError](err); !ok || se.Message != "query.limit must be at least 1" {
				t.Errorf("limit=0: %v", err)
			}

			// No body: the handler answers nil, 204.
			out, resp, err = chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}", &noteIn{Owner: "ana", File: "f"}, auth)
			if err != nil || out != nil || resp.StatusCode != 204 {
				t.Errorf("nil output: %v %v %v", out, resp, err)
			}

			// Refused by the binder: a *StatusError naming the fields.
			bad := noteIn{pageQuery: pageQuery{Limit: 99}, Owner: "a", File: "f", Body: &newNote{Text: strings.Repeat("x", 30)}}
			_, resp, err = chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}", bad, auth)
			se, ok := errors.AsType[*chalicetest.StatusError](err)
			if !ok || se.StatusCode != 400 || se.Code != "BadRequestError" ||
				se.Message != "query.limit must be at most 50; path.owner must be at least 2 characters; body.text must be at most 20 characters" || resp == nil {
				t.Errorf("bad input: %v", err)
			}

			// Refused by the authorizer before the binder.
			_, _, err = chalicetest.Call[note](c, "POST", "/notes/{owner}/{file+}", bad)
			if se, ok := errors.AsType[*chalicetest.StatusError](err); !ok || se.StatusCode != 401 {
				t.Errorf("without a token: %v", err)
			}
		})
	}
}

// TestSendInputMistakes: an input that cannot describe a request for
// the template is an error before anything is sent.
func TestSendInputMistakes(t *testing.T) {
	c := chalicetest.New(t, notesApp(), chalicetest.Warnings(func(string) {}))
	type extra struct {
		Owner string `path:"owner"`
		File  string `path:"file"`
		Other string `path:"other"`
	}
	type wrongType struct {
		Owner chan int `path:"owner"`
		File  string   `path:"file"`
	}
	type badBody struct {
		Owner string `path:"owner"`
		File  string `path:"file"`
		Body  func()
	}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"not a struct", "ana", "the input string is not a struct"},
		{"template parameter without a field", struct {
			Owner string `path:"owner"`
		}{"ana"}, "template parameter {file} has no field tagged path:\"file\""},
		{"field without a template parameter", extra{"a", "b", "c"}, "field tagged path:\"other\", but template /notes/{owner}/{file+} has no {other}"},
		{"field type", wrongType{File: "f"}, "field Owner (path:\"owner\"): a chan int cannot be a parameter"},
		{"body", badBody{Owner: "a", File: "f", Body: func() {}}, "field Body: json: unsupported type: func()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send("POST", "/notes/{owner}/{file+}", tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Send: %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// nil input is no input.
	resp, err := c.Send("POST", "/notes/{owner}/{file+}", nil)
	if err == nil {
		t.Errorf("nil input for a template with parameters: %v", resp)
	}
}
