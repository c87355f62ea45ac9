package cdk

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// CfnInclude reads a SAM template as CloudFormation: it resolves every
// Ref and Fn::GetAtt against the template's own resources, so it cannot
// read a reference to a resource the SAM transform generates later. Two
// features of the packaged template make such references:
//
//   - an output holding a Function URL (Fn::GetAtt <Fn>Url.FunctionUrl,
//     the URL the transform creates from FunctionUrlConfig): the construct
//     takes the output out of the included template and adds it back as a
//     stack output of its own with the same logical ID, whose value
//     (a GetAtt token) the transform resolves at deploy time;
//   - lambda_alias (AutoPublishAlias, with Ref <Fn>.Alias in the API,
//     permissions and event sources): refused, naming the functions.

// ErrAliasUnsupported is the cause of the PackageError returned when a
// function of the stage has lambda_alias.
var ErrAliasUnsupported = errors.New("lambda_alias is not supported by the CDK construct: CfnInclude cannot read the SAM transform's alias references (<Function>.Alias); deploy this stage with gochalice deploy or gochalice package, or remove lambda_alias (publish_versions alone works)")

// generatedOutput is an output of the packaged template whose value is
// an attribute of a resource the SAM transform generates.
type generatedOutput struct {
	resource, attribute string
}

// adaptForInclude refuses aliases and takes the outputs that name
// transform-generated resources out of tpl, returning them by name.
func adaptForInclude(tpl map[string]any) (map[string]generatedOutput, error) {
	resources, _ := tpl["Resources"].(map[string]any)
	var aliased []string
	for id, r := range resources {
		res, _ := r.(map[string]any)
		props, _ := res["Properties"].(map[string]any)
		if _, ok := props["AutoPublishAlias"]; ok {
			aliased = append(aliased, id)
		}
	}
	if len(aliased) > 0 {
		sort.Strings(aliased)
		return nil, fmt.Errorf("functions %s: %w", strings.Join(aliased, ", "), ErrAliasUnsupported)
	}
	outputs, _ := tpl["Outputs"].(map[string]any)
	generated := map[string]generatedOutput{}
	for name, o := range outputs {
		out, _ := o.(map[string]any)
		value, _ := out["Value"].(map[string]any)
		ga, _ := value["Fn::GetAtt"].([]any)
		if len(ga) != 2 {
			continue
		}
		id, _ := ga[0].(string)
		attr, _ := ga[1].(string)
		if _, known := resources[id]; known || id == "" {
			continue
		}
		generated[name] = generatedOutput{id, attr}
		delete(outputs, name)
	}
	return generated, nil
}

// addGeneratedOutputs adds the outputs adaptForInclude took out back to
// the stack, under the construct, with their logical IDs when the
// construct preserves them.
func (c *Chalice) addGeneratedOutputs(preserve bool) {
	names := make([]string, 0, len(c.generated))
	for name := range c.generated {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g := c.generated[name]
		out := awscdk.NewCfnOutput(c, jsii.String(name), &awscdk.CfnOutputProps{Value: c.generatedValue(g)})
		if preserve {
			out.OverrideLogicalId(jsii.String(name))
		}
	}
}

// generatedValue is a transform-generated resource's attribute as a token.
func (c *Chalice) generatedValue(g generatedOutput) *string {
	return awscdk.Token_AsString(awscdk.Fn_GetAtt(jsii.String(g.resource), jsii.String(g.attribute)), nil)
}
