"""Mutation recall: how many of the async keywords deleted from real code the plugin reports.

    .venv/bin/python benchmarks/mutants.py                       # the default sample, plugin at HEAD
    .venv/bin/python benchmarks/mutants.py --plugin worktree --misses 40
    .venv/bin/python benchmarks/mutants.py --max-files 100 --seed 3 --projects trio,anyio

Corpus: the real code of scripts/realworld.py (its 17 pinned sdists, every
file, and this interpreter's asyncio and test/test_asyncio), fetched by that
script's own functions.  Candidates are the files with at least one site of
a kind (737 sdist files and the stdlib's): by default a seeded sample of
--max-files of them (300; --max-files 0 takes all), random.Random(--seed)
over the candidates sorted by project and path, so one seed always picks
the same files.

Mutants (benchmarks/mutation.py): per file and kind, every site of the kind
mutated at once, one mutant file per (file, kind): `await CALL(...)`
statements lose `await`, `async with` becomes `with`, `async for` becomes
`for`.  Each mutant is a bug: what was awaited, entered or iterated is
async-only.  Line numbers are kept.

Trees: every mutant has to sit where its original sits, or the plugin's
reading of sibling modules (`from .client import Client`, `from helpers
import x` in tests/) would change.  For each variant (the originals and each
kind) each project's tree is mirrored under the run's work directory with
hard links (cheap: nothing is copied; only .py and .pyi files and the
project's pyproject.toml, setup.cfg, setup.py, tox.ini and pytest.ini are linked),
then each mutated file is unlinked and written anew (the corpus is never
written through a link).  A variant's mirror holds all of its mutants at
once, so a module the plugin reads for another may be a mutant too: that
changes next to nothing it reads there (a mutation changes a statement in a
function body, not what a module defines; at most what a function returns,
when it returns the target of a mutated `async with ... as x`).  The stdlib's asyncio
and test/test_asyncio are mirrored with test/__init__.py, so their relative
imports stay inside the mirror.  The trees are deleted at the end
(--keep-trees keeps them).

Runs: real flake8, one run per variant over that variant's files:
`python -m flake8 --isolated -j2 --select ASY000,ASY1,ASY2,ASY3,E999,E902
--extend-ignore ASY104 --disable-noqa` (scripts/realworld.py's pass 1: ASY104
is default-off and `--select ASY1` would turn it on; a bare `# noqa` on a
site would hide every finding there), with the plugin code frozen as
benchmarks/compare.py freezes it (--plugin: a commit, default HEAD, or
'worktree'; its copy first on PYTHONPATH).  ASY000, E999 and E902 are
failures, counted apart, never findings.

Scoring, per site:
* new findings: those of the mutant that the original has not (same line and code);
* the site's lines: from the keyword's line to the end of what it names (the
  callee of `await f(...)`, the context expressions, the iterable);
* REPORTED when a new finding on the site's lines has a code that reports
  this kind of bug: ASY100/ASY106/ASY204 for `await` (a coroutine, or a task
  or future, dropped), ASY302 for `async with`, ASY301/ASY307 for `async for`.
  A new finding there with another code is counted as "other code" and not
  as reported: it points at the line but does not say what is wrong;
* precision smells: new findings (line, column, code) of a mutant on none of
  its sites' lines; each is listed.  Removing an `await` can make a later
  line wrong too, so a smell is a lead, not a false positive yet.

--misses N prints N missed sites (random.Random(--seed) sample over all
misses) with their source line and a label from benchmarks/miss_labels.py,
and the count of every label over all misses.

Everything (manifest of sites, flake8 outputs, results.json) goes to
$FLAKE8_ASYNC_TIPS_CORPUS/benchmarks/work/mutants-<time>/.
"""

from __future__ import annotations

import argparse
import ast
import collections
import hashlib
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "scripts"))
import compare  # noqa: E402
import corpus  # noqa: E402
import miss_labels  # noqa: E402
import mutation  # noqa: E402
import realworld  # noqa: E402

VARIANTS = ("original", *mutation.KINDS)
# The codes that report each kind's bug: a new finding with one of them on the site's lines is a hit.
EXPECTED_CODES = {
    "await": {"ASY100", "ASY106", "ASY204"},
    "async with": {"ASY302"},
    "async for": {"ASY301", "ASY307"},
}
FAILURE_CODES = {"ASY000", "E999", "E902"}
# About 2/5 of the candidate files: a run within ~5 minutes on a shared 2-core machine (all 770: ~14 min).
DEFAULT_MAX_FILES = 300


# --- the files and their mutants --------------------------------------------------


def candidate_files(projects: set[str] | None) -> list[dict]:
    """Every corpus file with a site of some kind: project, root, path relative to it, path."""
    targets = realworld.corpus_targets(False, realworld.cache_root(), [])
    # Finding them parses every file that says "async" (~40 s): remembered per corpus and mutation code.
    key = hashlib.sha1(json.dumps([realworld.PROJECTS, sys.version, [str(t["root"]) for t in targets],
                                   Path(mutation.__file__).read_text()]).encode()).hexdigest()[:12]
    remembered = corpus.cache_dir() / f"mutants-candidates-{key}.json"
    if not remembered.is_file():
        remembered.write_text(json.dumps(_scan(targets)))
    found = []
    for project, root, mirror_parts, rel in json.loads(remembered.read_text()):
        if not projects or project in projects:
            found.append({"project": project, "root": Path(root), "mirror": mirror_parts, "rel": rel,
                          "path": Path(root) / rel})
    return found


def _scan(targets: list[dict]) -> list[list]:
    found = []
    for target in targets:
        root = target["root"]
        for path in corpus.python_files(target["paths"]):
            raw = path.read_bytes()
            if b"async" not in raw and b"await" not in raw:
                continue  # no site can be there: spare the parse
            try:
                tree = ast.parse(raw)
            except SyntaxError:
                continue  # not this interpreter's syntax (flake8 would say E999)
            if any(mutation.find_sites(tree, kind) for kind in mutation.KINDS):
                found.append([target["project"], str(root), _mirror_roots(target), str(path.relative_to(root))])
    return sorted(found, key=lambda f: (f[0], f[3]))


def add_mutants(files: list[dict]) -> list[dict]:
    """Each file with its mutants {kind: (text, sites)}; files the mutation step refuses are left out."""
    kept = []
    for file in files:
        try:
            source = file["path"].read_bytes().decode("utf-8")
            mutants = {kind: mutation.mutate(source, kind) for kind in mutation.KINDS}
        except (UnicodeDecodeError, ValueError) as error:
            realworld.log(f"skipped {file['path']}: {type(error).__name__}: {error}")
            continue
        kept.append({**file, "mutants": {kind: m for kind, m in mutants.items() if m[1]}})
    return kept


def _mirror_roots(target: dict) -> list[str]:
    """What of the project's root is mirrored: its linted paths, relative to the root."""
    return [str(path.relative_to(target["root"])) for path in target["paths"]]


def sample(files: list[dict], max_files: int, seed: int) -> list[dict]:
    if not max_files or max_files >= len(files):
        return files
    chosen = random.Random(seed).sample(files, max_files)
    return sorted(chosen, key=lambda f: (f["project"], f["rel"]))


# --- the trees ---------------------------------------------------------------------


def _link_or_copy(source: str, dest: str) -> None:
    if os.path.exists(dest) and os.path.samefile(source, dest):
        return  # a project file linked before its tree
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


# Besides Python sources the plugin reads the files that mark a project's top
# and carry pytest's `pythonpath` (flake8_async_tips.project.PROJECT_MARKERS):
# without them a mirror would lose the project's src/ and ini import roots.
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "pytest.ini")


def _not_python(directory: str, names: list[str]) -> list[str]:
    # Docs, data and C sources need no link.
    return [
        name for name in names
        if name == "__pycache__"
        or not (
            name.endswith((".py", ".pyi")) or name in PROJECT_FILES or os.path.isdir(os.path.join(directory, name))
        )
    ]


def mirror(root: Path, parts: list[str], dest: Path) -> None:
    """`root`'s `parts` (relative paths) under `dest`, hard-linked, with the __init__.py files above them."""
    for marker in PROJECT_FILES:
        if (root / marker).is_file() and not (dest / marker).exists():
            dest.mkdir(parents=True, exist_ok=True)
            _link_or_copy(str(root / marker), str(dest / marker))
    for part in parts:
        source = root / part
        if part == ".":
            shutil.copytree(root, dest, copy_function=_link_or_copy, dirs_exist_ok=True, ignore=_not_python)
            continue
        for parent in Path(part).parents:
            init = root / parent / "__init__.py"
            if parent != Path(".") and init.is_file() and not (dest / parent / "__init__.py").exists():
                (dest / parent).mkdir(parents=True, exist_ok=True)
                _link_or_copy(str(init), str(dest / parent / "__init__.py"))
        shutil.copytree(source, dest / part, copy_function=_link_or_copy, dirs_exist_ok=True, ignore=_not_python)


def build_trees(files: list[dict], work: Path) -> dict[str, dict[tuple[str, str], Path]]:
    """{variant: {(project, rel): path to lint}}; the mutants written into their variant's mirror."""
    linted: dict[str, dict[tuple[str, str], Path]] = {variant: {} for variant in VARIANTS}
    mirrored: set[tuple[str, str]] = set()
    for file in files:
        for variant in VARIANTS:
            if variant != "original" and variant not in file["mutants"]:
                continue
            project_dir = work / "trees" / variant / file["project"]
            if (variant, file["project"]) not in mirrored:
                mirror(Path(file["root"]), file["mirror"], project_dir)
                mirrored.add((variant, file["project"]))
            path = project_dir / file["rel"]
            if variant != "original":
                path.unlink()  # a hard link to the corpus: never write through it
                path.write_bytes(file["mutants"][variant][0].encode("utf-8"))
            linted[variant][(file["project"], file["rel"])] = path
    return linted


# --- flake8 ------------------------------------------------------------------------


def run_flake8(python: Path, variant: str, paths: dict[tuple[str, str], Path], jobs: int, work: Path) -> dict:
    """Findings {(project, rel): [(line, col, code, text)]}, failures, and the run's timing."""
    out_path = work / f"flake8-{variant.replace(' ', '-')}.txt"
    # --disable-noqa: a bare `# noqa` the project wrote for another reason
    # (`async for _ in it:  # noqa`) would hide any finding on the site; the
    # type checkers this benchmark is compared with do not read it either.
    extra = [*realworld.PASS1_SELECT, "--disable-noqa", f"--format={realworld.FORMAT}"]
    timing = compare.timed_run(compare.flake8_argv(python, list(paths.values()), jobs, extra), out_path)
    back = {str(path): key for key, path in paths.items()}
    findings: dict[tuple[str, str], list[tuple[int, int, str, str]]] = collections.defaultdict(list)
    failures = []
    for line in out_path.read_text().splitlines():
        path, row, col, code, text = line.split("\t", 4)
        key = back[path]
        if code in FAILURE_CODES:
            failures.append({"variant": variant, "project": key[0], "file": key[1], "line": int(row),
                             "code": code, "text": text})
        else:
            findings[key].append((int(row), int(col), code, text))
    stderr = out_path.with_suffix(".err").read_text().strip()
    print(f"  {variant:10s}: {len(paths):4d} files, {sum(map(len, findings.values())):5d} findings, "
          f"{timing['wall']:6.1f} s wall, {timing['cpu']:6.1f} s CPU", flush=True)
    return {"findings": findings, "failures": failures, "timing": timing, "stderr": stderr[:4000]}


# --- scoring -----------------------------------------------------------------------


def score(files: list[dict], runs: dict[str, dict]) -> dict:
    """Every site with its verdict, and the precision smells."""
    sites, smells = [], []
    original = runs["original"]["findings"]
    for file in files:
        key = (file["project"], file["rel"])
        before = original.get(key, [])
        before_line_codes = {(f[0], f[2]) for f in before}
        before_exact = {f[:3] for f in before}
        for kind, (_, kind_sites) in file["mutants"].items():
            after = runs[kind]["findings"].get(key, [])
            new = [f for f in after if (f[0], f[2]) not in before_line_codes]
            site_lines = set()
            for site in kind_sites:
                lines = range(site.line, site.head_end_line + 1)
                site_lines.update(lines)
                on_site = [f for f in new if f[0] in lines]
                codes = sorted({f[2] for f in on_site})
                hit = any(code in EXPECTED_CODES[kind] for code in codes)
                sites.append({
                    "project": file["project"], "file": file["rel"], "line": site.line, "col": site.col,
                    "kind": kind, "source_line": site.source_line, "head_end_line": site.head_end_line,
                    "reported": hit, "other_code": bool(codes) and not hit, "codes": codes,
                })
            for f in after:
                if f[0] not in site_lines and f[:3] not in before_exact:
                    smells.append({"project": file["project"], "file": file["rel"], "kind": kind, "line": f[0],
                                   "col": f[1], "code": f[2], "text": f[3]})
    return {"sites": sites, "smells": smells}


def tally(sites: list[dict]) -> dict:
    """{kind: {project or "all": {sites, reported, other_code, recall}}}."""
    table: dict = {}
    for site in sites:
        for project in ("all", site["project"]):
            row = table.setdefault(site["kind"], {}).setdefault(project, {"sites": 0, "reported": 0, "other_code": 0})
            row["sites"] += 1
            row["reported"] += site["reported"]
            row["other_code"] += site["other_code"]
    for per_project in table.values():
        for row in per_project.values():
            row["recall"] = row["reported"] / row["sites"]
    return table


def label_misses(files: list[dict], sites: list[dict]) -> None:
    """Sets "label" on every missed site (the original file parsed once per file)."""
    roots = {(f["project"], f["rel"]): Path(f["root"]) for f in files}
    by_file = collections.defaultdict(list)
    for site in sites:
        if not site["reported"]:
            by_file[(site["project"], site["file"])].append(site)
    for key, missed in by_file.items():
        root = roots[key]
        path = root / key[1]
        labeler = miss_labels.FileLabeler(ast.parse(path.read_bytes()), path, root)
        for site in missed:
            site["label"] = f"{site['kind']}: {labeler.label(site['kind'], site['line'], site['col'])}"


# --- output ------------------------------------------------------------------------


def markdown(results: dict) -> str:
    table = results["table"]
    out = ["| kind | sites | reported | recall | other ASY code on the site |", "|---|---|---|---|---|"]
    for kind in mutation.KINDS:
        row = table.get(kind, {}).get("all")
        if row:
            out.append(f"| {kind} | {row['sites']} | {row['reported']} | {row['recall']:.2f} | {row['other_code']} |")
    projects = sorted({p for per in table.values() for p in per if p != "all"})
    out += ["", "| project | " + " | ".join(f"{k}: reported / sites (recall)" for k in mutation.KINDS) + " |",
            "|---|" + "---|" * len(mutation.KINDS)]
    for project in projects:
        cells = []
        for kind in mutation.KINDS:
            row = table.get(kind, {}).get(project)
            cells.append(f"{row['reported']} / {row['sites']} ({row['recall']:.2f})" if row else "")
        out.append(f"| {project} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def print_misses(results: dict, count: int, seed: int) -> None:
    missed = [s for s in results["sites"] if not s["reported"]]
    labels = collections.Counter(s["label"] for s in missed)
    print(f"\nmiss labels ({len(missed)} missed sites):\n")
    print("| missed | label |\n|---|---|")
    for label, number in labels.most_common():
        print(f"| {number} | {label} |")
    chosen = random.Random(seed).sample(missed, min(count, len(missed)))
    print(f"\n{len(chosen)} missed sites (seed {seed}):")
    for site in chosen:
        print(f"  {site['project']}/{site['file']}:{site['line']}:{site['col']}  {site['label']}")
        print(f"      {site['source_line'].strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default="HEAD", help="the plugin code: a commit-ish (default HEAD) or 'worktree'")
    parser.add_argument("--seed", type=int, default=0, help="seed of the file sample and of the misses shown")
    parser.add_argument("--max-files", type=int, default=DEFAULT_MAX_FILES,
                        help=f"files sampled among the candidates (default {DEFAULT_MAX_FILES}; 0: all of them)")
    parser.add_argument("--projects", default="", help="comma-separated projects of realworld.PROJECTS, or stdlib")
    parser.add_argument("--jobs", type=int, default=2, help="flake8 -j (default 2)")
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="print N missed sites and the label counts")
    parser.add_argument("--keep-trees", action="store_true", help="keep the mirrored trees with the mutants")
    parser.add_argument("--with-python", type=Path, default=compare.DEFAULT_WITH_PYTHON)
    args = parser.parse_args()

    started = time.perf_counter()
    snapshot, described = compare.freeze_plugin(args.plugin, args.with_python)  # sets compare.CHILD_ENV
    work = corpus.cache_dir() / "work" / f"mutants-{time.strftime('%Y%m%d-%H%M%S')}"
    work.mkdir(parents=True)
    print(f"plugin: {described}, frozen in {snapshot}\nwork:   {work}", flush=True)

    projects = {p.strip() for p in args.projects.split(",") if p.strip()} or None
    candidates = candidate_files(projects)
    files = add_mutants(sample(candidates, args.max_files, args.seed))
    manifest = [
        {"project": f["project"], "file": f["rel"], "line": s.line, "col": s.col, "kind": s.kind,
         "source_line": s.source_line, "head_end_line": s.head_end_line}
        for f in files for _, sites in f["mutants"].values() for s in sites
    ]
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
    per_kind = collections.Counter(site["kind"] for site in manifest)
    print(f"files:  {len(files)} of {len(candidates)} candidates; {len(manifest)} sites "
          f"({', '.join(f'{kind} {per_kind[kind]}' for kind in mutation.KINDS)})", flush=True)

    building = time.perf_counter()
    linted = build_trees(files, work)
    print(f"trees:  {sum(map(len, linted.values()))} files to lint, mirrored in "
          f"{time.perf_counter() - building:.1f} s", flush=True)
    runs = {variant: run_flake8(args.with_python, variant, linted[variant], args.jobs, work) for variant in VARIANTS}
    scored = score(files, runs)
    label_misses(files, scored["sites"])
    results = {
        "plugin": described, "seed": args.seed, "max_files": args.max_files, "projects": sorted(projects or []),
        "files": len(files), "candidates": len(candidates), "table": tally(scored["sites"]),
        "sites": scored["sites"], "smells": scored["smells"],
        "failures": [f for run in runs.values() for f in run["failures"]],
        "stderr": {v: r["stderr"] for v, r in runs.items() if r["stderr"]},
        "timing": {v: r["timing"] for v, r in runs.items()},
    }
    if not args.keep_trees:
        shutil.rmtree(work / "trees")
    results["wall_seconds"] = time.perf_counter() - started
    (work / "results.json").write_text(json.dumps(results, indent=1))

    print("\n" + markdown(results))
    print(f"\nprecision smells: {len(results['smells'])} new findings on no mutated line")
    for smell in results["smells"]:
        print(f"  [{smell['kind']}] {smell['project']}/{smell['file']}:{smell['line']}:{smell['col']} "
              f"{smell['code']} {smell['text']}")
    if results["failures"] or results["stderr"]:
        print(f"\nfailures: {results['failures']}\nstderr: {results['stderr']}")
    if args.misses:
        print_misses(results, args.misses, args.seed)
    print(f"\nresults: {work / 'results.json'}  ({results['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
