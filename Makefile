# fBP for Gorgonia. `make help` lists the targets.
GO      ?= go
DATA    ?= $(or $(FBP_DATA),$(HOME)/.cache/fbp)
BENCH   ?= .
COUNT   ?= 1

.PHONY: help test test-short bench data subset lint fmt tidy

help:
	@echo "test        run every test (as CI does)"
	@echo "test-short  skip the slower learning tests"
	@echo "bench       run the benchmarks (BENCH=regexp, COUNT=n)"
	@echo "data        download full MNIST and Fashion-MNIST into DATA=$(DATA)"
	@echo "subset      rebuild testdata/mnist-subset from DATA/mnist"
	@echo "lint        gofmt + go vet"

test:
	$(GO) test -count=1 -timeout 20m ./...

test-short:
	$(GO) test -short -count=1 ./...

bench:
	$(GO) test -run XXX -bench '$(BENCH)' -benchmem -count $(COUNT) ./ops ./mpnet

data:
	$(GO) run ./examples/fbp data fetch -dir $(DATA)

subset:
	$(GO) run ./data/cmd/mksubset -src $(DATA)/mnist -dst testdata/mnist-subset

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./... ./testdata

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	$(GO) mod tidy
