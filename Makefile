# fBP for Gorgonia. `make help` lists the targets.
GO      ?= go
DATA    ?= $(or $(FBP_DATA),$(HOME)/.cache/fbp)
BENCH   ?= .
COUNT   ?= 1

.PHONY: help test test-short bench data subset lint fmt tidy ptx ptx-check stub cuda-vet gpu-check gophernotes

# The CUDA build (-tags fbpcuda; not "cuda", which would also switch on
# Gorgonia's own cuDNN backend, which does not build: DESIGN §2) needs the Debian CUDA toolkit on the build
# machine (DESIGN §3): add "contrib non-free" to the Components line of
# /etc/apt/sources.list.d/debian.sources, apt-get update, then
#   apt-get install -y --no-install-recommends nvidia-cuda-toolkit
# (nvcc 11.8, cuda.h, cublas_v2.h, libcuda.so). Debian ships libcublas.so.11;
# GPU machines carry CUBLAS_SONAME: binaries link against a stub with that
# SONAME made from the names of the real library.
NVCC          ?= nvcc
CUDA_ARCH     ?= compute_90
CUBLAS_SONAME ?= libcublas.so.13
CUBLAS_HOST   ?= /usr/lib/x86_64-linux-gnu/libcublas.so.11
STUB          := build/stub
CUDA_ENV      := CGO_ENABLED=1 CGO_CFLAGS="-Wno-deprecated-declarations" CGO_LDFLAGS="-L$(CURDIR)/$(STUB)"

help:
	@echo "test        run every test (as CI does)"
	@echo "test-short  skip the slower learning tests"
	@echo "bench       run the benchmarks (BENCH=regexp, COUNT=n)"
	@echo "data        download full MNIST and Fashion-MNIST into DATA=$(DATA)"
	@echo "subset      rebuild testdata/mnist-subset from DATA/mnist"
	@echo "lint        gofmt + go vet"
	@echo "ptx         compile ops/kernels (fbp.cu + *.cuh) to the committed PTX (needs nvcc)"
	@echo "stub        build the cuBLAS link stub ($(CUBLAS_SONAME)) into $(STUB)"
	@echo "cuda-vet    vet and compile the CUDA build (-tags fbpcuda); no GPU needed"
	@echo "gpu-check   build build/gpu-check/ (test binaries + run.sh) to run on a GPU machine"
	@echo "gophernotes build the gophernotes Jupyter kernel for this checkout and install its spec"

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

# The Jupyter kernel of examples/notebooks (scripts/gophernotes.sh; a no-op
# when already installed for this go.mod and Go).
gophernotes:
	GO=$(GO) scripts/gophernotes.sh

# ops/kernels/fbp.cu includes the per-family kernel headers (*.cuh): one
# translation unit, one PTX module.
KERNELS := ops/kernels/fbp.cu $(wildcard ops/kernels/*.cuh)

ptx: ops/kernels/fbp.ptx

ops/kernels/fbp.ptx: $(KERNELS)
	$(NVCC) -ptx -arch=$(CUDA_ARCH) -O3 -o $@ $<

# ptx-check fails if the committed PTX is not what nvcc makes of fbp.cu and
# the headers it includes.
ptx-check:
	mkdir -p build
	$(NVCC) -ptx -arch=$(CUDA_ARCH) -O3 -o build/fbp.ptx ops/kernels/fbp.cu
	cmp build/fbp.ptx ops/kernels/fbp.ptx || (echo "ops/kernels/fbp.ptx is stale: run make ptx"; exit 1)

stub: $(STUB)/libcublas.so

$(STUB)/libcublas.so: $(CUBLAS_HOST)
	mkdir -p $(STUB)
	nm -D --defined-only $(CUBLAS_HOST) | awk '$$2=="T"{print $$3}' | sed 's/@.*//' | sort -u | awk '{printf "void %s(void){}\n",$$1}' > $(STUB)/libcublas.c
	gcc -shared -fPIC -o $@ -Wl,-soname,$(CUBLAS_SONAME) $(STUB)/libcublas.c

cuda-vet: stub
	$(CUDA_ENV) $(GO) vet -tags fbpcuda ./...
	$(CUDA_ENV) $(GO) build -tags fbpcuda ./...
	for p in ./ops ./mpnet ./pasp; do $(CUDA_ENV) $(GO) test -c -tags fbpcuda -o /dev/null $$p || exit 1; done

gpu-check: stub
	rm -rf build/gpu-check && mkdir -p build/gpu-check
	for p in ops mpnet pasp; do $(CUDA_ENV) $(GO) test -c -tags fbpcuda -ldflags=-s -o build/gpu-check/$$p.test ./$$p || exit 1; done
	$(CUDA_ENV) $(GO) build -tags fbpcuda -ldflags=-s -o build/gpu-check/fbp ./examples/fbp
	cp scripts/gpu-check.sh build/gpu-check/run.sh
	if [ -d $(DATA)/mnist ]; then mkdir -p build/gpu-check/data && cp -r $(DATA)/mnist build/gpu-check/data/; fi
	readelf -d build/gpu-check/ops.test | grep NEEDED
	tar czf build/gpu-check.tgz -C build gpu-check
	@echo "copy build/gpu-check.tgz to the GPU machine, then: tar xzf gpu-check.tgz && sh gpu-check/run.sh"
