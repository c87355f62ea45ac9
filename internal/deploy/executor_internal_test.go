package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gochalice/chalice/internal/deploy/state"
)

// conflicting is a backend whose writes always conflict.
type conflicting struct{}

func (conflicting) Load(context.Context) (*state.Deployed, error) { return &state.Deployed{}, nil }
func (conflicting) Save(context.Context, *state.Deployed) error {
	return fmt.Errorf("%w: s3://b/dev.json changed since this deploy read it; re-run it once the other one is done", state.ErrConflict)
}
func (conflicting) Location() string { return "s3://b/dev.json" }

func TestExecutorErrors(t *testing.T) {
	record := Step{Resource: "default-role", run: func(ctx context.Context, x *executor) error {
		return x.record(ctx, state.Record{Name: "default-role", ResourceType: "iam_role"})
	}}
	failing := Step{Resource: "api_handler", run: func(ctx context.Context, x *executor) error { return errors.New("boom") }}
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
			x := &executor{o: &Options{Backend: tt.backend, Out: io.Discard}, state: &state.Deployed{}, verb: tt.verb}
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
