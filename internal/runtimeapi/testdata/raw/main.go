// Command raw speaks the Runtime API by hand (standard library only) to
// exercise the parts aws-lambda-go never uses. RAW_MODE selects:
//
//	initerror  post /runtime/init/error, then hang until killed
//	protocol   for each invocation, probe the API and answer with what it saw
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

var base = "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/"

type probe struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

func do(method, url, body string) probe {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return probe{Status: -1, Body: err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return probe{Status: -1, Body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return probe{Status: resp.StatusCode, Body: string(b)}
}

func main() {
	switch os.Getenv("RAW_MODE") {
	case "initerror":
		p := do("POST", base+"init/error", `{"errorMessage":"config file missing","errorType":"Runtime.ConfigError"}`)
		fmt.Fprintf(os.Stderr, "raw: init/error answered %d\n", p.Status)
		time.Sleep(time.Hour)
	case "protocol":
		previous := ""
		for {
			resp, err := http.Get(base + "invocation/next")
			if err != nil {
				fmt.Fprintln(os.Stderr, "raw:", err)
				os.Exit(1)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				fmt.Fprintln(os.Stderr, "raw: /next answered", resp.StatusCode)
				os.Exit(1)
			}
			id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
			report := map[string]probe{
				"bogus_id":   do("POST", base+"invocation/not-a-request-id/response", `"x"`),
				"unknown":    do("GET", base+"no/such/endpoint", ""),
				"wrong_verb": do("DELETE", base+"invocation/next", ""),
			}
			if previous != "" {
				report["previous_id"] = do("POST", base+"invocation/"+previous+"/response", `"late"`)
			}
			b, _ := json.Marshal(report)
			if p := do("POST", base+"invocation/"+id+"/response", string(b)); p.Status != http.StatusAccepted {
				fmt.Fprintln(os.Stderr, "raw: /response answered", p.Status, p.Body)
				os.Exit(1)
			}
			previous = id
		}
	default:
		fmt.Fprintln(os.Stderr, "raw: set RAW_MODE")
		os.Exit(2)
	}
}
