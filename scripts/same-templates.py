#!/usr/bin/env python3
"""Exits 1 when two cdk.out folders' templates differ, comparing JSON objects with their keys sorted (as
CloudFormation compares them) and lists and strings as they are (where order is meaning: a task's environment, a
state machine's definition). Usage: same-templates.py DIR DIR"""
import json
import pathlib
import sys


def canonical(path):
    return json.dumps(json.loads(path.read_text()), sort_keys=True)


def main(a, b):
    left = sorted(p.name for p in pathlib.Path(a).glob("*.template.json"))
    right = sorted(p.name for p in pathlib.Path(b).glob("*.template.json"))
    if not left or left != right:
        print(f"different templates: {left} and {right}", file=sys.stderr)
        return 1
    differ = [n for n in left if canonical(pathlib.Path(a, n)) != canonical(pathlib.Path(b, n))]
    for n in differ:
        print(f"{n}: two synths of the same lifeboat.yml differ", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
