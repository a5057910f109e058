# The two commands of the README:
#   make run   — install what is missing, build, migrate and serve http://127.0.0.1:3000
#                (SQLite in ./data, worker in the same process, mail in /dev/outbox)
#   make test  — every test: unit, integration on SQLite and PostgreSQL, browser
SHELL := /bin/bash
ENV := source scripts/env.sh &&
# PostgreSQL for the integration tests: the local server unless told otherwise.
LAUNCHREADY_TEST_PG ?= postgres://postgres@127.0.0.1:5432/postgres
# The Rust packages that run on the server; the WASM `frontend` is built separately
# (building it together with them would unify Leptos' ssr and hydrate features).
SERVER_PACKAGES := -p domain -p migrations -p worker -p app -p server

.PHONY: run test setup build frontend server test-rust test-e2e fmt clippy

run: setup build
	@$(ENV) echo "launchready on http://127.0.0.1:3000 (Ctrl-C stops it)" && \
	  LAUNCHREADY_SITE_ROOT="$$LAUNCHREADY_SITE_ROOT" "$$CARGO_TARGET_DIR/release/launchready" serve

test: setup frontend
	@$(ENV) export LAUNCHREADY_TEST_PG="$(LAUNCHREADY_TEST_PG)" && \
	  cargo test $(SERVER_PACKAGES) --features app/ssr && \
	  cargo build -p server && \
	  e2e/run.sh "$$CARGO_TARGET_DIR/debug/launchready"

setup:
	@scripts/setup.sh

build: frontend server

frontend:
	@scripts/build-frontend.sh

server:
	@$(ENV) cargo build -p server --release

fmt:
	cargo fmt --all

clippy:
	@$(ENV) cargo clippy $(SERVER_PACKAGES) --features app/ssr --all-targets -- -D warnings
