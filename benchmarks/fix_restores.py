"""How often `flake8-async-tips fix` restores the original code of a mutated site.

    .venv/bin/python benchmarks/fix_restores.py --max-files 60
    .venv/bin/python benchmarks/fix_restores.py --max-files 100 --seed 3 --projects trio,anyio

The mutants are those of benchmarks/mutants.py (same corpus, sample, trees
and flake8 runs: its functions do the work): `await`, `async with` and
`async for` deleted from real code.  A site is REPORTED as mutants.py scores
it.  Then the fix command runs on each kind's mutants, in their mirrored
trees (`python -m flake8_async_tips fix --isolated` with mutants.py's
selection), and a reported site is RESTORED when its lines in the fixed file
are the original's lines again (lines matched with difflib, so an inserted
import does not shift the count).  Printed: per kind, reported sites,
restored ones and their share, and the sites neither restored nor left as
they were (a fix that wrote something else: each is listed).
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402
import corpus  # noqa: E402
import mutants  # noqa: E402
import mutation  # noqa: E402

FIX_SELECTION = ["--select=ASY000,ASY1,ASY2,ASY3", "--extend-ignore=ASY104"]


def run_fix(python: Path, paths: list[Path], work: Path, kind: str) -> None:
    """The fix command over one kind's mutant files, in place (they are files of their own, not links)."""
    argv = [str(python), "-m", "flake8_async_tips", "fix", "--isolated", *FIX_SELECTION, *map(str, paths)]
    log = work / f"fix-{kind.replace(' ', '-')}.txt"
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=compare.CHILD_ENV, cwd=str(work))
    log.write_text(result.stdout + result.stderr)
    print(f"  fix {kind:10s}: {len(paths):4d} files, {time.perf_counter() - started:6.1f} s; "
          f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ''}", flush=True)


def restored_lines(original: str, fixed: str) -> set[int]:
    """The 1-based lines of the original found unchanged in the fixed text, in order."""
    before, after = original.splitlines(), fixed.splitlines()
    if len(before) == len(after):  # the usual case: no fix added or removed a line
        return {number for number, (old, new) in enumerate(zip(before, after), 1) if old == new}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    same = set()
    for block in matcher.get_matching_blocks():
        same.update(range(block.a + 1, block.a + block.size + 1))
    return same


def verdicts(files: list[dict], sites: list[dict], linted: dict) -> list[dict]:
    """Each reported site with `restored` (its lines are the original's) and `changed` (the fix touched it)."""
    by_key = {(f["project"], f["rel"]): f for f in files}
    same_lines: dict[tuple, tuple[set[int], set[int]]] = {}  # per mutant: (as the original, as the mutant)
    out = []
    for site in sites:
        if not site["reported"]:
            continue
        key = (site["project"], site["file"])
        if (key, site["kind"]) not in same_lines:
            original = by_key[key]["path"].read_bytes().decode("utf-8")
            mutant = by_key[key]["mutants"][site["kind"]][0]
            fixed = linted[site["kind"]][key].read_bytes().decode("utf-8", "replace")
            same_lines[key, site["kind"]] = (restored_lines(original, fixed), restored_lines(mutant, fixed))
        as_original, as_mutant = same_lines[key, site["kind"]]
        lines = set(range(site["line"], site["head_end_line"] + 1))
        restored = lines <= as_original
        untouched = lines <= as_mutant
        out.append({**site, "restored": restored, "changed_otherwise": not restored and not untouched})
    return out


def report(checked: list[dict], linted: dict) -> None:
    print("\n| kind | reported sites | restored by fix | share |\n|---|---|---|---|")
    totals = collections.Counter()
    for kind in mutation.KINDS:
        of_kind = [site for site in checked if site["kind"] == kind]
        restored = sum(site["restored"] for site in of_kind)
        totals["reported"] += len(of_kind)
        totals["restored"] += restored
        share = f"{100 * restored / len(of_kind):.1f} %" if of_kind else "-"
        print(f"| {kind} | {len(of_kind)} | {restored} | {share} |")
    share = f"{100 * totals['restored'] / totals['reported']:.1f} %" if totals["reported"] else "-"
    print(f"| all | {totals['reported']} | {totals['restored']} | {share} |")
    wrong = [site for site in checked if site["changed_otherwise"]]
    print(f"\nreported sites the fix changed into something else than the original: {len(wrong)}")
    for site in wrong:
        print(f"  [{site['kind']}] {site['project']}/{site['file']}:{site['line']}: {site['source_line'].strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default="worktree", help="the plugin code: a commit-ish or 'worktree' (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-files", type=int, default=60, help="files sampled among the candidates (default 60)")
    parser.add_argument("--projects", default="", help="comma-separated projects of realworld.PROJECTS, or stdlib")
    parser.add_argument("--jobs", type=int, default=2, help="flake8 -j (default 2)")
    parser.add_argument("--with-python", type=Path, default=compare.DEFAULT_WITH_PYTHON)
    args = parser.parse_args()

    snapshot, described = compare.freeze_plugin(args.plugin, args.with_python)  # sets compare.CHILD_ENV
    work = corpus.cache_dir() / "work" / f"fix-restores-{time.strftime('%Y%m%d-%H%M%S')}"
    work.mkdir(parents=True)
    print(f"plugin: {described}, frozen in {snapshot}\nwork:   {work}", flush=True)
    projects = {p.strip() for p in args.projects.split(",") if p.strip()} or None
    candidates = mutants.candidate_files(projects)
    files = mutants.add_mutants(mutants.sample(candidates, args.max_files, args.seed))
    print(f"files:  {len(files)} of {len(candidates)} candidates", flush=True)
    linted = mutants.build_trees(files, work)
    runs = {v: mutants.run_flake8(args.with_python, v, linted[v], args.jobs, work) for v in mutants.VARIANTS}
    sites = mutants.score(files, runs)["sites"]
    for kind in mutation.KINDS:
        run_fix(args.with_python, list(linted[kind].values()), work, kind)
    checked = verdicts(files, sites, linted)
    (work / "results.json").write_text(json.dumps({"plugin": described, "seed": args.seed,
                                                   "max_files": args.max_files, "sites": checked}, indent=1))
    report(checked, linted)
    shutil.rmtree(work / "trees")
    print(f"\nresults: {work / 'results.json'}")


if __name__ == "__main__":
    main()
