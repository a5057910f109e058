#!/usr/bin/env python3
"""Capabilities are made only where they may be.

`platform::tenancy::CrossTenant` lets a function ignore tenancy (the background jobs act on
every organisation's rows). Only the worker's start-up may make one, so that no page, server
function or REST handler can reach such a function. Rust's visibility cannot say "only the
worker crate", so this check does: it fails when a source file outside the allowed places names
the constructor. Tests (a `tests/` folder, the `testkit` crate) may make one to drive the jobs'
functions directly.

Run: python3 scripts/check-capabilities.py  (a CI step, `make capabilities`)
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# constructor -> files (relative to the root) allowed to name it
RULES = {
    "for_worker_startup": {
        "platform/src/tenancy/cross_tenant.rs",  # its definition
        "worker/src/jobs/deps.rs",  # the worker's start-up (`Deps::new`)
    },
}


def allowed_anywhere(rel: pathlib.Path) -> bool:
    parts = rel.parts
    return "tests" in parts or parts[0] == "testkit" or parts[-1] == "tests.rs"


def main() -> int:
    failures = []
    for path in sorted(ROOT.rglob("*.rs")):
        rel = path.relative_to(ROOT)
        if any(p in ("target", ".git", "node_modules") for p in rel.parts) or allowed_anywhere(rel):
            continue
        text = path.read_text(encoding="utf-8")
        for needle, allowed in RULES.items():
            if needle in text and str(rel) not in allowed:
                line = next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)
                failures.append(f"{rel}:{line}: names {needle}; only {', '.join(sorted(allowed))} may")
    for failure in failures:
        print(failure)
    if failures:
        print(f"{len(failures)} capability constructor(s) named outside their place")
        return 1
    print("capabilities: every constructor is named only where it may be")
    return 0


if __name__ == "__main__":
    sys.exit(main())
