#!/usr/bin/env python3
"""Scaffolds a new audit check: its catalog entry, its file, its registry line and a fixture
test that fails until the check is written.

    scripts/new-check.py headers.coop --severity low --title "Cross-Origin-Opener-Policy is set"

creates
  - a [[check]] entry in engine/src/catalog.toml (after the family's last check), whose
    passes_when/why/fix say TODO: the registry test refuses a catalog entry with a TODO, so
    the check cannot land unfinished;
  - engine/src/checks/headers/coop.rs with `pub(super) async fn check(cx) -> Outcome`;
  - `mod coop;` and its `r.add("headers.coop", …)` line in engine/src/checks/headers/mod.rs;
  - a test in engine/tests/audit/headers_checks.rs: the clean fixture site passes, and the
    site with the defect (yours to give it) fails.
Then write the check, give the fixture site the defect, fill in the catalog text, and run
`make checks-docs` to regenerate docs/checks.md's tables.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[0])))
SEVERITIES = ["critical", "high", "medium", "low"]
SPRINT_OF = {
    "dns": "dns-domain", "tls": "tls-https", "http": "redirects-hsts", "headers": "security-headers",
    "exposure": "secrets-exposure", "api": "api-boundaries", "email": "email-auth", "ai": "ai-safety",
    "perf": "performance",
}


def fail(message):
    print(f"new-check: {message}", file=sys.stderr)
    sys.exit(2)


def toml_string(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("id", help="family.name, e.g. headers.coop (lower case, dots, underscores)")
    parser.add_argument("--severity", required=True, choices=SEVERITIES)
    parser.add_argument("--title", required=True, help="what passing means, in a few words")
    parser.add_argument("--active", action="store_true", help="the check sends hostile input or a burst (runs only with permission)")
    parser.add_argument("--exhausting", action="store_true", help="it uses up a quota of the target: runs after every other check")
    args = parser.parse_args()

    if not re.fullmatch(r"[a-z]+(\.[a-z][a-z0-9_]*)+", args.id):
        fail(f"{args.id!r} is not an id like headers.coop")
    family, rest = args.id.split(".", 1)
    name = rest.replace(".", "_")
    checks_dir = os.path.join(ROOT, "engine", "src", "checks", family)
    if family not in SPRINT_OF or not os.path.isdir(checks_dir):
        fail(f"no check family {family!r} (one of: {', '.join(sorted(SPRINT_OF))})")
    check_file = os.path.join(checks_dir, f"{name}.rs")
    catalog_path = os.path.join(ROOT, "engine", "src", "catalog.toml")
    catalog = open(catalog_path, encoding="utf-8").read()
    if f'id = "{args.id}"' in catalog:
        fail(f"{args.id} is already in catalog.toml")
    if os.path.exists(check_file):
        fail(f"{os.path.relpath(check_file, ROOT)} already exists")
    mod_path = os.path.join(checks_dir, "mod.rs")
    mod_rs = open(mod_path, encoding="utf-8").read()
    test_path = os.path.join(ROOT, "engine", "tests", "audit", f"{family}_checks.rs")
    if not os.path.exists(test_path):
        fail(f"{os.path.relpath(test_path, ROOT)} is missing")

    # 1. The catalog entry, after the family's last check (catalog order is report order).
    entry = "\n".join([
        "[[check]]",
        f"id = {toml_string(args.id)}",
        f"category = {toml_string(family)}",
        f"severity = {toml_string(args.severity)}",
        f"active = {'true' if args.active else 'false'}",
        f"title = {toml_string(args.title)}",
        'passes_when = "TODO: the pass criterion, as the check tests it"',
        'why = "TODO: what goes wrong for the product when this fails"',
        'fix = "TODO: how to fix it, with a concrete example"',
        'references = ["TODO: a standard or vendor document"]',
        f"sprint = {toml_string(SPRINT_OF[family])}",
    ])
    blocks = catalog.split("\n[[check]]\n")
    last = max(i for i, b in enumerate(blocks) if i > 0 and f'category = "{family}"' in b)
    blocks[last] = blocks[last].rstrip("\n") + "\n\n" + entry + "\n"
    open(catalog_path, "w", encoding="utf-8").write("\n[[check]]\n".join(blocks))

    # 2. The check's file.
    open(check_file, "w", encoding="utf-8").write(f'''//! `{args.id}` ({args.severity}): {args.title}.

use crate::context::AuditContext;
use crate::model::Outcome;

pub(super) async fn check(cx: &AuditContext) -> Outcome {{
    // Read what the check needs through `cx` (its memos fetch a page, a redirect chain, a TLS
    // handshake or a DNS answer once per audit), then return pass, warn or fail with evidence.
    let _ = cx;
    Outcome::error("{args.id} is not written yet")
}}
''')

    # 3. The registry line (and the module it names), in the family's mod.rs.
    mods = re.findall(r"^mod (\w+);$", mod_rs, re.M)
    after = max((m for m in mods if m < name), default=None)
    if after:
        mod_rs = mod_rs.replace(f"mod {after};\n", f"mod {after};\nmod {name};\n", 1)
    else:
        mod_rs = mod_rs.replace(f"mod {mods[0]};\n", f"mod {name};\nmod {mods[0]};\n", 1)
    add = "add_exhausting" if args.exhausting else "add"
    line = f'    r.{add}("{args.id}", |cx| Box::pin({name}::check(cx)));\n'
    end = mod_rs.rindex("}")
    mod_rs = mod_rs[:end] + line + mod_rs[end:]
    open(mod_path, "w", encoding="utf-8").write(mod_rs)

    # 4. A fixture test that fails until the check and the defect exist.
    label = re.sub(r"[^a-z0-9]+", "-", rest)[:20].strip("-")
    open(test_path, "a", encoding="utf-8").write(f'''
/// {args.id}: the clean fixture site passes; a site with the defect fails.
#[tokio::test]
async fn {name}_fails_on_the_defect() {{
    let clean = crate::fixture::audit(crate::fixture::site::Site::clean("{label}-ok"), {'true' if args.active else 'false'}).await;
    crate::fixture::expect(&clean, "{args.id}", engine::Status::Pass);
    // TODO: give this site the defect (a field of `Site` in testkit/src/internet/site.rs).
    let defective = crate::fixture::site::Site::clean("{label}-bad");
    let card = crate::fixture::audit(defective, {'true' if args.active else 'false'}).await;
    crate::fixture::expect(&card, "{args.id}", engine::Status::Fail);
}}
''')

    for path in (catalog_path, check_file, mod_path, test_path):
        print(f"new-check: wrote {os.path.relpath(path, ROOT)}")
    print(f"new-check: next: write the check, give the fixture site the defect, fill in the catalog text, then `make checks-docs`")


if __name__ == "__main__":
    main()
