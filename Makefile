# gochalice developer commands. `make test` is exactly what CI runs
# (.ci/run installs the tools, then runs it).
GO ?= go
# The CDK synth tests run Node 20 through jsii; this silences its end-of-life banner.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
# Screenshots and other files tests keep (the browser test's screenshots).
export GOCHALICE_ARTIFACTS ?= $(CURDIR)/.ci/artifacts
# Every Go module of the repository; vet, staticcheck, tidy and test run in each.
MODULES := . internal/jsonschema/crosscheck examples/users-service/web-api bench cdk examples/users-service/infra
# staticcheck from PATH, else from Go's bin directory (scripts/check-tools pins its version).
STATICCHECK = $(or $(shell command -v staticcheck 2>/dev/null),$(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)/staticcheck)

.PHONY: test check-tools fmt vet staticcheck tidy print-modules serve bench fuzz faults

## test: what CI runs: the tool check, vet, staticcheck, tidiness, then every test of every module.
## A missing tool fails the run (GOCHALICE_REQUIRE_TOOLS=1): no test is skipped for want of one.
test: export GOCHALICE_REQUIRE_TOOLS := 1
# -timeout: internal/deploy's moto and fault-injection suites run one after
# another and take about 10 minutes on two cores, go test's default limit.
test: check-tools fmt vet staticcheck tidy
	@./scripts/each-module "go test" $(MODULES) -- $(GO) test -count=1 -timeout 25m ./...

## check-tools: every program the tests need, or the command that installs the missing ones
check-tools:
	@GO=$(GO) ./scripts/check-tools

## fmt: every Go file of every module as gofmt writes it (the files it would change are listed)
fmt:
	@out=$$("$$($(GO) env GOROOT)/bin/gofmt" -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; echo "run: gofmt -w $$out"; exit 1; fi

vet:
	@./scripts/each-module "go vet" $(MODULES) -- $(GO) vet ./...

## staticcheck: staticcheck.conf says which checks are off and why
staticcheck:
	@./scripts/each-module staticcheck $(MODULES) -- $(STATICCHECK) ./...

## tidy: go.mod and go.sum of every module are what `go mod tidy` would write
tidy:
	@./scripts/each-module "go mod tidy -diff" $(MODULES) -- $(GO) mod tidy -diff

print-modules:
	@echo $(MODULES)

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
	GOCHALICE_FAULTS=full $(GO) test -count=1 -run 'TestFaultInjection|TestPlatformFaultInjection' -v -timeout 180m ./internal/deploy/
