"""flake8 with flake8-async-tips against the same flake8 without it, on real async code.

    python benchmarks/compare.py                       # the slice, every mode, 3 rounds
    python benchmarks/compare.py --set full --modes default,ignore-asy,j2
    python benchmarks/compare.py --modes scaling --rounds 5

"With" is flake8 run by --with-python (default: this repo's .venv), which has
the plugin installed editable.  "Without" is a second venv under the corpus
cache (<cache>/benchmarks/baseline-venv-*), built from the same base
interpreter, with exactly the same versions of flake8, pyflakes, pycodestyle
and mccabe as the "with" venv (and of any other flake8 plugin distribution
installed there, e.g. a reporter) and nothing else: the plugin (and its
dependencies, astroid and flake8-plugin-utils) is simply not installed, so
flake8 never sees its entry point.  Both venvs' flake8 plugin lists are
printed and checked (the "without" one must be exactly the "with" one minus
ASY).  Each run is `python -m flake8 -j1 --isolated ...` (--isolated: no
config file of the corpus or of the cwd is read), with the two variants
alternating within each round (with/without, then without/with, ...).

The plugin's code is frozen first (--plugin, default HEAD: `git archive` of
that commit's flake8_async_tips/ into the cache; or 'worktree'), and that
copy is put first on PYTHONPATH for every run of both variants: the
"with" venv's editable install would otherwise pick up edits made while
the benchmark runs.  The copy is byte-compiled first, as pip compiles
what it installs: flake8 and its checkers run from bytecode in both
venvs, and so does the plugin (where PYTHONDONTWRITEBYTECODE is set, as
on some CI machines, it would otherwise be compiled anew by every run).  The "with" venv's entry point is what registers ASY.

Measured per run, from os.wait4() of the child (its rusage includes any
worker processes it reaped, for -j2): CPU time = user + sys, wall time, and
peak RSS = ru_maxrss (the maximum over single processes, not a sum).
Reported: medians over the rounds, the median of the per-round CPU ratios
(with / without), and lines/sec (lines of the .py files / median wall time).

Every run's output is kept and checked: all rounds of a variant must print
the same thing, and the "with" output minus its ASY lines must equal the
"without" output (the plugin must not change what other checks report).

Modes:
  default     flake8 defaults (every installed plugin, default select).
  ignore-asy  both runs with `--extend-ignore ASY`: what a user who turned the
              plugin's codes off still pays for having it installed.
  stdlib-sync default flake8 on pure-sync stdlib packages (no async code at all).
  scaling     the slice copied 1x, 2x, 4x into separate trees; default mode.
  j2          with the plugin, --j2-rounds -j2 runs on the main set, each
              diffed against the -j1 output (the default mode's first "with"
              run when that mode ran, else a fresh -j1 run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WITH_PYTHON = REPO / ".venv" / "bin" / "python"
SAME_VERSIONS = ("flake8", "pyflakes", "pycodestyle", "mccabe")


# --- the two flake8s -------------------------------------------------------------


# Set by main(): PYTHONPATH=<frozen copy of the plugin>, for every child (both variants).
CHILD_ENV: dict[str, str] | None = None


def _py(python: Path, code: str) -> str:
    # Not from the repo: `python -c` puts the cwd on sys.path, and the repo's egg-info would show the plugin.
    corpus.cache_dir().mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True, cwd=str(corpus.cache_dir()),
        env=CHILD_ENV,
    ).stdout.strip()


def versions_of(python: Path) -> dict[str, str]:
    """flake8 and its checkers, plus every other installed flake8 plugin distribution but this one."""
    code = (
        "import importlib.metadata as m, json\n"
        f"found = {{n: m.version(n) for n in {list(SAME_VERSIONS)!r}}}\n"
        "for g in ('flake8.extension', 'flake8.report'):\n"
        "    for e in m.entry_points(group=g):\n"
        "        name = e.dist.metadata['Name']\n"
        "        if name.lower().replace('_', '-') != 'flake8-async-tips':\n"
        "            found.setdefault(name, e.dist.version)\n"
        "print(json.dumps(dict(sorted(found.items()))))"
    )
    return json.loads(_py(python, code))


def flake8_plugins(python: Path) -> list[str]:
    """The flake8 plugin entry points this interpreter sees (name=value)."""
    code = (
        "import importlib.metadata as m; "
        "print('\\n'.join(sorted(f'{g}:{e.name}={e.value}' for g in ('flake8.extension', 'flake8.report') "
        "for e in m.entry_points(group=g))))"
    )
    return _py(python, code).splitlines()


def baseline_python(with_python: Path) -> Path:
    """A venv with the same flake8 (and pyflakes/pycodestyle/mccabe) as `with_python`, without the plugin."""
    pins = versions_of(with_python)
    base = _py(with_python, "import sys; print(getattr(sys, '_base_executable', sys.executable))")
    tag = hashlib.sha1(json.dumps([base, pins]).encode()).hexdigest()[:10]
    venv = corpus.cache_dir() / f"baseline-venv-flake8-{pins['flake8']}-{tag}"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv}", flush=True)
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *(f"{k}=={v}" for k, v in pins.items())],
            check=True,
        )
    if versions_of(python) != pins:
        raise SystemExit(f"baseline venv {venv} has {versions_of(python)}, want {pins}")
    return python


def check_plugin_sets(with_python: Path, without_python: Path) -> dict[str, list[str]]:
    with_plugins = flake8_plugins(with_python)
    without_plugins = flake8_plugins(without_python)
    asy = [p for p in with_plugins if ":ASY=" in p]
    if not asy:
        raise SystemExit(f"{with_python} does not see the ASY plugin")
    if sorted(set(with_plugins) - set(asy)) != sorted(without_plugins):
        raise SystemExit(f"plugin sets differ beyond ASY:\n with: {with_plugins}\n without: {without_plugins}")
    return {"with": with_plugins, "without": without_plugins}


def freeze_plugin(ref: str, with_python: Path) -> tuple[Path, str]:
    """Freeze the plugin at `ref` (corpus.plugin_snapshot), put it first on every child's PYTHONPATH, check it."""
    global CHILD_ENV
    snapshot, described = corpus.plugin_snapshot(ref)
    CHILD_ENV = {**os.environ, "PYTHONPATH": str(snapshot)}
    # Byte-compiled as pip compiles what it installs (flake8 and its checkers in both venvs
    # run from bytecode): with PYTHONDONTWRITEBYTECODE set, the copy would be compiled anew by every run.
    _py(with_python, f"import compileall; compileall.compile_dir({str(snapshot)!r}, quiet=1)")
    loaded = _py(with_python, "import flake8_async_tips, os; print(os.path.dirname(flake8_async_tips.__file__))")
    if Path(loaded) != snapshot / "flake8_async_tips":
        raise SystemExit(f"{with_python} imports the plugin from {loaded}, not from the snapshot {snapshot}")
    return snapshot, described


# --- one timed run -------------------------------------------------------------------


def timed_run(argv: list[str], out_path: Path) -> dict[str, float]:
    """Run argv, stdout to out_path; CPU (user+sys), wall and ru_maxrss of the child from wait4."""
    with open(out_path, "wb") as out, open(out_path.with_suffix(".err"), "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=str(corpus.cache_dir()), env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # flake8: 1 means "found something"
        raise SystemExit(f"{argv[:6]}... exited {proc.returncode}; see {out_path.with_suffix('.err')}")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "wall": wall,
        "maxrss_mb": usage.ru_maxrss / 1024,  # Linux: KiB
        "exit": proc.returncode,
    }


def flake8_argv(python: Path, paths: list[Path], jobs: int, extra: list[str]) -> list[str]:
    return [str(python), "-m", "flake8", f"-j{jobs}", "--isolated", *extra, *map(str, paths)]


def _asy_free(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if ": ASY" not in line)


def compare(
    label: str, with_python: Path, without_python: Path, paths: list[Path], rounds: int, extra: list[str],
    out_dir: Path,
) -> dict:
    files = corpus.python_files(paths)
    lines = corpus.count_lines(files)
    variants = {"with": with_python, "without": without_python}
    runs: dict[str, list[dict]] = {"with": [], "without": []}
    outputs: dict[str, list[str]] = {"with": [], "without": []}
    flags = extra or "(defaults)"
    print(f"\n== {label}: {len(files)} files, {lines} lines, {rounds} rounds, flags {flags}", flush=True)
    for index in range(rounds):
        order = ["with", "without"] if index % 2 == 0 else ["without", "with"]
        for variant in order:
            out_path = out_dir / f"{label}-{variant}-r{index}.txt"
            result = timed_run(flake8_argv(variants[variant], paths, 1, extra), out_path)
            runs[variant].append(result)
            outputs[variant].append(out_path.read_text())
            print(
                f"  round {index} {variant:8s} cpu {result['cpu']:8.2f}s wall {result['wall']:8.2f}s "
                f"rss {result['maxrss_mb']:7.1f} MB",
                flush=True,
            )
    checks = {
        "with_rounds_identical": len(set(outputs["with"])) == 1,
        "without_rounds_identical": len(set(outputs["without"])) == 1,
        "other_checks_unchanged": _asy_free(outputs["with"][0]) == outputs["without"][0],
        "asy_reports": sum(1 for line in outputs["with"][0].splitlines() if ": ASY" in line),
        "asy000_reports": sum(1 for line in outputs["with"][0].splitlines() if ": ASY000" in line),
        "total_reports_without": len(outputs["without"][0].splitlines()),
    }
    summary = summarize(runs, lines)
    summary.update(label=label, files=len(files), lines=lines, flags=extra, checks=checks, runs=runs)
    print_summary(summary)
    return summary


def summarize(runs: dict[str, list[dict]], lines: int) -> dict:
    med = {v: {k: statistics.median(r[k] for r in runs[v]) for k in ("cpu", "wall", "maxrss_mb")} for v in runs}
    ratios = [w["cpu"] / wo["cpu"] for w, wo in zip(runs["with"], runs["without"])]
    return {
        "median": med,
        "cpu_ratio_median": statistics.median(ratios),
        "cpu_ratios": ratios,
        "plugin_cpu_seconds": med["with"]["cpu"] - med["without"]["cpu"],
        "lines_per_sec_wall": {v: lines / med[v]["wall"] for v in med},
        "lines_per_sec_cpu": {v: lines / med[v]["cpu"] for v in med},
    }


def print_summary(s: dict) -> None:
    m = s["median"]
    print(
        f"  -> CPU with {m['with']['cpu']:.2f}s / without {m['without']['cpu']:.2f}s = "
        f"x{s['cpu_ratio_median']:.2f} (per-round {', '.join(f'{r:.2f}' for r in s['cpu_ratios'])}); "
        f"plugin adds {s['plugin_cpu_seconds']:.2f}s"
    )
    print(
        f"     peak RSS with {m['with']['maxrss_mb']:.0f} MB / without {m['without']['maxrss_mb']:.0f} MB; "
        f"lines/s (wall) with {s['lines_per_sec_wall']['with']:.0f} / without {s['lines_per_sec_wall']['without']:.0f}"
    )
    print(f"     checks: {s['checks']}", flush=True)


# --- modes ---------------------------------------------------------------------------


def scaled_copies(factor: int) -> list[Path]:
    """The slice copied `factor` times into separate trees (each keeps its package layout)."""
    root = corpus.cache_dir() / "work" / "scale"
    copies = []
    for index in range(1, factor + 1):
        copy = root / f"copy{index}"
        if not copy.is_dir():
            staging = copy.with_name(copy.name + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            for name, rels in corpus.SLICE.items():
                for rel in rels:
                    shutil.copytree(
                        corpus.source_dir(name) / rel, staging / name / rel,
                        ignore=shutil.ignore_patterns("__pycache__"),
                    )
            staging.rename(copy)
        copies.extend(copy / name / rel for name, rels in corpus.SLICE.items() for rel in rels)
    return copies


def j2_check(
    with_python: Path, paths: list[Path], rounds: int, out_dir: Path, label: str, reference: Path | None
) -> dict:
    """-j2 runs with the plugin, each diffed against a -j1 output (the default mode's, when it ran)."""
    files = corpus.python_files(paths)
    lines = corpus.count_lines(files)
    print(f"\n== j2 ({label}): with the plugin, {rounds} -j2 run(s) diffed against -j1", flush=True)
    runs: dict[str, list[dict]] = {"j1": [], "j2": []}
    if reference is None:
        reference = out_dir / f"j2-{label}-j1.txt"
        runs["j1"].append(timed_run(flake8_argv(with_python, paths, 1, []), reference))
    expected = reference.read_text()
    differing, diff = [], ""
    for index in range(rounds):
        out_path = out_dir / f"j2-{label}-j2-r{index}.txt"
        result = timed_run(flake8_argv(with_python, paths, 2, []), out_path)
        runs["j2"].append(result)
        print(
            f"  -j2 run {index}: cpu {result['cpu']:8.2f}s wall {result['wall']:8.2f}s "
            f"rss {result['maxrss_mb']:7.1f} MB (largest single process)", flush=True,
        )
        if out_path.read_text() != expected:
            differing.append(out_path.name)
            if not diff:
                diff = subprocess.run(["diff", str(reference), str(out_path)], capture_output=True, text=True).stdout
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("cpu", "wall", "maxrss_mb")} for k, v in runs.items() if v
    }
    summary = {
        "label": f"j2-{label}", "files": len(files), "lines": lines, "median": med, "runs": runs,
        "reference": str(reference), "identical": not differing, "differing_runs": differing,
        "diff_head": diff[:4000], "reports": len(expected.splitlines()),
    }
    print(
        f"  -> -j2 output identical to -j1 ({reference.name}): {summary['identical']} "
        f"({summary['reports']} reports); -j2 median cpu {med['j2']['cpu']:.2f}s wall {med['j2']['wall']:.2f}s",
        flush=True,
    )
    if diff:
        print(diff[:4000])
    return summary


def warm(python_list: list[Path], paths: list[Path]) -> None:
    """Compile each venv's .pyc files and pull the corpus into the page cache; nothing here is timed."""
    for path in corpus.python_files(paths):
        path.read_bytes()
    probe = corpus.cache_dir() / "work" / "warm.py"
    probe.write_text("import os\n")
    for python in python_list:
        subprocess.run([str(python), "-m", "flake8", "--isolated", str(probe)], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="slice", choices=("slice", "full", "realworld"),
                        help="main corpus (default: slice; realworld: scripts/realworld.py's 1.35M lines)")
    parser.add_argument("--modes", default="default,ignore-asy,stdlib-sync,scaling,j2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--j2-rounds", type=int, default=1, help="-j2 runs to diff against -j1 (default 1)")
    parser.add_argument("--plugin", default="HEAD",
                        help="the plugin code to measure: a commit-ish (default HEAD) or 'worktree'")
    parser.add_argument("--with-python", type=Path, default=DEFAULT_WITH_PYTHON)
    parser.add_argument("--json", type=Path, help="write every number here (default: under the cache)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")

    corpus.ensure()
    with_python = args.with_python
    snapshot, described = freeze_plugin(args.plugin, with_python)
    without_python = baseline_python(with_python)
    plugins = check_plugin_sets(with_python, without_python)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = corpus.cache_dir() / "work" / f"compare-{args.set}-{stamp}"
    out_dir.mkdir(parents=True)
    print(f"with:    {with_python}  {versions_of(with_python)}")
    print(f"without: {without_python}")
    print(f"plugin:  {described}, frozen in {snapshot} (PYTHONPATH of every run)")
    print("plugins with:    " + ", ".join(p.split("=")[0] for p in plugins["with"]))
    print("plugins without: " + ", ".join(p.split("=")[0] for p in plugins["without"]))
    print(f"machine: {os.cpu_count()} cpus, python {sys.version.split()[0]}; outputs in {out_dir}", flush=True)

    main_paths = corpus.paths(args.set)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    results: dict = {"set": args.set, "rounds": args.rounds, "plugins": plugins, "plugin_code": described,
                     "modes": {}}
    warm([with_python, without_python], main_paths)

    # Fixed cost: one empty file (interpreter start, plugin discovery and imports).
    empty = corpus.cache_dir() / "work" / "empty.py"
    empty.write_text("")
    results["modes"]["startup"] = compare("startup", with_python, without_python, [empty], args.rounds, [], out_dir)
    for mode in modes:
        if mode == "default":
            results["modes"][mode] = compare(
                f"default-{args.set}", with_python, without_python, main_paths, args.rounds, [], out_dir)
        elif mode == "ignore-asy":
            results["modes"][mode] = compare(
                f"ignore-asy-{args.set}", with_python, without_python, main_paths, args.rounds,
                ["--extend-ignore", "ASY"], out_dir)
        elif mode == "stdlib-sync":
            paths = corpus.paths("stdlib-sync")
            warm([], paths)
            results["modes"][mode] = compare(
                "stdlib-sync", with_python, without_python, paths, args.rounds, [], out_dir)
        elif mode == "scaling":
            results["modes"][mode] = {}
            for factor in (1, 2, 4):
                paths = scaled_copies(factor)
                warm([], paths)
                results["modes"][mode][f"{factor}x"] = compare(
                    f"scaling-{factor}x", with_python, without_python, paths, args.rounds, [], out_dir)
        elif mode == "j2":
            reference = out_dir / f"default-{args.set}-with-r0.txt" if "default" in results["modes"] else None
            results["modes"][mode] = j2_check(with_python, main_paths, args.j2_rounds, out_dir, args.set, reference)
        else:
            parser.error(f"unknown mode {mode}")

    target = args.json or (out_dir / "results.json")
    target.write_text(json.dumps(results, indent=1))
    print(f"\nresults: {target}")
    print_table(results)


def print_table(results: dict) -> None:
    print("\n| mode | files | lines | CPU with (s) | CPU without (s) | CPU ratio | RSS with (MB) | RSS without (MB) "
          "| lines/CPU-s with | lines/CPU-s without | lines/wall-s with | lines/wall-s without |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for mode, value in results["modes"].items():
        if mode == "scaling":
            rows.extend(value.values())
        elif mode != "j2":
            rows.append(value)
    for s in rows:
        m = s["median"]
        print(
            f"| {s['label']} | {s['files']} | {s['lines']} | {m['with']['cpu']:.2f} | {m['without']['cpu']:.2f} "
            f"| x{s['cpu_ratio_median']:.2f} | {m['with']['maxrss_mb']:.0f} | {m['without']['maxrss_mb']:.0f} "
            f"| {s['lines_per_sec_cpu']['with']:.0f} | {s['lines_per_sec_cpu']['without']:.0f} "
            f"| {s['lines_per_sec_wall']['with']:.0f} | {s['lines_per_sec_wall']['without']:.0f} |"
        )
    if "j2" in results["modes"]:
        j = results["modes"]["j2"]
        print(f"\n-j2 output identical to -j1: {j['identical']} ({j['reports']} reports, {j['differing_runs']})")


if __name__ == "__main__":
    main()
