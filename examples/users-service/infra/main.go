// Command infra is the users service's CDK app: one WebApi stack per
// environment. `cdk synth` / `cdk deploy WebApiDev` run it (see cdk.json);
// `go run .` alone writes the cloud assembly to cdk.out.
package main

import (
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/gochalice/examples/users-service/infra/stacks"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	defineStacks(app)
	app.Synth(nil)
}

// defineStacks adds the three environments: a personal development one in
// the account and region of the current AWS profile, and production in two
// regions of the production account.
func defineStacks(app awscdk.App) []*stacks.WebApi {
	devEnv := &awscdk.Environment{
		Account: jsii.String(envOr("CDK_DEFAULT_ACCOUNT", "111111111111")),
		Region:  jsii.String(envOr("CDK_DEFAULT_REGION", "us-west-2")),
	}
	prodEuWest1 := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}
	prodUsEast1 := &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}
	return []*stacks.WebApi{
		stacks.NewWebApi(app, "WebApiDev", &stacks.WebApiProps{StackProps: awscdk.StackProps{Env: devEnv}}),
		stacks.NewWebApi(app, "WebApiProdEuWest1", &stacks.WebApiProps{StackProps: awscdk.StackProps{Env: prodEuWest1}}),
		stacks.NewWebApi(app, "WebApiProdUsEast1", &stacks.WebApiProps{StackProps: awscdk.StackProps{Env: prodUsEast1}}),
	}
}

// envOr is the environment variable, or def when it is unset or empty
// (CDK_DEFAULT_* are set by the cdk CLI from the current AWS profile; the
// fallback lets the app synthesize offline without credentials).
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
