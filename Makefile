# Baken: `make help` lists the targets.
BAKEN_TEST_POSTGRES ?=
export BAKEN_TEST_POSTGRES

.PHONY: help run build test bench lint fuzz faults

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

run: ## run Baken (SQLite in ./baken-data, http://127.0.0.1:8080)
	go run ./cmd/baken serve

build: ## build bin/baken
	go build -o bin/baken ./cmd/baken

test: ## run every test (PostgreSQL ones too when BAKEN_TEST_POSTGRES is set)
	go test -count=1 ./...

bench: ## run the benchmarks and print Baken's figures (docs/benchmarks.md)
	go test -run '^$$' -bench . -benchmem ./internal/...
	go run ./cmd/baken bench

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...

fuzz: ## run every fuzz target for 30 s each
	@for pkg in $$(go list ./internal/...); do \
	  for f in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    go test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$pkg || exit 1; \
	  done; \
	done

faults: ## the fault tests, long: 120 kills per engine, PostgreSQL down for 30 s (docs/notifications.md)
	BAKEN_FAULT_KILLS=120 BAKEN_FAULT_OUTAGE=30s go test -count=1 -v -timeout 60m \
	  -run 'TestPipelineConcurrent|TestPipelineAfterKills|TestDeliveryAfterKills|TestDatabaseOutage' ./internal/cli/
