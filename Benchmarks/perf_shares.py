#!/usr/bin/env python3
"""Share of perf samples whose call stack contains given functions (after Swift demangling).

    perf_shares.py perf.data "RecordMapper.map" "insertHubVersion&sqlite3_prepare" …

A spec matches a sample when every '&'-separated part occurs in its demangled stack, so shares of nested
functions are inclusive and not additive. Needs perf and swift-demangle (or prints mangled names).
"""
import shutil
import subprocess
import sys


def main():
    data, specs = sys.argv[1], sys.argv[2:]
    raw = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True, check=True).stdout
    if shutil.which("swift-demangle"):
        raw = subprocess.run(["swift-demangle", "--simplified"], input=raw, capture_output=True, text=True).stdout
    stacks, frames = [], []
    for line in raw.splitlines():
        if not line.strip():
            if frames:
                stacks.append(" | ".join(frames))
                frames = []
        elif line[0] in " \t":
            frames.append(line.strip())
    if frames:
        stacks.append(" | ".join(frames))
    total = len(stacks) or 1
    print(f"{len(stacks)} samples")
    for spec in specs:
        parts = spec.split("&")
        count = sum(1 for stack in stacks if all(part in stack for part in parts))
        print(f"{100 * count / total:5.1f}%  {spec.replace('&', ' ∧ ')}")


if __name__ == "__main__":
    main()
