# cehours — see README.md. Every target runs from a fresh clone.
GO      ?= go
BIN     ?= bin/cehours
BENCH   ?= .
COUNT   ?= 5

.PHONY: build run demo test lint bench fixtures clean

# build: compile the cehours binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/cehours

# run: start the daemon with the default configuration (SQLite under var/)
run: build
	./$(BIN) run

# demo: run the whole pipeline once on the example university, mail to files
demo: build
	@rm -rf var/demo && mkdir -p var/demo && cp -r examples/inbox var/demo/inbox
	@CEHOURS_CONFIG=examples/demo.yaml ./$(BIN) --today 2025-08-20 once; s=$$?; test $$s -le 3
	@CEHOURS_CONFIG=examples/demo.yaml ./$(BIN) --today 2025-08-20 report digest --out var/demo/reports
	@CEHOURS_CONFIG=examples/demo.yaml ./$(BIN) --today 2025-08-20 report unit --out var/demo/reports
	@echo
	@echo "Mail, as .eml files with their attachments: var/demo/outbox"
	@echo "Workbooks (HR digest, one per unit):        var/demo/reports"
	@echo "Database (SQLite):                          var/demo/cehours.db"
	@echo "Look around: CEHOURS_CONFIG=examples/demo.yaml ./$(BIN) --today 2025-08-20 standings"
	@echo "             CEHOURS_CONFIG=examples/demo.yaml ./$(BIN) --today 2025-08-20 discrepancies"

# test: run every test (MySQL variants need CEHOURS_TEST_MYSQL_DSN; see README)
test:
	$(GO) test -count=1 ./...

# lint: gofmt, go vet and golangci-lint (with the layering rules in .golangci.yml)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	golangci-lint run ./...

# bench: run the benchmarks COUNT times (BENCH selects them) and print the results
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(COUNT) -timeout 60m ./...

# clean: remove build output and local state
clean:
	rm -rf bin var
