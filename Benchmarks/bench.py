#!/usr/bin/env python3
"""`make bench`: interleaved rounds, medians, ratios against baselines measured in the same run.

Token signing: dbtunnel with the signing key cached (the tunnel's path), dbtunnel deriving the
key for every token, and botocore's generate_db_auth_token. Every command runs pinned to CPU 0
(`taskset -c 0`), one at a time, so each figure is one core's throughput.
"""
import os
import re
import statistics
import subprocess
import sys

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECONDS = os.environ.get("BENCH_SECONDS", "1")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "dbtunnel-bench")

CONTENDERS = {
    "dbtunnel (key cached)": [BENCH, "tokens", "--mode", "cached", "--seconds", SECONDS],
    "dbtunnel (key derived per token)": [BENCH, "tokens", "--mode", "uncached", "--seconds", SECONDS],
    "botocore generate_db_auth_token": [sys.executable, os.path.join(ROOT, "Benchmarks", "botocore_tokens.py"), SECONDS],
}


def measure(command):
    out = subprocess.run(["taskset", "-c", "0", *command], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"tokens_per_second=(\d+)", out).group(1))


def main():
    results = {name: [] for name in CONTENDERS}
    for round_number in range(ROUNDS):
        for name, command in CONTENDERS.items():  # interleaved: every contender once per round
            results[name].append(measure(command))
        print(f"round {round_number + 1}/{ROUNDS}: " + ", ".join(f"{n}={v[-1]}" for n, v in results.items()), flush=True)
    medians = {name: statistics.median(values) for name, values in results.items()}
    cached = medians["dbtunnel (key cached)"]
    lines = [
        f"RDS IAM token signing, one core (taskset -c 0), {ROUNDS} interleaved rounds of {SECONDS}s, medians",
        "",
        "| signer | tokens/s (median) | min..max | dbtunnel cached ÷ this |",
        "|---|---:|---:|---:|",
    ]
    for name, values in results.items():
        lines.append(f"| {name} | {int(medians[name]):,} | {min(values):,}..{max(values):,} | {cached / medians[name]:.2f}× |")
    goal = 50_000
    lines += ["", f"Goal: ≥ {goal:,} tokens/s with the key cached: {'met' if cached >= goal else 'NOT met'} ({int(cached):,})."]
    report = "\n".join(lines)
    print("\n" + report)
    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench-results", "tokens.md"), "w") as handle:
        handle.write(report + "\n")


if __name__ == "__main__":
    main()
