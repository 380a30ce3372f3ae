"""The test suite's CPU, then and now, side by side (issue 18's target: the tests of the
day the issue was filed at most half the CPU time they cost then).

    .venv/bin/python scripts/suite_then_and_now.py [--then f37ecbf] [--work /tmp/suite-then]

Clones this checkout at `--then` (default: the commit the issue measured) into `--work`
with its own virtualenv, collects both suites' tests, keeps the tests of then that still
exist now (the same node id, or the same test name found once elsewhere), and runs that
selection in both checkouts at the same time, one per core, each measured by the kernel
(user and system CPU of pytest and every process it waited for). Prints both and their
ratio. Not in CI: it takes 12 to 25 minutes and the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THEN = "f37ecbf"  # main when issue 18 was filed (2 December 2026, 10:08 UTC)


def collected(checkout: Path) -> list[str]:
    output = subprocess.run(
        [".venv/bin/pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in output.splitlines() if "::" in line]


def matched(then: list[str], now: list[str]) -> tuple[list[str], list[str]]:
    """The tests of then that still exist now, as (ids then, ids now)."""
    present = set(now)
    by_name: dict[str, list[str]] = {}
    for node in now:
        by_name.setdefault(node.split("::", 1)[1], []).append(node)
    old, new = [], []
    for node in then:
        elsewhere = by_name.get(node.split("::", 1)[1], [])
        found = node if node in present else (elsewhere[0] if len(elsewhere) == 1 else None)
        if found is not None and found not in new:
            old.append(node)
            new.append(found)
    return old, new


def started(checkout: Path, selection: Path, log: Path) -> int:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    command = [".venv/bin/pytest", "-q", "-p", "no:cacheprovider", f"@{selection}"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=checkout, env=env, stdout=out, stderr=out)
    return process.pid


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--then", default=THEN)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "suite-then")
    options = parser.parse_args()
    old_checkout = options.work / "checkout"
    options.work.mkdir(parents=True, exist_ok=True)
    if not old_checkout.exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(old_checkout)], check=True)
    subprocess.run(["git", "checkout", "-q", options.then], cwd=old_checkout, check=True)
    for checkout in (old_checkout, ROOT):
        subprocess.run(["make", "-s", "install"], cwd=checkout, check=True)
        subprocess.run([".venv/bin/python", "manage.py", "compilemessages", "-v0"],
                       cwd=checkout, check=True, capture_output=True)  # fmt: skip
    then, now = collected(old_checkout), collected(ROOT)
    old, new = matched(then, now)
    print(f"{len(then)} tests then, {len(now)} now; {len(old)} of then still exist")
    runs = {}
    for name, checkout, selection in (("then", old_checkout, old), ("now", ROOT, new)):
        listed = options.work / f"{name}.txt"
        listed.write_text("\n".join(selection) + "\n")
        log = options.work / f"{name}.log"
        runs[started(checkout, listed, log)] = (name, log, time.monotonic())
    cpu = {}
    while runs:
        pid, status, usage = os.wait4(-1, 0)
        if pid not in runs:
            continue
        name, log, began = runs.pop(pid)
        cpu[name] = usage.ru_utime + usage.ru_stime
        summary = (log.read_text().strip().splitlines() or ["(no output)"])[-1]
        print(f"{name}: {summary}; wall {time.monotonic() - began:.0f} s, CPU {cpu[name]:.0f} s "
              f"(exit {os.waitstatus_to_exitcode(status)}; log {log})")  # fmt: skip
    print(f"now / then: {cpu['now'] / cpu['then']:.2f} of the CPU time (target: at most 0.50)")
    return 0 if cpu["now"] <= cpu["then"] / 2 else 1


if __name__ == "__main__":
    sys.exit(main())
