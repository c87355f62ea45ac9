# gochalice developer commands. `make test` is what CI runs (.ci/run).
GO ?= go
# The CDK synth tests run Node 20 through jsii; this silences its end-of-life banner.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
MODULES := . internal/jsonschema/crosscheck examples/users-service/web-api bench cdk examples/users-service/infra

.PHONY: test serve bench fuzz faults vet

## test: every test of every module (needs python3 with moto for the AWS-backed tests)
test: vet
	@set -e; for m in $(MODULES); do \
		if [ -f $$m/go.mod ]; then echo "==> go test $$m"; (cd $$m && $(GO) test -count=1 ./...); fi; \
	done

vet:
	@set -e; for m in $(MODULES); do \
		if [ -f $$m/go.mod ]; then (cd $$m && $(GO) vet ./...); fi; \
	done

## serve: the users-service example on http://127.0.0.1:8000 with DynamoDB on a local moto server
serve:
	./scripts/serve-example

## bench: the benchmarks recorded in docs/PERFORMANCE.md
bench:
	cd bench && $(GO) test -run='^$$' -bench=. -benchmem ./...

## fuzz: each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./internal/proxyevent/
	$(GO) test -run='^$$' -fuzz=FuzzAppendResponse -fuzztime=$(FUZZTIME) ./internal/proxyevent/
	$(GO) test -run='^$$' -fuzz=FuzzHeaderValidation -fuzztime=$(FUZZTIME) ./internal/proxyevent/
	$(GO) test -run='^$$' -fuzz=FuzzRESTResponse -fuzztime=$(FUZZTIME) ./internal/gateway/check/
	$(GO) test -run='^$$' -fuzz=FuzzHTTPAPIResponse -fuzztime=$(FUZZTIME) ./internal/gateway/check/
	$(GO) test -run='^$$' -fuzz=FuzzAuthorizerAnswer -fuzztime=$(FUZZTIME) ./internal/gateway/check/
	$(GO) test -run='^$$' -fuzz=FuzzJWT -fuzztime=$(FUZZTIME) ./internal/gateway/check/
	$(GO) test -run='^$$' -fuzz=FuzzARNMatches -fuzztime=$(FUZZTIME) ./internal/gateway/check/
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./internal/route/
	$(GO) test -run='^$$' -fuzz=FuzzMatch -fuzztime=$(FUZZTIME) ./internal/route/
	$(GO) test -run='^$$' -fuzz=FuzzScheduleExpression -fuzztime=$(FUZZTIME) .
	$(GO) test -run='^$$' -fuzz=FuzzAuthorizerEvent -fuzztime=$(FUZZTIME) .
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./config/
	$(GO) test -run='^$$' -fuzz=FuzzParseTemplate -fuzztime=$(FUZZTIME) ./packager/
	$(GO) test -run='^$$' -fuzz=FuzzMarshalYAML -fuzztime=$(FUZZTIME) ./internal/sam/
	$(GO) test -run='^$$' -fuzz=FuzzRead -fuzztime=$(FUZZTIME) ./manifest/
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./internal/deploy/state/
	$(GO) test -run='^$$' -fuzz=FuzzLockInfo -fuzztime=$(FUZZTIME) ./internal/deploy/state/
	$(GO) test -run='^$$' -fuzz='^FuzzBind$$' -fuzztime=$(FUZZTIME) ./internal/bind/
	$(GO) test -run='^$$' -fuzz=FuzzDecodeMatchesEncodingJSON -fuzztime=$(FUZZTIME) ./internal/bind/
	$(GO) test -run='^$$' -fuzz=FuzzParseRules -fuzztime=$(FUZZTIME) ./internal/bind/
	$(GO) test -run='^$$' -fuzz=FuzzToDraft4 -fuzztime=$(FUZZTIME) ./internal/jsonschema/
	$(GO) test -run='^$$' -fuzz=FuzzConvertSchema -fuzztime=$(FUZZTIME) ./internal/swagger/
	cd internal/jsonschema/crosscheck && $(GO) test -run='^$$' -fuzz='^FuzzSchemaAgreesWithBinder$$' -fuzztime=$(FUZZTIME) .
	cd internal/jsonschema/crosscheck && $(GO) test -run='^$$' -fuzz=FuzzSchemaAgreesWithBinderNearValid -fuzztime=$(FUZZTIME) .

## faults: the full fault-injection sweep of deploys (every fault mode at every mutating call; CI runs a bounded set)
faults:
	GOCHALICE_FAULTS=full $(GO) test -count=1 -run TestFaultInjection -v -timeout 150m ./internal/deploy/
