#!/usr/bin/env python3
"""Writes each Step Functions state machine definition of the synthesized templates to its own file.

The CDK app's DefinitionString is an Fn::Join of text and references (function ARNs, the topic);
references become well-formed placeholder ARNs, so asl-validator checks the definition as written.
Usage: state-machine-definitions.py OUT_DIR TEMPLATE...; prints the files written, one a line.
"""
import json
import os
import sys

PLACEHOLDER = "arn:aws:lambda:eu-central-1:222222222222:function:placeholder"


PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "eu-central-1", "AWS::AccountId": "222222222222",
          "AWS::URLSuffix": "amazonaws.com"}


def part(p):
    if isinstance(p, str):
        return p
    return PSEUDO.get(p.get("Ref"), PLACEHOLDER)


def text(value):
    if isinstance(value, str):
        return value
    return "".join(part(p) for p in value["Fn::Join"][1])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for template in sys.argv[2:]:
        resources = json.load(open(template)).get("Resources", {})
        for name, resource in resources.items():
            if resource.get("Type") != "AWS::StepFunctions::StateMachine":
                continue
            path = os.path.join(out, f"{os.path.basename(template).split('.')[0]}-{name}.asl.json")
            with open(path, "w") as f:
                f.write(text(resource["Properties"]["DefinitionString"]))
            print(path)


if __name__ == "__main__":
    main()
