package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// ---- Lambda permissions (resource policy statements) ----

// permission is one statement of a function's resource policy.
type permission struct {
	function, principal, sourceARN string
	// qualifier is the alias the statement is on ("": the unqualified
	// function); a caller invoking the alias needs it there.
	qualifier string
	// action is lambda:InvokeFunction when "".
	action string
	// urlAuthType is lambda:InvokeFunctionUrl's FunctionUrlAuthType.
	urlAuthType string
	// viaURL limits lambda:InvokeFunction to calls through the Function
	// URL (InvokedViaFunctionUrl).
	viaURL bool
	// id is the statement id when set (else derived from principal and
	// source).
	id string
}

func (p permission) sid() string {
	if p.id != "" {
		return p.id
	}
	return statementID(p.principal, p.sourceARN)
}

func (p permission) actionName() string {
	if p.action == "" {
		return "lambda:InvokeFunction"
	}
	return p.action
}

// label is what the plan shows as the permission's target.
func (p permission) label() string {
	s := p.function
	if p.qualifier != "" {
		s += ":" + p.qualifier
	}
	s += " " + p.principal
	if p.action != "" {
		s += " " + p.action
	}
	return s
}

// missingPermissions returns the permissions not yet in the functions'
// policies. Functions that do not exist yet miss every permission.
func (x *executor) missingPermissions(ctx context.Context, perms []permission) ([]permission, error) {
	policies := map[string]string{}
	var missing []permission
	for _, p := range perms {
		key := p.function + ":" + p.qualifier
		pol, ok := policies[key]
		if !ok {
			out, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(p.function), Qualifier: optional(p.qualifier)})
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("lambda:GetPolicy %s: %w", p.label(), err)
			}
			if err == nil {
				pol = deref(out.Policy)
			}
			policies[key] = pol
		}
		if !hasPermission(pol, p.sid(), p.principal, p.sourceARN) {
			missing = append(missing, p)
		}
	}
	return missing, nil
}

// permissionCalls are the instructions adding perms, one AddPermission
// each. A permission already added (a retried call whose first answer was
// lost) is fine.
func permissionCalls(perms []permission) []Instruction {
	var ins []Instruction
	for _, p := range perms {
		ins = append(ins, addPermission(func() permission { return p }, p.label()))
	}
	return ins
}

// addPermission adds the permission p returns when it runs (its source
// may hold an id learnt earlier in the step); target is what the plan
// shows.
func addPermission(p func() permission, target string) Instruction {
	return apiCall("lambda", "AddPermission", target, func(ctx context.Context, x *executor) error {
		p := p()
		in := &lambda.AddPermissionInput{FunctionName: aws.String(p.function), Action: aws.String(p.actionName()),
			Principal: aws.String(p.principal), SourceArn: optional(p.sourceARN), StatementId: aws.String(p.sid()), Qualifier: optional(p.qualifier)}
		if p.urlAuthType != "" {
			in.FunctionUrlAuthType = ltypes.FunctionUrlAuthType(p.urlAuthType)
		}
		if p.viaURL {
			in.InvokedViaFunctionUrl = aws.Bool(true)
		}
		_, err := x.c.Lambda.AddPermission(ctx, in)
		if err != nil && errorCode(err) != "ResourceConflictException" {
			return err
		}
		return nil
	})
}

// newPermissionCalls are the AddPermission instructions of permissions of
// an API whose id is learnt at run time (id.value is set by then).
func newPermissionCalls(id *runValue, perms func(id string) []permission) []Instruction {
	var ins []Instruction
	for i, p := range perms(id.String()) {
		ins = append(ins, addPermission(func() permission { return perms(id.value)[i] }, p.label()))
	}
	return ins
}

// removeStatements removes the statements with these ids from the
// policy of the function (on qualifier); a missing function, policy or
// statement is fine.
func (x *executor) removeStatements(ctx context.Context, function, qualifier string, ids ...string) error {
	for _, id := range ids {
		_, err := x.c.Lambda.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(function), StatementId: aws.String(id), Qualifier: optional(qualifier)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("lambda:RemovePermission %s %s: %w", function, id, err)
		}
	}
	return nil
}
