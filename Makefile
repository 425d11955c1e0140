# The two commands of the README: `make demo` and `make test`. Each sets up the project-local
# venv with the pinned torch wheel (libtorch and the test oracle) when it is missing.
SWIFT ?= swift

.PHONY: setup demo test bench clean

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

clean:
	rm -rf .build
