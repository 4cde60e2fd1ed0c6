# ContactPoint. `make run` builds and starts the service on SQLite with
# synthetic demo data; `make test` runs the whole suite.

GO      ?= go
BIN     := bin/contactpoint
DB      ?= sqlite:demo/contactpoint.db
ADDR    ?= 127.0.0.1:8080

.PHONY: build run test vet bench clean

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/contactpoint

run: build
	@mkdir -p demo
	$(BIN) demo --db $(DB) --addr $(ADDR)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

test: vet
	$(GO) test -count=1 -timeout 20m ./...

bench: build
	$(BIN) bench --help

clean:
	rm -rf bin demo
