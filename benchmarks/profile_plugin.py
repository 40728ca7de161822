"""Where flake8-async-tips spends its time: the checker run directly over the corpus, no flake8.

    python benchmarks/profile_plugin.py                  # the slice: attribution table + cProfile top 30
    python benchmarks/profile_plugin.py --set full --no-cprofile
    python benchmarks/profile_plugin.py --set stdlib-sync

Each file is read as flake8 reads it (tokenize's encoding detection, lines
with their endings) and parsed with ast (parse time is reported apart: flake8
parses once for every plugin).  Then, like AsyncTipsChecker.run /
_run_family, every family in flake8_async_tips.rules.FAMILIES is asked
applies_to(context) and, if so, instantiated as family(config, context) and
.check()ed on one shared FileContext, under timers.

Timers (CPU time of this process, time.process_time; nested timers are
subtracted from their parent, so the "self" columns add up to the total):

  family:<Name>        the family's walk and its own inference questions
  bindings             BindingIndex.build (context.bindings, built lazily by
                       the first family that asks)
  layout               project.layout_of (filesystem probing, lru-cached)
  astroid.kind_of      AstroidBridge.kind_of          } module builds, inference,
  astroid.class_defines AstroidBridge.class_defines   } answers-cache hits
  checker-init         AsyncTipsChecker.__init__ (FileContext)
  shared walk          where the checker walks once for all families
                       (scopes.walk_together): the traversal and dispatch;
                       each family's bucket is then its hooks, each timed
                       (which adds timer overhead to every hook call)

The wrappers are installed here only, by monkeypatching; the package is not
changed.  The code profiled is a frozen copy (--plugin, default HEAD: that
commit's flake8_async_tips/ via `git archive`; or 'worktree'), imported
first from sys.path, so edits made during a run do not mix in.
A second pass (unless --no-cprofile), in a fresh process so that astroid's
module cache starts cold again and without the timers, runs
AsyncTipsChecker(...).run() over the same files under cProfile and prints the
top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import ast
import collections
import cProfile
import gc
import io
import os
import pstats
import resource
import subprocess
import sys
import time
import tokenize
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

# Imported by load_plugin() from a frozen copy of the package (see --plugin).
astroid_bridge = bindings = checker = project = scopes = FAMILIES = ScopedVisitor = None  # type: ignore[assignment]


def load_plugin(snapshot: Path) -> None:
    global astroid_bridge, bindings, checker, project, scopes, FAMILIES, ScopedVisitor
    sys.path.insert(0, str(snapshot))
    import flake8_async_tips
    from flake8_async_tips import astroid_bridge, bindings, checker, project, scopes
    from flake8_async_tips.rules import FAMILIES
    from flake8_async_tips.scopes import ScopedVisitor

    if Path(flake8_async_tips.__file__).parent != snapshot / "flake8_async_tips":
        raise SystemExit(f"imported the plugin from {flake8_async_tips.__file__}, not from {snapshot}")


clock = time.process_time
PARSE = "(ast.parse: flake8's, not the plugin's)"


class Timers:
    """Nested timers: each bucket gets its self time (children subtracted) and its inclusive time."""

    def __init__(self) -> None:
        self.self_time: dict[str, float] = collections.defaultdict(float)
        self.inclusive: dict[str, float] = collections.defaultdict(float)
        self.calls: collections.Counter[str] = collections.Counter()
        self._stack: list[list] = []  # [name, started, children]

    def wrap(self, name: str, function):  # type: ignore[no-untyped-def]
        timers = self

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            timers.start(name)
            try:
                return function(*args, **kwargs)
            finally:
                timers.stop()

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed

    def start(self, name: str) -> None:
        self._stack.append([name, clock(), 0.0])

    def stop(self) -> float:
        name, started, children = self._stack.pop()
        elapsed = clock() - started
        self.self_time[name] += elapsed - children
        self.inclusive[name] += elapsed
        self.calls[name] += 1
        if self._stack:
            self._stack[-1][2] += elapsed
        return elapsed


TIMERS = Timers()
BRIDGE_STATS: collections.Counter[str] = collections.Counter()
EXHAUSTED_FILES: dict[str, str] = {}  # file -> which budget ran out
CURRENT_FILE = [""]
LOOKUP_TIME: dict[str, float] = collections.defaultdict(float)  # top-level package asked about -> CPU s
SLOWEST_LOOKUPS: list[tuple[float, str, str]] = []
DISTINCT_LOOKUPS: set[str] = set()
EXPERIMENT = ["none"]
_ASTROID_MODULES = [0]


def _freeze_if_astroid_grew() -> None:
    """Experiment gc-freeze: after a look-up that built astroid modules, move every live object to the
    permanent generation (gc.freeze), so later full collections stop traversing astroid's cache."""
    from astroid.manager import AstroidManager

    size = len(AstroidManager().astroid_cache)
    if size != _ASTROID_MODULES[0]:
        _ASTROID_MODULES[0] = size
        gc.freeze()


GC_TIME = collections.defaultdict(float)  # generation -> CPU s spent in the cyclic garbage collector
GC_COUNT: collections.Counter[int] = collections.Counter()


def _gc_callback(phase: str, info: dict) -> None:
    generation = info["generation"]
    if phase == "start":
        GC_TIME["_started"] = clock()
    else:
        GC_TIME[generation] += clock() - GC_TIME["_started"]
        GC_COUNT[generation] += 1


def instrument() -> None:
    """Monkeypatch timers around bindings, layout and the astroid bridge (this process only)."""
    original_build = bindings.BindingIndex.build.__func__  # classmethod

    def build(cls, tree):  # type: ignore[no-untyped-def]
        TIMERS.start("bindings")
        try:
            return original_build(cls, tree)
        finally:
            TIMERS.stop()

    bindings.BindingIndex.build = classmethod(build)  # type: ignore[method-assign]
    project.layout_of = TIMERS.wrap("layout", project.layout_of)

    for method, key_of in (
        ("kind_of", lambda name, *rest: name),
        ("class_defines", lambda name, method_name: f"{name}::{method_name}"),
    ):
        original = getattr(astroid_bridge.AstroidBridge, method)

        def timed(self, *args, _original=original, _method=method, _key_of=key_of):  # type: ignore[no-untyped-def]
            hit = _key_of(*args) in self.answers
            exhausted_before = (
                self.lookups >= astroid_bridge.MAX_LOOKUPS_PER_FILE
                or self.seconds >= astroid_bridge.MAX_SECONDS_PER_FILE
            )
            BRIDGE_STATS[f"{_method} calls"] += 1
            if hit:
                BRIDGE_STATS[f"{_method} answered from the file's cache"] += 1
            elif exhausted_before:
                BRIDGE_STATS[f"{_method} refused (file budget spent)"] += 1
                reason = (
                    f"{self.lookups} look-ups" if self.lookups >= astroid_bridge.MAX_LOOKUPS_PER_FILE
                    else f"{self.seconds:.1f} s (wall clock)"
                )
                EXHAUSTED_FILES[CURRENT_FILE[0]] = reason
            TIMERS.start(f"astroid.{_method}")
            try:
                answer = None if EXPERIMENT[0] == "no-astroid" else _original(self, *args)
            finally:
                elapsed = TIMERS.stop()
            if EXPERIMENT[0] == "gc-freeze":
                _freeze_if_astroid_grew()
            if not hit and not exhausted_before:
                key = _key_of(*args)
                DISTINCT_LOOKUPS.add(key)
                LOOKUP_TIME[key.split(".")[0]] += elapsed
                SLOWEST_LOOKUPS.append((elapsed, key, CURRENT_FILE[0]))
            if not hit and not exhausted_before:
                BRIDGE_STATS[f"{_method} looked up"] += 1
                BRIDGE_STATS[f"{_method} -> {answer!r}"] += 1
            return answer

        setattr(astroid_bridge.AstroidBridge, method, timed)


def reorder_asy101() -> None:
    """Experiment: ASY101's cheap syntactic test (is the name ever read?) before the inference question.

    Reports exactly when both hold, as the original does; only the order of the two tests changes."""
    from flake8_async_tips.rules import await_rules

    original = await_rules.AwaitRules.visit_Assign

    def visit_Assign(self, node):  # type: ignore[no-untyped-def]
        targets = node.targets
        if (
            self.scope.kind in (await_rules.ScopeKind.FUNCTION, await_rules.ScopeKind.ASYNC_FUNCTION)
            and len(targets) == 1
            and isinstance(targets[0], ast.Name)
            and await_rules._name_is_read(self.scope.node, targets[0].id)
        ):
            return  # the original would not report either
        original(self, node)

    await_rules.AwaitRules.visit_Assign = visit_Assign


def read(path: Path) -> tuple[list[str], ast.AST] | None:
    """As flake8 does: decode with the file's declared encoding, keep line endings, parse."""
    try:
        with open(path, "rb") as handle:
            encoding, _ = tokenize.detect_encoding(handle.readline)
        with open(path, encoding=encoding, newline="") as handle:
            lines = handle.readlines()
        source = "".join(lines)
        TIMERS.start(PARSE)
        try:
            tree = ast.parse(source, filename=str(path))
        finally:
            TIMERS.stop()
    except (SyntaxError, ValueError, UnicodeDecodeError, LookupError):
        return None
    return lines, tree


RAN: collections.Counter[str] = collections.Counter()  # family -> files it ran on


def _wrap_hooks(rules: object, name: str) -> None:
    """Time one family's hooks inside the shared walk: instance attributes shadow the class's methods."""
    for attribute in dir(type(rules)):
        if attribute.startswith("visit_") or attribute == "finish":
            setattr(rules, attribute, TIMERS.wrap(name, getattr(rules, attribute)))


def run_checker(lines: list[str], tree: ast.AST, filename: str) -> list[tuple]:
    """AsyncTipsChecker.run(), with each family under a timer.

    Follows whichever structure the frozen checker has: one walk per family
    (`_run_family`: applies_to, family(config, context).check()), or one walk
    shared by all families (`scopes.walk_together`), where each family's hooks
    are timed and the walk itself (traversal and dispatch) is its own bucket.
    """
    results = []
    TIMERS.start("checker-init")
    instance = checker.AsyncTipsChecker(tree, lines, filename)
    TIMERS.stop()
    context = instance.context
    walk_together = getattr(scopes, "walk_together", None)
    if walk_together is not None and not hasattr(checker.AsyncTipsChecker, "_run_family"):
        families = []
        for family in FAMILIES:
            name = f"family:{family.__name__}"
            TIMERS.start(name)
            try:
                if family.applies_to(context):
                    families.append(family(context.config, context))
                    RAN[family.__name__] += 1
            except Exception as exc:  # noqa: BLE001 - what the checker turns into ASY000
                results.append((1, 0, f"ASY000 {family.__name__}: {type(exc).__name__}"))
            finally:
                TIMERS.stop()
        for rules in families:
            _wrap_hooks(rules, f"family:{type(rules).__name__}")
        TIMERS.start("shared walk (traversal + dispatch)")
        try:
            failures = walk_together(context.tree, families)
        finally:
            TIMERS.stop()
        for rules in families:
            results.extend((e.lineno, e.col_offset, e.code) for e in rules.errors)
        for failed, exc in failures.items():
            results.append((1, 0, f"ASY000 {type(failed).__name__}: {type(exc).__name__}"))
        return results
    for family in FAMILIES:
        name = f"family:{family.__name__}"
        TIMERS.start(name)
        try:
            if not family.applies_to(context):
                continue
            RAN[family.__name__] += 1
            rules = family(context.config, context)
            rules.check()
            results.extend((e.lineno, e.col_offset, e.code) for e in rules.errors)
        except Exception as exc:  # noqa: BLE001 - what the checker turns into ASY000
            results.append((1, 0, f"ASY000 {family.__name__}: {type(exc).__name__}"))
        finally:
            TIMERS.stop()
    return results


def walk_baseline(trees: list[tuple[ast.AST, str]]) -> dict[str, float]:
    """What a bare traversal costs: ast.walk, and ScopedVisitor.run with no hooks (one family's walk, no rules)."""
    started = clock()
    for tree, _ in trees:
        for _node in ast.walk(tree):
            pass
    walk = clock() - started
    started = clock()
    for tree, _ in trees:
        if hasattr(scopes, "walk_together"):
            scopes.walk_together(tree, [ScopedVisitor()])
        else:
            ScopedVisitor().run(tree)
    scoped = clock() - started
    return {"ast.walk": walk, "scope-tracking walk with no hooks": scoped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="slice", choices=("slice", "full", "stdlib-sync", "realworld"))
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--no-cprofile", action="store_true", help="skip the cProfile pass")
    parser.add_argument("--cprofile-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plugin", default="HEAD",
                        help="the plugin code to profile: a commit-ish (default HEAD) or 'worktree'")
    parser.add_argument("--plugin-path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--experiment", default="none", choices=("none", "gc-freeze", "no-astroid", "asy101-cheap-first"),
        help="what-if runs (timed pass only): gc-freeze = gc.freeze() after every look-up that built astroid "
             "modules; no-astroid = every astroid look-up answers unknown at once (changes what is reported); "
             "asy101-cheap-first = AwaitRules.visit_Assign tests whether the name is read before asking inference "
             "(same reports)",
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--slowest", type=int, default=10, help="list the N files the plugin took longest on")
    args = parser.parse_args()

    if args.set != "realworld":  # scripts/realworld.py keeps its own cache
        corpus.ensure()
    if args.plugin_path:
        snapshot, described = args.plugin_path, str(args.plugin_path)
    else:
        snapshot, described = corpus.plugin_snapshot(args.plugin)
    load_plugin(snapshot)
    files = corpus.python_files(corpus.paths(args.set))[: args.limit]
    if args.cprofile_only:
        cprofile_main(files, args.top)
        return
    total_lines = corpus.count_lines(files)
    EXPERIMENT[0] = args.experiment
    instrument()
    if args.experiment == "asy101-cheap-first":
        reorder_asy101()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    parsed = []
    unparsable = 0
    for path in files:
        read_result = read(path)
        if read_result is None:
            unparsable += 1
            continue
        parsed.append((path, *read_result))

    per_file: list[tuple[float, str, int]] = []
    codes: collections.Counter[str] = collections.Counter()
    started_all = clock()
    gc.callbacks.append(_gc_callback)
    for path, lines, tree in parsed:
        started = clock()
        CURRENT_FILE[0] = os.path.relpath(path, corpus.cache_dir())
        for _, _, code in run_checker(lines, tree, str(path)):
            codes[code.split()[0]] += 1
        per_file.append((clock() - started, str(path), len(lines)))
    plugin_total = clock() - started_all
    gc.callbacks.remove(_gc_callback)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"plugin: {described}, frozen in {snapshot}; experiment: {args.experiment}")
    print(f"set {args.set}: {len(files)} files, {total_lines} lines ({unparsable} not parsable, skipped); "
          f"python {sys.version.split()[0]}; CPU seconds (process_time)")
    print(f"plugin total: {plugin_total:.2f} s = {total_lines / plugin_total:.0f} lines/s, "
          f"{1000 * plugin_total / max(total_lines, 1):.2f} ms per 1k lines, "
          f"{plugin_total / max(len(parsed), 1) * 1000:.1f} ms per file")
    print(f"reports: {dict(sorted(codes.items()))}")
    print()
    print("| bucket | self s | % of plugin | inclusive s | calls |")
    print("|---|---|---|---|---|")
    for name in sorted(TIMERS.self_time, key=lambda n: -TIMERS.self_time[n]):
        if name == PARSE:
            continue
        share = 100 * TIMERS.self_time[name] / plugin_total
        print(f"| {name} | {TIMERS.self_time[name]:.2f} | {share:.1f}% | {TIMERS.inclusive[name]:.2f} "
              f"| {TIMERS.calls[name]} |")
    astroid_total = TIMERS.inclusive["astroid.kind_of"] + TIMERS.inclusive["astroid.class_defines"]
    accounted = sum(v for k, v in TIMERS.self_time.items() if k != PARSE)
    print(f"| (loop overhead, not in any bucket) | {plugin_total - accounted:.2f} | "
          f"{100 * (plugin_total - accounted) / plugin_total:.1f}% | | |")
    print(f"\nastroid, all of it: {astroid_total:.2f} s ({100 * astroid_total / plugin_total:.1f}% of the plugin)")
    print(f"ast.parse (paid by flake8 once for all plugins, not the plugin): "
          f"{TIMERS.inclusive[PARSE]:.2f} s")
    for family in FAMILIES:
        if RAN[family.__name__] < len(parsed):
            print(f"{family.__name__}: skipped on {len(parsed) - RAN[family.__name__]} files (applies_to False)")

    print("\nastroid bridge:")
    for key, value in sorted(BRIDGE_STATS.items()):
        print(f"  {key}: {value}")
    print(f"  distinct names looked up (over all files): {len(DISTINCT_LOOKUPS)}")
    print(f"  files that ran out of their look-up/time budget: {len(EXHAUSTED_FILES)}")
    for name, reason in sorted(EXHAUSTED_FILES.items()):
        print(f"    {name}: {reason}")
    print("  look-up CPU s by the top-level name asked about (a first look-up builds the module with astroid):")
    for name, seconds in sorted(LOOKUP_TIME.items(), key=lambda item: -item[1])[:12]:
        print(f"    {name}: {seconds:.2f}")
    print("  slowest single look-ups:")
    for seconds, key, where in sorted(SLOWEST_LOOKUPS, reverse=True)[:10]:
        print(f"    {seconds:5.2f} s  {key}  (from {where})")
    try:
        from astroid.manager import AstroidManager

        print(f"  modules in astroid's process-wide cache at the end: {len(AstroidManager().astroid_cache)}")
    except ImportError:
        pass
    print(f"peak RSS of this process: {rss_before:.0f} MB after reading+parsing, {rss_after:.0f} MB after the plugin")

    gc_total = sum(v for k, v in GC_TIME.items() if k != "_started")
    print(f"cyclic GC during the plugin (included in the buckets above): {gc_total:.2f} s "
          f"({100 * gc_total / plugin_total:.1f}%); collections per generation {dict(sorted(GC_COUNT.items()))}, "
          f"seconds {dict((k, round(v, 2)) for k, v in sorted((k, v) for k, v in GC_TIME.items() if k != '_started'))}")

    baseline = walk_baseline([(tree, str(path)) for path, _, tree in parsed])
    print("\ntraversal alone, once over every file:")
    for name, seconds in baseline.items():
        print(f"  {name}: {seconds:.2f} s")
    ran = ", ".join(f"{f.__name__} {RAN[f.__name__]}" for f in FAMILIES)
    shared = "shared walk" if TIMERS.calls["shared walk (traversal + dispatch)"] else "one walk per family"
    print(f"  (files each family ran on, {shared}: {ran}; bindings built {TIMERS.calls['bindings']} times)")

    per_file.sort(reverse=True)
    print(f"\nslowest {args.slowest} files (plugin CPU s, lines):")
    for seconds, path, lines in per_file[: args.slowest]:
        print(f"  {seconds:6.2f}  {lines:6d}  {os.path.relpath(path, corpus.cache_dir())}")

    sys.stdout.flush()
    if not args.no_cprofile and args.experiment == "none":
        # A fresh process: the timed pass has filled astroid's cache, which would hide its cost.
        argv = [sys.executable, __file__, "--cprofile-only", "--set", args.set, "--top", str(args.top),
                "--plugin-path", str(snapshot)]
        if args.limit:
            argv += ["--limit", str(args.limit)]
        subprocess.run(argv, check=True)


def cprofile_main(files: list[Path], top: int) -> None:
    """checker.AsyncTipsChecker(...).run() over the files under cProfile, in a fresh process, no timers."""
    parsed = []
    for path in files:
        read_result = read(path)
        if read_result is not None:
            parsed.append((path, *read_result))
    codes: collections.Counter[str] = collections.Counter()
    profiler = cProfile.Profile()
    profiler.enable()
    for path, lines, tree in parsed:
        for _, _, message, _ in checker.AsyncTipsChecker(tree, lines, str(path)).run():
            codes[message.split()[0]] += 1
    profiler.disable()
    print(f"reports under cProfile (must equal the timed pass's): {dict(sorted(codes.items()))}")
    out = corpus.cache_dir() / "work" / "profile_plugin.pstats"
    out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(out))
    for sort in ("cumulative", "tottime"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(sort).print_stats(top)
        text = stream.getvalue()
        print(f"\ncProfile, top {top} by {sort} (times inflated by cProfile; full stats in {out}):")
        print(text[text.find("   ncalls"):] if "   ncalls" in text else text)


if __name__ == "__main__":
    main()
