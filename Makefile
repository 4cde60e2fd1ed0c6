# ContactPoint. `make run` builds and starts the service on SQLite with
# synthetic demo data; `make test` runs the whole suite.

GO      ?= go
BIN     := bin/contactpoint
DB      ?= sqlite:demo/contactpoint.db
ADDR    ?= 127.0.0.1:8080

.PHONY: build run test vet bench clean assets

# assets: GOV.UK Frontend (and axe-core for the accessibility tests) from
# npm, at the versions internal/web/package-lock.json pins; the compiled
# CSS, JS, fonts and images are copied into internal/web/static/govuk/,
# which the binary embeds (gitignored).
WEB     := internal/web
GOVUK   := $(WEB)/node_modules/govuk-frontend/dist/govuk

assets: $(WEB)/static/govuk/govuk-frontend.min.css

$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error

$(WEB)/static/govuk/govuk-frontend.min.css: $(WEB)/node_modules/.package-lock.json
	rm -rf $(WEB)/static/govuk && mkdir -p $(WEB)/static/govuk
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.js $(WEB)/static/govuk/
	cp -R $(GOVUK)/assets/fonts $(GOVUK)/assets/images $(GOVUK)/assets/manifest.json $(WEB)/static/govuk/

build: assets
	$(GO) build -trimpath -o $(BIN) ./cmd/contactpoint

run: build
	@mkdir -p demo
	$(BIN) demo --db $(DB) --addr $(ADDR)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

test: assets vet
	$(GO) test -count=1 -timeout 20m ./...

bench: build
	$(BIN) bench --help

clean:
	rm -rf bin demo
