package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/deploy/state"
	"github.com/gochalice/chalice/internal/report"
)

// conflicting is a backend whose writes always conflict.
type conflicting struct{}

func (conflicting) Load(context.Context) (*state.Deployed, error) { return &state.Deployed{}, nil }
func (conflicting) Save(context.Context, *state.Deployed) error {
	return fmt.Errorf("%w: s3://b/dev.json changed since this deploy read it; re-run it once the other one is done", state.ErrConflict)
}
func (conflicting) Location() string { return "s3://b/dev.json" }

func TestExecutorErrors(t *testing.T) {
	record := Step{Resource: "default-role", Instructions: []Instruction{act(func(ctx context.Context, x *executor) error {
		return x.record(ctx, state.Record{Name: "default-role", ResourceType: "iam_role"})
	})}}
	failing := Step{Resource: "api_handler", Instructions: []Instruction{act(func(ctx context.Context, x *executor) error { return errors.New("boom") })}}
	for _, tt := range []struct {
		name    string
		backend state.Backend
		verb    string
		step    Step
		want    string
	}{
		// A failed state write is reported once (it used to be saved again
		// and printed twice).
		{"conflict", conflicting{}, "deploying", record, "the deployed state was changed by another deploy: s3://b/dev.json changed since this deploy read it; re-run it once the other one is done"},
		{"deploy step", &state.File{Path: t.TempDir() + "/dev.json"}, "deploying", failing, "deploying api_handler: boom"},
		{"delete step", &state.File{Path: t.TempDir() + "/dev.json"}, "deleting", failing, "deleting api_handler: boom"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := &executor{o: &Options{Backend: tt.backend}, state: &state.Deployed{}, verb: tt.verb}
			err := x.run(context.Background(), &Plan{Steps: []Step{tt.step}})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Count(err.Error(), "changed since") > 1 {
				t.Errorf("printed twice: %v", err)
			}
		})
	}
}

// The printed plan and the executed plan are one list: Print shows each
// call (with its detail) and each run-time lookup in the order the
// executor runs them, and the executor reports each step with a message
// as one timed step.
func TestPlanPrintAndRun(t *testing.T) {
	var ran []string
	do := func(what string) func(context.Context, *executor) error {
		return func(context.Context, *executor) error {
			ran = append(ran, what)
			return nil
		}
	}
	id := &runValue{name: "rest_api.rest_api_id"}
	p := &Plan{Steps: []Step{
		{Resource: "rest_api", Message: "Creating Rest API", Instructions: []Instruction{
			apiCall("apigateway", "CreateRestApi", "sample", do("create")).detailed("EDGE"),
			act(do("record")),
			apiCall("apigateway", "PutRestApi", id.String(), do("put")),
			lookup("look up the resource ids", do("lookup")),
			apiCall("apigateway", "PutIntegration", "OPTIONS /cors", do("integration")),
		}},
		{Resource: "quiet", Instructions: []Instruction{act(do("order"))}},
	}}
	var b strings.Builder
	p.Print(&b)
	want := "Creating Rest API\n  apigateway:CreateRestApi sample (EDGE)\n  apigateway:PutRestApi ${rest_api.rest_api_id}\n  then look up the resource ids\n  apigateway:PutIntegration OPTIONS /cors\n3 mutating calls planned.\n"
	if b.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", b.String(), want)
	}
	rec := &report.Recorder{}
	x := &executor{o: &Options{Backend: &state.File{Path: t.TempDir() + "/dev.json"}}, rep: rec, state: &state.Deployed{}}
	if err := x.run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ran, " "); got != "create record put lookup integration order" {
		t.Errorf("ran %s", got)
	}
	if ev := rec.Events(); len(ev) != 2 || ev[0] != (report.Event{Kind: "step", Msg: "Creating Rest API"}) || ev[1].Kind != "done" || ev[1].Err != nil {
		t.Errorf("reported %+v", ev)
	}
	var empty strings.Builder
	(&Plan{Steps: []Step{{Resource: "quiet", Instructions: []Instruction{act(do("x"))}}}}).Print(&empty)
	if empty.String() != "Nothing to do: every resource is up to date (0 mutating calls).\n" {
		t.Errorf("empty plan printed %q", empty.String())
	}
}
