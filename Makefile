# scim-migrate: see README.md. Every target works on a fresh machine with Go.
GO        ?= go
BIN       := bin/scim-migrate
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# v2.15.1 builds with Go 1.26; v2.18.2 and later need a newer Go.
GORELEASER  := github.com/goreleaser/goreleaser/v2@v2.15.1

.PHONY: build test lint demo bench fuzz soak screenshot update-golden dist clean

# build: the tool, and the local tenant the README's first steps use.
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .
	$(GO) build -o bin/local-tenant ./examples/local-tenant

# test: the race detector on. Its runtime sleeps 1 s as each test binary
# exits, for reports of races still being found; testing has already failed
# every test during which one was seen, so the sleep only costs a second a
# package. -parallel 8: many tests wait on a tenant's (emulated) latency or a
# process they started, not on the CPU. GOGC=400: the tests' heaps are small,
# and collecting them less often saves a tenth of the suite's CPU.
test:
	GOGC=400 GORACE="atexit_sleep_ms=0 $(GORACE)" $(GO) test -race -count=1 -parallel 8 -timeout 15m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

demo: build
	./examples/demo.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/manifest/ ./internal/plan/
	$(GO) test -run '^$$' -bench 'ApplyEfficiency|Pace' -benchtime 1x ./internal/app/
	$(GO) test -run 'PrintScenarios' -v ./internal/pacer/
	$(GO) test -run '^$$' -bench 'AuditPage' -benchtime 1x ./internal/report/browsertest/

# fuzz: every parser for FUZZTIME each (crashers land in testdata/fuzz/ and
# then run in make test as regression seeds).
FUZZTIME ?= 10m
FUZZ_TARGETS := manifest:FuzzParseJSONManifest manifest:FuzzParseCSVManifest manifest:FuzzMatchName plan:FuzzDecodePlan runlog:FuzzReadRun tokenplan:FuzzDecodeTokenPlan
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; \
		echo "== $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./internal/$$pkg/; done

# soak: 10,000 connections through every fault at once (several minutes).
soak:
	$(GO) test -tags soak -run '^TestSoak$$' -count=1 -timeout 60m -v ./internal/app/

# docs/report.png, the README's picture: the demo's apply run in headless Chromium.
screenshot: build
	rm -rf demo-out && mkdir demo-out
	SCIM_MIGRATE_DEMO_DIR=$(CURDIR)/demo-out ./examples/demo.sh >/dev/null
	$(GO) run ./internal/report/cmd/screenshot --from demo-out/apply.jsonl --out docs/report.png

update-golden:
	$(GO) test ./internal/manifest/ ./internal/plan/ ./internal/report/ -update

# dist: the release archives (linux, darwin, windows × amd64, arm64) and their
# sha256 checksums in dist/, as configured in .goreleaser.yaml (each with the
# manual page, man/man1/scim-migrate.1). A snapshot:
# works without tags and on a dirty tree, and publishes nothing.
dist:
	$(GO) run $(GORELEASER) release --snapshot --clean

clean:
	rm -rf bin demo-out dist build
