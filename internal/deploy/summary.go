package deploy

import (
	"fmt"
	"io"

	"github.com/gochalice/chalice/internal/deploy/state"
)

// Resource is one deployed resource of the summary a deploy ends with
// (Chalice's "Resources deployed:").
type Resource struct {
	Name string `json:"name"` // record name in the deployed state
	// Kind is what the summary calls it: "Lambda ARN", "Rest API URL",
	// "HTTP API URL", "Function URL", "Websocket API URL", "Custom domain
	// name".
	Kind  string `json:"kind"`
	Value string `json:"value"` // the ARN or URL; the domain name of a custom domain
	// HostedZoneID and AliasDomainName are a custom domain's DNS target.
	HostedZoneID    string `json:"hosted_zone_id,omitempty"`
	AliasDomainName string `json:"alias_domain_name,omitempty"`
}

// Summary lists the resources of a deployed state that the summary
// shows, in the state's order.
func Summary(d *state.Deployed) []Resource {
	var out []Resource
	for _, r := range d.Resources {
		switch r.ResourceType {
		case "lambda_function":
			out = append(out, Resource{Name: r.Name, Kind: "Lambda ARN", Value: r.Get("lambda_arn")})
		case "rest_api":
			out = append(out, Resource{Name: r.Name, Kind: "Rest API URL", Value: r.Get("rest_api_url")})
		case "function_url":
			out = append(out, Resource{Name: r.Name, Kind: "Function URL", Value: r.Get("function_url")})
		case "http_api":
			out = append(out, Resource{Name: r.Name, Kind: "HTTP API URL", Value: r.Get("http_api_url")})
		case "websocket_api":
			out = append(out, Resource{Name: r.Name, Kind: "Websocket API URL", Value: r.Get("websocket_api_url")})
		case "domain_name":
			out = append(out, Resource{Name: r.Name, Kind: "Custom domain name", Value: r.Get("domain_name"),
				HostedZoneID: r.Get("hosted_zone_id"), AliasDomainName: r.Get("alias_domain_name")})
		}
	}
	return out
}

// WriteSummary writes the summary as Chalice's deploy ends:
//
//	Resources deployed:
//	  - Lambda ARN: arn:aws:lambda:...
//	  - Rest API URL: https://...
func WriteSummary(w io.Writer, rs []Resource) error {
	if _, err := fmt.Fprintln(w, "Resources deployed:"); err != nil {
		return err
	}
	for _, r := range rs {
		var err error
		if r.Kind == "Custom domain name" {
			_, err = fmt.Fprintf(w, "  - %s:\n      HostedZoneId: %s\n      AliasDomainName: %s\n", r.Kind, r.HostedZoneID, r.AliasDomainName)
		} else {
			_, err = fmt.Fprintf(w, "  - %s: %s\n", r.Kind, r.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
