package deploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestExplainAccessDenied(t *testing.T) {
	err := &smithy.OperationError{ServiceID: "Lambda", OperationName: "CreateFunction",
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: u is not authorized to perform: lambda:CreateFunction on resource: f"}}
	got := explain(err).Error()
	if !strings.HasPrefix(got, "access denied to lambda:CreateFunction: User: u is not authorized to perform: lambda:CreateFunction on resource: f (grant it") {
		t.Errorf("explain = %q", got)
	}
	if !errors.Is(explain(errors.New("get identity: get credentials: failed to refresh cached credentials")), ErrNoCredentials) {
		t.Error("credentials error not explained")
	}
	other := errors.New("boom")
	if explain(other) != other || explain(nil) != nil {
		t.Error("other errors must pass through")
	}
}
