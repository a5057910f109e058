#!/usr/bin/env python3
"""Refresh the reference data in engine/data/ from the publishers' own sources:
the CDN address ranges (dns.edge.proxy) and Chromium's HSTS preload list (http.hsts).

    make edge-data          # or: python3 scripts/refresh-edge-data.py [--only cloudflare,...]

Needs internet access (the build machines have none: run it where you have it, review the
diff, commit). Every file gets today's date as `# as-of:`; the freshness test in
engine/src/reference/mod.rs fails once a file is older than two years.

A download that does not look like the data (too few entries, an HTML page: Cloudflare once
answered a scraper with its own challenge page) is refused and the old file kept.
"""

import argparse
import base64
import datetime
import io
import ipaddress
import json
import pathlib
import sys
import urllib.request
import zipfile

DATA = pathlib.Path(__file__).resolve().parent.parent / "engine" / "data"
AGENT = "launchready-refresh-edge-data (+https://launchready.dev)"


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": AGENT})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def cidrs(lines):
    out = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(ipaddress.ip_network(line, strict=True))
    v4 = sorted(n for n in set(out) if n.version == 4)
    v6 = sorted(n for n in set(out) if n.version == 6)
    return [str(n) for n in v4 + v6]


def cloudflare():
    v4 = fetch("https://www.cloudflare.com/ips-v4").decode().splitlines()
    v6 = fetch("https://www.cloudflare.com/ips-v6").decode().splitlines()
    return "Cloudflare", "https://www.cloudflare.com/ips-v4 and https://www.cloudflare.com/ips-v6", cidrs(v4 + v6)


def fastly():
    data = json.loads(fetch("https://api.fastly.com/public-ip-list"))
    return "Fastly", "https://api.fastly.com/public-ip-list (addresses, ipv6_addresses)", cidrs(data["addresses"] + data["ipv6_addresses"])


def cloudfront():
    data = json.loads(fetch("https://ip-ranges.amazonaws.com/ip-ranges.json"))
    v4 = [p["ip_prefix"] for p in data["prefixes"] if p["service"] == "CLOUDFRONT"]
    v6 = [p["ipv6_prefix"] for p in data["ipv6_prefixes"] if p["service"] == "CLOUDFRONT"]
    source = f"https://ip-ranges.amazonaws.com/ip-ranges.json (service CLOUDFRONT, createDate {data['createDate']}; not CLOUDFRONT_ORIGIN_FACING)"
    return "Amazon CloudFront", source, cidrs(v4 + v6)


def akamai():
    url = "https://techdocs.akamai.com/property-manager/pdfs/akamai_ipv4_ipv6_CIDRs-txt.zip"
    archive = zipfile.ZipFile(io.BytesIO(fetch(url)))
    lines = []
    for name in archive.namelist():
        if name.endswith(".txt"):
            lines += archive.read(name).decode().splitlines()
    return "Akamai", f"{url} (Akamai's own origin allow-list)", cidrs(lines)


PROVIDERS = {"cloudflare": cloudflare, "fastly": fastly, "cloudfront": cloudfront, "akamai": akamai}


def previous_count(path: pathlib.Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))


def write(path: pathlib.Path, header: list, lines: list):
    old = previous_count(path)
    if not lines or len(lines) < old // 2:
        sys.exit(f"{path.name}: got {len(lines)} entries where there were {old}: refusing to write (not the data?)")
    body = "".join(f"# {h}\n" for h in header) + "".join(f"{line}\n" for line in lines)
    path.write_text(body)
    print(f"{path.name}: {len(lines)} entries (was {old})")


def hsts(today: str):
    url = "https://chromium.googlesource.com/chromium/src/+/main/net/http/transport_security_state_static.json?format=TEXT"
    text = base64.b64decode(fetch(url)).decode()
    # The file is JSON with // comment lines.
    data = json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")))
    entries = sorted(
        f"{e['name'].lower()} {1 if e.get('include_subdomains') else 0}" for e in data["entries"] if e.get("mode") == "force-https"
    )
    header = [
        "Chromium's HSTS preload list: the force-https entries, `<name> <include_subdomains 0|1>`.",
        f"as-of: {today}",
        "source: https://chromium.googlesource.com/chromium/src/+/main/net/http/transport_security_state_static.json",
        "how: downloaded and filtered by scripts/refresh-edge-data.py",
        "refresh: make edge-data (scripts/refresh-edge-data.py)",
    ]
    write(DATA / "hsts_preload.txt", header, entries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated: cloudflare,fastly,cloudfront,akamai,hsts")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else set(PROVIDERS) | {"hsts"}
    today = datetime.date.today().isoformat()
    for key, load in PROVIDERS.items():
        if key not in wanted:
            continue
        name, source, lines = load()
        header = [f"provider: {name}", f"as-of: {today}", f"source: {source}", "how: downloaded by scripts/refresh-edge-data.py",
                  "refresh: make edge-data (scripts/refresh-edge-data.py)"]
        write(DATA / f"edge_{key}.txt", header, lines)
    if "hsts" in wanted:
        hsts(today)
    print("Review the diff, run `make test`, commit.")


if __name__ == "__main__":
    main()
