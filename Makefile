# whatmatters: the two commands in the README are `make run` and `make check`.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
ADDR ?= 127.0.0.1:8080

.PHONY: run build check deps deps-check fmt-check vet staticcheck test-sqlite test-postgres test-e2e bench clean

run: deps build
	bin/whatmatters serve --demo --addr $(ADDR)

# The release build. packaging/Containerfile runs the same command (a test,
# packaging/packaging_test.go, checks they match and give the same binary):
# -trimpath and no VCS stamp make the binary depend only on the source and
# the toolchain; the version is given instead.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
BUILD_FLAGS = -trimpath -buildvcs=false -ldflags "-X main.version=$(VERSION)"

build:
	CGO_ENABLED=1 $(GO) build $(BUILD_FLAGS) -o bin/whatmatters ./cmd/whatmatters

deps:
	@scripts/install-deps.sh run

deps-check:
	@scripts/install-deps.sh check

# Every test: formatting, vet, staticcheck, the suite on SQLite and on a
# throwaway PostgreSQL, and the browser tests. The REQUIRE variables make
# tests fail, not skip, when a tool they need is missing.
check: export WHATMATTERS_REQUIRE_GLPSOL = 1
check: export WHATMATTERS_REQUIRE_CHROMIUM = 1
check: export WHATMATTERS_REQUIRE_SQLITE3 = 1
check: export WHATMATTERS_REQUIRE_PDFTOTEXT = 1
check: deps-check fmt-check vet staticcheck test-sqlite test-postgres test-e2e
	@echo "== make check: all passed"

fmt-check:
	@echo "== gofmt"
	@out=$$(git ls-files '*.go' | xargs gofmt -l); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	@echo "== go vet"
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/...

staticcheck:
	@echo "== staticcheck"
	bin/staticcheck ./...
	bin/staticcheck -tags e2e ./e2e/...

test-sqlite:
	@echo "== tests on SQLite"
	$(GO) test -race -count=1 -timeout 40m ./...

test-postgres:
	@echo "== tests on PostgreSQL"
	scripts/with-postgres.sh $(GO) test -race -count=1 -timeout 40m -p 1 ./...

test-e2e:
	@echo "== browser tests (headless Chromium)"
	WHATMATTERS_CHROMIUM=/usr/bin/chromium $(GO) test -tags e2e -count=1 -timeout 30m -v ./e2e/...

bench:
	@scripts/bench.sh

clean:
	rm -rf bin data
