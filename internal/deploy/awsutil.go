package deploy

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// errorCode returns the AWS error code of err ("" when it is not an API error).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isNotFound reports the "it does not exist" errors of the services used.
func isNotFound(err error) bool {
	switch errorCode(err) {
	// SNS answers NotFound for a subscription or topic that is gone.
	case "ResourceNotFoundException", "NoSuchEntity", "NotFoundException", "NoSuchEntityException", "NotFound":
		return true
	}
	return false
}

// transient reports errors worth trying again later: no answer (network,
// timeout), a server error, or throttling.
func transient(err error) bool {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil && re.HTTPStatusCode() >= 100 {
		code := re.HTTPStatusCode()
		return code >= 500 || code == 429 || strings.Contains(errorCode(err), "Throttl") || errorCode(err) == "TooManyRequestsException"
	}
	return !errors.Is(explain(err), ErrNoCredentials)
}

// isRolePropagation reports Lambda's errors while a new IAM role is not
// yet usable (IAM is eventually consistent).
func isRolePropagation(err error) bool {
	if errorCode(err) != "InvalidParameterValueException" {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "cannot be assumed by Lambda") ||
		strings.Contains(msg, "role defined for the function cannot be assumed") ||
		strings.Contains(msg, "does not have permissions to call CreateNetworkInterface")
}

// sameJSON compares two JSON documents (a may be URL-encoded, as IAM
// returns policy documents).
func sameJSON(remote string, want any) bool {
	if dec, err := url.QueryUnescape(remote); err == nil {
		remote = dec
	}
	var a any
	if err := json.Unmarshal([]byte(remote), &a); err != nil {
		return false
	}
	raw, err := json.Marshal(want)
	if err != nil {
		return false
	}
	var b any
	if err := json.Unmarshal(raw, &b); err != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

func sha256Hex(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// arns builds ARNs for one account, region and partition.
type arns struct {
	Partition, Region, Account string
}

func (a arns) role(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.Account, name)
}

func (a arns) function(name string) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", a.Partition, a.Region, a.Account, name)
}

func (a arns) rule(name string) string {
	return fmt.Sprintf("arn:%s:events:%s:%s:rule/%s", a.Partition, a.Region, a.Account, name)
}

func (a arns) executeAPI(apiID, suffix string) string {
	return fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/%s", a.Partition, a.Region, a.Account, apiID, suffix)
}

func (a arns) invocationURI(functionARN string) string {
	return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", a.Partition, a.Region, functionARN)
}

func (a arns) dnsSuffix() string {
	if a.Partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

func (a arns) restAPIURL(id, stage string) string {
	return fmt.Sprintf("https://%s.execute-api.%s.%s/%s/", id, a.Region, a.dnsSuffix(), stage)
}

// policyStatement is one statement of a Lambda resource policy, with its
// service principal and SourceArn conditions.
type policyStatement struct {
	sid, principal string
	sources        []string
}

// policyStatements reads a Lambda resource policy (GetPolicy's JSON).
func policyStatements(policy string) []policyStatement {
	var doc struct {
		Statement []struct {
			Sid       string
			Principal any
			Condition map[string]map[string]any
		}
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return nil
	}
	var out []policyStatement
	for _, st := range doc.Statement {
		ps := policyStatement{sid: st.Sid}
		p := st.Principal
		if m, ok := p.(map[string]any); ok {
			p = m["Service"]
		}
		ps.principal, _ = p.(string)
		for _, cond := range st.Condition {
			for k, v := range cond {
				if s, ok := v.(string); ok && strings.EqualFold(k, "AWS:SourceArn") {
					ps.sources = append(ps.sources, s)
				}
			}
		}
		out = append(out, ps)
	}
	return out
}

// hasPermission reports whether a Lambda resource policy (GetPolicy's
// JSON) already lets principal invoke the function from sourceARN, either
// through gochalice's statement id or an equivalent statement (one Chalice
// added with a random id).
func hasPermission(policy, sid, principal, sourceARN string) bool {
	for _, st := range policyStatements(policy) {
		if st.sid == sid || st.principal == principal && slices.Contains(st.sources, sourceARN) {
			return true
		}
	}
	return false
}

// statementID is the deterministic statement id of a permission.
func statementID(principal, sourceARN string) string {
	return "gochalice-" + sha256Hex([]byte(principal), []byte(sourceARN))[:24]
}

// ErrNoCredentials marks errors caused by missing AWS credentials.
var ErrNoCredentials = errors.New("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or choose a profile")

// explain makes the commonest AWS failures readable: missing credentials,
// and access denied (naming the action; AWS's message names the resource).
func explain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "get credentials:") || strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "failed to refresh cached credentials") {
		return fmt.Errorf("%w (%v)", ErrNoCredentials, err)
	}
	switch errorCode(err) {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
		var oe *smithy.OperationError
		action := ""
		if errors.As(err, &oe) {
			action = strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", "")) + ":" + oe.OperationName
		}
		var ae smithy.APIError
		errors.As(err, &ae)
		return fmt.Errorf("access denied to %s: %s (grant it to the deploying identity; %w)", action, ae.ErrorMessage(), err)
	}
	return err
}

// hexOfBase64 turns Lambda's base64 CodeSha256 into hex (for S3 keys).
func hexOfBase64(b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return sha256Hex([]byte(b64))
	}
	return hex.EncodeToString(raw)
}
