"""Assemble docs/validation.md from the section files, optionally re-running the studies.

    .venv/bin/python docs/validation/build.py            # join the sections as they are
    .venv/bin/python docs/validation/build.py --rerun    # re-run every study first (~15 min)
    .venv/bin/python docs/validation/build.py --rerun --quick   # smoke run of every study

Each study is a script beside this one that writes its figures to docs/figures/ and its section
to docs/validation/<study>.md; this script only puts them in order under one introduction.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDIES = ("classic", "thresholds", "peers", "economics", "cascades")
"""In the order of the report, after intro.md."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rerun", action="store_true", help="re-run every study first")
    parser.add_argument("--quick", action="store_true", help="with --rerun: smoke runs")
    args = parser.parse_args()
    if args.rerun:
        for study in STUDIES:
            command = [sys.executable, str(HERE / f"{study}.py")] + (["--quick"] * args.quick)
            print("running", " ".join(command), flush=True)
            subprocess.run(command, check=True)
    parts = [(HERE / "intro.md").read_text()]
    for study in STUDIES:
        parts.append((HERE / f"{study}.md").read_text().strip() + "\n")
    target = HERE.parent / "validation.md"
    target.write_text("\n".join(parts))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
