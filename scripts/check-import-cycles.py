#!/usr/bin/env python3
"""Fails when two or more Rust files of one crate import each other in a circle.

The crates already form a DAG (cargo refuses anything else); inside a crate nothing stops
`a.rs → b.rs → a.rs`, and such circles are what make a module impossible to move or test
alone. This builds the file graph of every workspace crate from the paths the code names
(`use` trees, `crate::…`, `super::…`, `self::…` and child modules named bare), follows
`pub use` re-exports to the file that defines the item, and prints every circle it finds.
A `mod tests` inside a file is part of that file; a parent declaring `mod child;` is not an
import (the child naming its parent is).

Usage: scripts/check-import-cycles.py [CRATE_DIR ...]   (default: every workspace member)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[0])))


def strip(src):
    """Source without comments, strings and char literals (their text is not code)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        elif src.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif src.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == 'r' and re.match(r'r#*"', src[i:i + 10]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == '_')):
            m = re.match(r'r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + len(m.group(0)))
            out.append('""')
            i = n if j < 0 else j + len(end)
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            out.append('""')
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", src[i:i + 4]) or c == "'" and re.match(r"'\\u\{[0-9a-fA-F]+\}'", src[i:i + 12]):
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def expand_use(tree):
    """`a::{b, c::{d, e as f}, self}` -> [['a','b'], ['a','c','d'], ['a','c','e'], ['a']]"""
    # `a as b` keeps `a`: mark the alias before white space goes, so names holding "as" survive.
    tree = re.sub(r'\s+', '', re.sub(r'\s+as\s+', '@', tree))

    def parse(s, prefix):
        paths, depth, start, parts = [], 0, 0, []
        for k, ch in enumerate(s):
            if ch == '{':
                depth += 1
            elif ch == '}':
                depth -= 1
            elif ch == ',' and depth == 0:
                parts.append(s[start:k])
                start = k + 1
        parts.append(s[start:])
        for part in parts:
            if not part:
                continue
            if '{' in part:
                head = part[:part.index('{')].rstrip(':')
                inner = part[part.index('{') + 1:part.rindex('}')]
                base = prefix + ([x for x in head.split('::') if x] if head else [])
                paths.extend(parse(inner, base))
            else:
                seg = [x for x in part.split('@')[0].split('::') if x]
                if seg == ['self']:
                    paths.append(list(prefix))
                elif seg == ['*']:
                    paths.append(list(prefix) + ['*'])
                else:
                    paths.append(prefix + seg)
        return paths

    return parse(tree, [])


class Crate:
    def __init__(self, src_dir):
        self.src = src_dir
        self.files = {}  # module path tuple -> file
        self.roots = [f for f in ('lib.rs', 'main.rs') if os.path.exists(os.path.join(src_dir, f))]
        for root in self.roots:
            self.walk(os.path.join(src_dir, root), ())

    def walk(self, path, module):
        if module in self.files:
            return
        self.files[module] = path
        text = strip(open(path, encoding='utf-8').read())
        base = os.path.dirname(path) if os.path.basename(path) in ('lib.rs', 'main.rs', 'mod.rs') else path[:-3]
        for m in re.finditer(r'(#\[path\s*=\s*""\]\s*)?\b(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', text):
            name = m.group(2)
            for candidate in (os.path.join(base, name + '.rs'), os.path.join(base, name, 'mod.rs')):
                if os.path.exists(candidate):
                    self.walk(candidate, module + (name,))
                    break

    def module_of(self, path):
        for module, file in self.files.items():
            if file == path:
                return module
        raise KeyError(path)

    def children(self, module):
        return {m[-1] for m in self.files if len(m) == len(module) + 1 and m[:len(module)] == module}

    def reexports(self, module):
        """Names a file re-exports with `pub use`: name -> absolute path (list)."""
        text = strip(open(self.files[module], encoding='utf-8').read())
        found = {}
        for m in re.finditer(r'\bpub(?:\([^)]*\))?\s+use\s+([^;]+);', text):
            for raw in expand_use(m.group(1)):
                path = self.absolute(module, raw)
                if path:
                    found[path[-1]] = path
        return found

    def absolute(self, module, path):
        """A path as written in `module` -> absolute segments inside this crate, or None."""
        if not path:
            return None
        head = path[0]
        if head == 'crate':
            return path[1:]
        if head == 'self':
            return list(module) + path[1:]
        if head == 'super':
            up, rest = list(module), list(path)
            while rest and rest[0] == 'super':
                up, rest = up[:-1], rest[1:]
            return up + rest
        if head in self.children(module):
            return list(module) + path
        return None

    def file_for(self, segments, seen=()):
        """The file that defines what `segments` names: the deepest module that is a file,
        followed through `pub use` when the name is a re-export."""
        best = ()
        for k in range(len(segments), -1, -1):
            if tuple(segments[:k]) in self.files:
                best = tuple(segments[:k])
                break
        rest = segments[len(best):]
        if rest and rest[0] != '*' and (best, rest[0]) not in seen:
            target = self.reexports(best).get(rest[0])
            if target and target[:len(best)] != list(best) + [rest[0]]:
                return self.file_for(target + rest[1:], seen + ((best, rest[0]),))
        return self.files[best]

    def edges(self):
        graph = {}
        for file_module, path in self.files.items():
            targets = set()
            for module, text in pieces(strip(open(path, encoding='utf-8').read()), file_module):
                targets |= self.targets_of(module, text, path)
            graph[path] = targets
        return graph

    def targets_of(self, module, text, path):
        if True:
            names = []
            for m in re.finditer(r'\buse\s+([^;]+);', text):
                names.extend(expand_use(m.group(1)))
            for m in re.finditer(r'(?<![\w:])((?:crate|super|self)(?:::\w+)+)', text):
                names.append(m.group(1).split('::'))
            for child in self.children(module):
                for _ in re.finditer(r'(?<![\w:])' + child + r'::\w', text):
                    names.append([child, '_'])
                    break
            targets = set()
            for raw in names:
                segments = self.absolute(module, raw)
                if segments is None:
                    continue
                target = self.file_for(segments)
                if target != path:
                    targets.add(target)
            return targets


def pieces(text, module):
    """The text of a file split by inline modules (`mod tests { … }`): (module path, text)
    pairs, so `super::` inside an inline module names the file itself."""
    outer, inner, i = [], [], 0
    for m in re.finditer(r'\bmod\s+(\w+)\s*\{', text):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {'{': 1, '}': -1}.get(text[j], 0)
            j += 1
        outer.append(text[i:m.start()])
        inner.extend(pieces(text[m.end():j - 1], module + (m.group(1),)))
        i = j
    outer.append(text[i:])
    return [(module, ''.join(outer))] + inner


def cycles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def members():
    text = open(os.path.join(ROOT, 'Cargo.toml'), encoding='utf-8').read()
    return re.findall(r'"([^"]+)"', re.search(r'members\s*=\s*\[([^\]]*)\]', text).group(1))


def main():
    dirs = sys.argv[1:] or members()
    failed = False
    for crate_dir in dirs:
        srcs = [os.path.join(ROOT, crate_dir, 'src')]
        for extra in ('tests', 'benches'):
            base = os.path.join(ROOT, crate_dir, extra)
            if os.path.isdir(base):
                srcs += [os.path.join(base, d) for d in os.listdir(base) if os.path.isfile(os.path.join(base, d, 'main.rs'))]
        for src in srcs:
            crate = Crate(src)
            for comp in cycles(crate.edges()):
                failed = True
                graph = crate.edges()
                print(f'import circle in {os.path.relpath(src, ROOT)}:')
                for f in comp:
                    into = sorted(os.path.relpath(t, ROOT) for t in graph[f] if t in comp)
                    print(f'  {os.path.relpath(f, ROOT)} -> {", ".join(into)}')
    if failed:
        sys.exit(1)
    print('import-cycles: no file imports a file that imports it back')


if __name__ == '__main__':
    main()
