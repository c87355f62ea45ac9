package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// ---- Lambda permissions (resource policy statements) ----

// permission is one statement of a function's resource policy.
type permission struct {
	function, principal, sourceARN string
}

// missingPermissions returns the permissions not yet in the functions'
// policies. Functions that do not exist yet miss every permission.
func (x *executor) missingPermissions(ctx context.Context, perms []permission) ([]permission, error) {
	policies := map[string]string{}
	var missing []permission
	for _, p := range perms {
		pol, ok := policies[p.function]
		if !ok {
			out, err := x.c.Lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(p.function)})
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("lambda:GetPolicy %s: %w", p.function, err)
			}
			if err == nil {
				pol = deref(out.Policy)
			}
			policies[p.function] = pol
		}
		if !hasPermission(pol, statementID(p.principal, p.sourceARN), p.principal, p.sourceARN) {
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
		ins = append(ins, addPermission(func() permission { return p }, p.function+" "+p.principal))
	}
	return ins
}

// addPermission adds the permission p returns when it runs (its source
// may hold an id learnt earlier in the step); target is what the plan
// shows.
func addPermission(p func() permission, target string) Instruction {
	return apiCall("lambda", "AddPermission", target, func(ctx context.Context, x *executor) error {
		p := p()
		_, err := x.c.Lambda.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(p.function), Action: aws.String("lambda:InvokeFunction"),
			Principal: aws.String(p.principal), SourceArn: aws.String(p.sourceARN), StatementId: aws.String(statementID(p.principal, p.sourceARN))})
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
		ins = append(ins, addPermission(func() permission { return perms(id.value)[i] }, p.function+" "+p.principal))
	}
	return ins
}
