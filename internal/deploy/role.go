package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/gochalice/chalice/internal/appgraph"
	"github.com/gochalice/chalice/internal/deploy/state"
)

// ---- IAM role ----

func (pl *planner) role(ctx context.Context, r *appgraph.Role) ([]Step, error) {
	x := pl.x
	base := pl.built.Policies[r.ResourceName]
	policy, err := x.rolePolicy(r, base)
	if err != nil {
		return nil, err
	}
	rec := state.Record{Name: r.ResourceName, ResourceType: "iam_role", Fields: []state.Field{{Key: "role_name", Value: r.RoleName}, {Key: "role_arn", Value: x.arns.role(r.RoleName)}}}
	putPolicy := apiCall("iam", "PutRolePolicy", r.RoleName, func(ctx context.Context, x *executor) error {
		// The ARNs of what the role's function uses are known by now.
		policy, err := x.rolePolicy(r, base)
		if err != nil {
			return err
		}
		doc, err := json.Marshal(policy)
		if err != nil {
			return fmt.Errorf("encoding the policy of IAM role %s: %w", r.RoleName, err)
		}
		_, err = x.c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r.RoleName), PolicyName: aws.String(r.RoleName), PolicyDocument: aws.String(string(doc))})
		return err
	})
	got, err := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.RoleName)})
	if isNotFound(err) {
		create := apiCall("iam", "CreateRole", r.RoleName, func(ctx context.Context, x *executor) error {
			trust, _ := json.Marshal(appgraph.LambdaTrustPolicy)
			out, err := x.c.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.RoleName), AssumeRolePolicyDocument: aws.String(string(trust)),
				Tags: iamTags(x.ownTags(r.ResourceName))})
			switch {
			case errorCode(err) == "EntityAlreadyExists":
				// A create whose answer was lost and that the SDK sent
				// again: the role is ours, adopt it.
				got, gerr := x.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.RoleName)})
				if gerr != nil {
					return gerr
				}
				rec.Set("role_arn", deref(got.Role.Arn))
			case err != nil:
				return err
			default:
				rec.Set("role_arn", deref(out.Role.Arn))
			}
			return x.record(ctx, rec)
		})
		return []Step{{Resource: r.ResourceName, Message: "Creating IAM role: " + r.RoleName, Instructions: []Instruction{create, putPolicy}}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("iam:GetRole %s: %w", r.RoleName, err)
	}
	rec.Set("role_arn", deref(got.Role.Arn))
	have := map[string]string{}
	for _, t := range got.Role.Tags {
		have[deref(t.Key)] = deref(t.Value)
	}
	tags := x.missingTags(have, r.ResourceName)
	cur, err := x.c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(r.RoleName), PolicyName: aws.String(r.RoleName)})
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("iam:GetRolePolicy %s: %w", r.RoleName, err)
	}
	samePolicy := err == nil && sameJSON(deref(cur.PolicyDocument), policy)
	ins := []Instruction{recordIn(func() state.Record { return rec })}
	if tags != nil {
		ins = append(ins, apiCall("iam", "TagRole", r.RoleName, func(ctx context.Context, x *executor) error {
			_, err := x.c.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(r.RoleName), Tags: iamTags(tags)})
			return err
		}))
	}
	msg := ""
	if !samePolicy {
		ins = append(ins, putPolicy)
		msg = "Updating policy for IAM role: " + r.RoleName
	}
	return []Step{{Resource: r.ResourceName, Message: msg, Instructions: ins}}, nil
}

func iamTags(m map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}
