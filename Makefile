# The two commands: `make run` and `make test`.
.PHONY: run test fuzz bench fmt lint

run:
	scripts/run.sh

test:
	scripts/test.sh

fuzz:
	scripts/fuzz.sh

bench:
	scripts/bench.sh

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings
