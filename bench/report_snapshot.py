"""Write the JSON report of every fixture and corpus document, to show a change keeps behaviour.

    python bench/report_snapshot.py OUT_DIR             # one `extract -f json` report per document
    python bench/report_snapshot.py OUT_DIR --compare OLD_DIR

Each report is the command line's own output (`python -m citecheck extract --format json`), with
`checked_at` removed (the only field that changes between runs). Run it on two checkouts (or
before and after a change) and compare: a refactoring that keeps behaviour leaves every report
byte-identical. `--root` runs another checkout's code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documents(root: Path) -> list[Path]:
    """Every fixture document and every corpus extraction, in a stable order."""
    found = [p for p in (root / "fixtures").rglob("*") if p.is_file() and p.suffix != ".json"]
    found += sorted((root / "bench" / "corpus" / "docs").rglob("*.txt"))
    return sorted(found)


def report(path: Path, code_root: Path) -> str:
    """The document's JSON report as the CLI writes it, without `checked_at`."""
    # `-S` and the packages' folders on PYTHONPATH: an editable install's import hook would
    # otherwise load the installed checkout whatever the path says
    packages = [p for p in sys.path if p.endswith("site-packages")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code_root), *packages]), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-S", "-m", "citecheck", "extract", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=code_root,  # `-m` puts the working folder first on the path
        check=False,
    )
    if not done.stdout.strip():
        return f"exit {done.returncode}\n{done.stderr}"
    data = json.loads(done.stdout)
    data.pop("checked_at", None)
    return f"exit {done.returncode}\n" + json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="a snapshot directory to compare with")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code runs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = documents(ROOT)
    for path in paths:
        name = path.relative_to(ROOT).as_posix().replace("/", "__") + ".json"
        (args.out / name).write_text(report(path, args.root.resolve()), encoding="utf-8")
    print(f"{len(paths)} reports written to {args.out}")
    if args.compare is None:
        return 0
    old = {p.name: p.read_bytes() for p in args.compare.glob("*.json")}
    new = {p.name: p.read_bytes() for p in args.out.glob("*.json")}
    differ = sorted(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(new) - len(differ)} of {len(new)} identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
