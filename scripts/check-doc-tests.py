#!/usr/bin/env python3
"""Every test a promise names must exist: README.md and docs/security.md cite tests as `Class.method`
(or `Class.method_…` for a prefix, or `Class` alone); docs/deploy.md and docs/snapshot-pipeline.md too; each must be a test class of the repository with
that method. Exit 1, naming each missing one."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
sources = {}
for path in root.glob("*/src/test/java/**/*.java"):
    sources.setdefault(path.stem, []).append(path.read_text(encoding="utf-8"))

missing = []
for doc in ["README.md", "docs/security.md", "docs/deploy.md", "docs/snapshot-pipeline.md", "docs/guard.md"]:
    text = (root / doc).read_text(encoding="utf-8")
    for cls, method in re.findall(r"`([A-Z][A-Za-z0-9]*(?:Test|IT))(?:\.([A-Za-z0-9_]+)(?:…)?)?`", text):
        bodies = sources.get(cls)
        if not bodies:
            missing.append(f"{doc}: {cls} is not a test class")
        elif method and not any(re.search(r"void " + re.escape(method), b) for b in bodies):
            missing.append(f"{doc}: {cls}.{method} does not exist")
if missing:
    print("\n".join(missing))
    sys.exit(1)
