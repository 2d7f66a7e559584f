# scim-migrate: see README.md. Every target works on a fresh machine with Go.
GO        ?= go
BIN       := bin/scim-migrate
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build test lint demo bench fuzz update-golden clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

test:
	$(GO) test -race -count=1 -timeout 15m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

demo: build
	./examples/demo.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/plan/
	$(GO) test -run '^$$' -bench ApplyEfficiency -benchtime 1x ./internal/app/

update-golden:
	$(GO) test ./internal/plan/ ./internal/report/ -update

clean:
	rm -rf bin
