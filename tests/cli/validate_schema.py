#!/usr/bin/env python3
"""Validate every line of JSONL files against docs/scan-output.schema.json.

usage: validate_schema.py SCHEMA FILE...   (exit 0: all valid; 1: a line is
invalid, printed as FILE:LINE: reason; 2: jsonschema is missing)
"""
import json
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.stderr.write("validate_schema.py: the jsonschema module is missing "
                     "(Debian package python3-jsonschema; scripts/install-deps installs it)\n")
    sys.exit(2)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    bad = 0
    n = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                n += 1
                try:
                    doc = json.loads(line)
                except ValueError as e:
                    print("%s:%d: not JSON: %s" % (path, i, e))
                    bad += 1
                    continue
                for err in validator.iter_errors(doc):
                    print("%s:%d: %s at %s" % (path, i, err.message, list(err.absolute_path)))
                    bad += 1
                # the offsets must describe the text that is reported
                for m in doc["matches"] if isinstance(doc.get("matches"), list) else []:
                    if m["end"] <= m["start"]:
                        print("%s:%d: empty span %r" % (path, i, m))
                        bad += 1
    if n == 0:
        print("validate_schema.py: no lines to validate")
        return 1
    return 1 if bad else 0


sys.exit(main())
