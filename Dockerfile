# syntax=docker/dockerfile:1
#
# Image for the launchready binary: `launchready serve`, `launchready worker` and
# `launchready migrate` (see docker-compose.yml). Build with `docker build -t launchready .`.

# ---- builder: the server binary and the hydrating front end (WASM + JS glue) ----
FROM rust:1-bookworm AS builder

# lld for linking; no binaryen: the front-end build does not depend on wasm-opt.
RUN apt-get update \
 && apt-get install -y --no-install-recommends lld \
 && rm -rf /var/lib/apt/lists/*

RUN rustup target add wasm32-unknown-unknown
# Must match the wasm-bindgen crate in Cargo.lock exactly, or the generated glue will not load.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo install --locked wasm-bindgen-cli --version 0.2.130

# .cargo/config.toml names wasm-ld-22 (an LLVM 22 install on developer machines); here the
# toolchain's own rust-lld, which always matches rustc's LLVM, links the WASM instead.
ENV CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=rust-lld

WORKDIR /app
COPY . .

# The front end goes to target/site/pkg, the server binary to target/release/launchready.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    bash scripts/build-frontend.sh \
 && cargo build --release --locked -p server

# ---- runtime ----
FROM debian:bookworm-slim

# ca-certificates for outgoing TLS (audits, SMTP); curl for container health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# A fixed numeric id, so orchestrators can check `runAsNonRoot` without reading /etc/passwd.
RUN groupadd --system --gid 10001 launchready \
 && useradd --system --uid 10001 --gid launchready --home-dir /var/lib/launchready --shell /usr/sbin/nologin launchready \
 && mkdir -p /var/lib/launchready \
 && chown launchready:launchready /var/lib/launchready

COPY --from=builder /app/target/release/launchready /usr/local/bin/launchready
COPY --from=builder /app/target/site /srv/site

# Listen on all interfaces: inside a container, the default 127.0.0.1 is unreachable.
ENV LAUNCHREADY_SITE_ROOT=/srv/site \
    LAUNCHREADY_DATA_DIR=/var/lib/launchready \
    LAUNCHREADY_BIND=0.0.0.0:3000

USER 10001:10001
WORKDIR /var/lib/launchready
EXPOSE 3000
CMD ["launchready", "serve"]
