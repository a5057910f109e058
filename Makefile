# The two commands of the README:
#   make run   — install what is missing, build, migrate and serve http://127.0.0.1:3000
#                (SQLite in ./data, worker in the same process, mail in /dev/outbox)
#   make test  — every test: unit, integration on SQLite and PostgreSQL, the start-up smoke
#                test of what `make run` serves, and the browser tests against that same binary
# CI (.ci/run) runs `make fmt-check feature-drift import-cycles`, `make setup build` (timed: what `make run`
# builds), then `make test clippy benches`.
#
# Everything is built with the release profile: the binary `make run` serves, the tests, the
# benchmarks and clippy share every compiled dependency, so a cold machine compiles them once
# (a debug test build beside the release binary compiled everything twice).
SHELL := /bin/bash
ENV := source scripts/env.sh &&
# PostgreSQL for the integration tests: the local server unless told otherwise.
LAUNCHREADY_TEST_PG ?= postgres://postgres@127.0.0.1:5432/postgres
# The Rust packages that run on the server; the WASM `frontend` is built separately
# (building it together with them would unify Leptos' ssr and hydrate features).
SERVER_PACKAGES := -p domain -p platform -p engine -p migrations -p worker -p app -p server -p testkit

.PHONY: run test setup build frontend server test-rust smoke test-e2e fmt fmt-check clippy benches feature-drift import-cycles capabilities checks-docs fuzz edge-data

run: setup build
	@scripts/serve.sh

test: setup build test-rust smoke test-e2e

setup:
	@scripts/setup.sh

build: frontend server

frontend:
	@scripts/build-frontend.sh

server:
	@$(ENV) cargo build -p server --release

test-rust:
	@$(ENV) export LAUNCHREADY_TEST_PG="$(LAUNCHREADY_TEST_PG)" && \
	  cargo test --release $(SERVER_PACKAGES) --features app/ssr

smoke:
	@scripts/smoke-run.sh

test-e2e:
	@$(ENV) e2e/run.sh "$$CARGO_TARGET_DIR/release/launchready"

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all --check

# Every crate and target: the server side with ssr, the front end (hydrate) on the host.
clippy:
	@$(ENV) cargo clippy --release $(SERVER_PACKAGES) --features app/ssr --all-targets -- -D warnings && \
	  cargo clippy --release -p frontend --all-targets -- -D warnings

# The README's benchmarks compile (running them takes minutes; see the README). Selected with
# the test packages so that they reuse the test build's dependencies.
benches:
	@$(ENV) cargo bench --no-run $(SERVER_PACKAGES) --features app/ssr --bench audit --bench monitors --bench dashboard --bench portfolio

# The release binary and the tests enable the same features of every crate, so a cold build
# compiles each crate once (scripts/check-feature-drift.sh).
feature-drift:
	@scripts/check-feature-drift.sh

# No Rust file imports a file that imports it back (scripts/check-import-cycles.py).
import-cycles:
	@python3 scripts/check-import-cycles.py

# Capabilities (the jobs' `CrossTenant`) are made only where they may be
# (scripts/check-capabilities.py).
capabilities:
	@python3 scripts/check-capabilities.py

# Rewrites the check tables of docs/checks.md from engine/src/catalog.toml (a test fails when
# they are stale). scripts/new-check.py scaffolds a new check.
checks-docs:
	@$(ENV) LAUNCHREADY_BLESS=1 cargo test --release -p engine --test audit docs_tables_are_generated_from_the_catalog

# Every fuzz target for FUZZ_SECONDS each (default 600: ten minutes), then executions,
# coverage and crashes per target (scripts/fuzz.sh). Not part of `make test`: the inputs that
# once crashed a target are replayed there by the engine's tests.
fuzz:
	@scripts/fuzz.sh

# Refreshes the CDN ranges and the HSTS preload list in engine/data/ from their publishers
# (needs internet; review the diff and commit). The freshness test names each file's date.
edge-data:
	python3 scripts/refresh-edge-data.py
