# The two commands of the README: `make demo` and `make test`. Each sets up the project-local
# venv with the pinned torch wheel (libtorch and the test oracle) when it is missing.
SWIFT ?= swift

.PHONY: setup demo test bench generate gpu-check-binary clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(SWIFT) build --product example-mnist
	.build/debug/example-mnist fit

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-swift-testing

bench: setup
	bash bench/run.sh

# The typed operators of Sources/Torch/Generated/ (and their coverage report), from the pinned
# wheel's native_functions.yaml; a test fails when the committed files differ from what this writes.
generate: setup
	.venv/bin/python scripts/generate-ops

# The GPU check's binary: the workloads with the Swift runtime linked statically, stripped and
# gzipped into .build/gpu-check/ beside the NCCL plugin (carry that folder with the repository
# to a GPU machine and run scripts/gpu-check there). The plugin is relinked with the C++ driver
# alone: it has no Swift code, and the GPU machine has no Swift runtime.
gpu-check-binary: setup
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static --product BenchWorkloads
	$(SWIFT) build -c release --scratch-path .build-static --product CTorchNCCL
	mkdir -p .build/gpu-check
	strip -o .build/gpu-check/BenchWorkloads .build-static/release/BenchWorkloads
	$(CXX) -shared -s -o .build/gpu-check/libCTorchNCCL.so .build-static/release/CTorchNCCL.build/nccl_backend.cpp.o
	gzip -kf .build/gpu-check/BenchWorkloads

clean:
	rm -rf .build .build-static
