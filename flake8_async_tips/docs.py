"""Generate docs/rules.md from the code classes' docstrings.

`python -m flake8_async_tips.docs` rewrites docs/rules.md (run it from the
repository root, or pass the output path); `--check` exits 1 when the file
is out of date instead. tests/test_docs.py fails when it is.

Each code class's docstring is its documentation: a summary line, then the
sections "What it does:", "Why is this bad?", "Example:" and "Use instead:"
(all required), and optionally "Options:" and "Limits:". Where a docstring
has no "Options:" or "Limits:" section this module supplies the text below,
which says only what the code and its tests show.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from flake8_async_tips import options as plugin_options
from flake8_async_tips.checker import INTERNAL_ERROR_CODE
from flake8_async_tips.rules import FAMILIES

REQUIRED_SECTIONS = ("What it does:", "Why is this bad?", "Example:", "Use instead:")
OPTIONAL_SECTIONS = ("Options:", "Limits:")
SECTIONS = REQUIRED_SECTIONS + OPTIONAL_SECTIONS
# Sections whose body is Python code, shown as a code block.
CODE_SECTIONS = ("Example:", "Use instead:")

RULES_MD = Path("docs") / "rules.md"

# Codes CPython's compiler decides: they follow the grammar of the Python that runs flake8.
COMPILER_CODES = frozenset({"ASY200", "ASY201", "ASY202", "ASY203", "ASY305", "ASY306"})

# Which options change which codes' findings (tests/test_docs.py runs each pair through flake8).
TOP_LEVEL_AWAIT_PERMITS = ("ASY200", "ASY201", "ASY202", "ASY203")
TOP_LEVEL_AWAIT_CHECKS = ("ASY300", "ASY303", "ASY304")
COROUTINE_FUNCTIONS_FEEDS = (
    "ASY100",
    "ASY101",
    "ASY103",
    "ASY107",
    "ASY108",
    "ASY109",
    "ASY204",
    "ASY301",
    "ASY302",
    "ASY304",
)

# CPython's own words, for the docstrings whose "Why is this bad?" quotes none
# (tests/test_docs.py checks each against the oracle fixture that runs the bug).
RUNTIME_MESSAGE_SUPPLEMENT = {
    "ASY107": "RuntimeWarning: coroutine 'poll' was never awaited",
    "ASY108": "RuntimeWarning: coroutine 'is_ready' was never awaited",
}
# Codes for which no runtime error exists: they report a design problem.
NO_RUNTIME_ERROR = frozenset({"ASY104"})

GENERIC_LIMITS = (
    "Reports only what inference proves; silent when unsure. The answer comes "
    "from the module itself, the project's other modules and installed libraries "
    "(read with astroid, never imported), type annotations and a built-in table of "
    "asyncio, trio, anyio and other async APIs; a name none of these resolves (a "
    "library not installed where flake8 runs and not in the table, a dynamic "
    "attribute) gives no finding."
)
COMPILER_LIMITS = (
    "Agrees with `compile()` of the Python that runs flake8, version by version "
    "(the test suite checks it on every Python it runs on). Where the grammar "
    "changed between versions, run flake8 on the oldest Python you support to "
    "see what only that version rejects."
)
NO_OPTIONS = (
    "None of the plugin's options. Select or ignore it like any flake8 code: "
    "`--extend-ignore {code}`, `per-file-ignores`, `# noqa: {code}`."
)


class DocstringError(ValueError):
    """A code class's docstring lacks a section or has one this module does not know."""


@dataclass(frozen=True)
class CodeDoc:
    code: str
    summary: str
    message: str
    source: str  # "module.ClassName", for contributors
    sections: dict[str, str]  # section title -> body text (dedented, stripped)


def parse_docstring(code: str, docstring: Optional[str]) -> tuple[str, dict[str, str]]:
    """The summary and the sections of a code class's docstring."""
    if not docstring:
        raise DocstringError(f"{code}: no docstring")
    lines = inspect.cleandoc(docstring).splitlines()
    summary_lines: list[str] = []
    sections: dict[str, list[str]] = {}
    current: Optional[list[str]] = None
    for line in lines:
        if line and not line[0].isspace():
            stripped = line.strip()
            if stripped in SECTIONS:
                if stripped in sections:
                    raise DocstringError(f"{code}: section {stripped!r} appears twice")
                current = sections[stripped] = []
                continue
            if current is not None:
                raise DocstringError(f"{code}: unknown section or unindented text {stripped!r}")
            summary_lines.append(stripped)
            continue
        if current is None:
            summary_lines.append(line.strip())
        else:
            current.append(line)
    summary = " ".join(part for part in summary_lines if part).strip()
    if not summary:
        raise DocstringError(f"{code}: no summary line")
    missing = [title for title in REQUIRED_SECTIONS if title not in sections]
    if missing:
        raise DocstringError(f"{code}: missing section(s) {', '.join(repr(title) for title in missing)}")
    bodies = {}
    for title, body in sections.items():
        text = textwrap.dedent("\n".join(body)).strip("\n")
        if not text.strip():
            raise DocstringError(f"{code}: section {title!r} is empty")
        bodies[title] = text
    return summary, bodies


def code_docs() -> list[CodeDoc]:
    """Every registered code, in code order."""
    docs = []
    for family in FAMILIES:
        for cls in family.error_classes:
            summary, sections = parse_docstring(cls.code, cls.__doc__)
            docs.append(
                CodeDoc(
                    code=cls.code,
                    summary=summary,
                    message=cls.message,
                    source=f"{cls.__module__}.{cls.__name__}",
                    sections=sections,
                )
            )
    return sorted(docs, key=lambda doc: doc.code)


@dataclass(frozen=True)
class OptionDoc:
    flag: str
    config_key: str
    help: str
    takes_value: bool


class _RecordingManager:
    """Stands in for flake8's option manager to read what the plugin registers."""

    def __init__(self) -> None:
        self.options: list[OptionDoc] = []
        self.default_ignore: list[str] = []

    def extend_default_ignore(self, codes: list[str]) -> None:
        self.default_ignore.extend(codes)

    def add_option(self, *names: str, **kwargs: Any) -> None:
        flag = next(name for name in names if name.startswith("--"))
        if not kwargs.get("parse_from_config"):
            raise DocstringError(f"{flag}: every option of the plugin must be readable from config files")
        self.options.append(
            OptionDoc(
                flag=flag,
                config_key=flag[2:],
                # The tables give the config key a column of its own.
                help=re.sub(r"\s*Config key: .*$", "", " ".join(str(kwargs.get("help", "")).split())),
                takes_value=kwargs.get("action") not in ("store_true", "store_false"),
            )
        )


def plugin_options_doc() -> tuple[list[OptionDoc], list[str]]:
    """The plugin's options and its default-off codes, as it registers them with flake8."""
    manager = _RecordingManager()
    plugin_options.register(manager)
    return manager.options, manager.default_ignore


def _options_text(doc: CodeDoc, default_off: list[str]) -> str:
    parts = []
    if doc.code in default_off:
        parts.append(
            f"Off by default: reported only when `{doc.code}` itself is named in `--select` or "
            f"`--extend-select` (`--extend-select {doc.code}`, config key `extend-select = {doc.code}`). "
            f"A prefix (`--select ASY`, `ASY1`, `ASY10`) does not turn it on, nor does an `ignore` "
            f"that replaces flake8's default-ignore list."
        )
    own = doc.sections.get("Options:", "")
    if own:
        parts.append(own)
    if doc.code in TOP_LEVEL_AWAIT_PERMITS and plugin_options.ALLOW_TOP_LEVEL_AWAIT not in own:
        parts.append(
            f"`{plugin_options.ALLOW_TOP_LEVEL_AWAIT}` (config key "
            f"`{plugin_options.ALLOW_TOP_LEVEL_AWAIT[2:]} = true`) permits it at module level "
            "(notebooks, the asyncio REPL)."
        )
    if doc.code in TOP_LEVEL_AWAIT_CHECKS and plugin_options.ALLOW_TOP_LEVEL_AWAIT not in own:
        parts.append(
            f"With `{plugin_options.ALLOW_TOP_LEVEL_AWAIT}` it is also checked at module level "
            "(without it, a module-level async construct is reported as ASY200-ASY203 instead)."
        )
    if doc.code in COROUTINE_FUNCTIONS_FEEDS and plugin_options.COROUTINE_FUNCTIONS not in own:
        parts.append(
            f"`{plugin_options.COROUTINE_FUNCTIONS}` (config key "
            f"`{plugin_options.COROUTINE_FUNCTIONS[2:]} = pkg.mod.fetch, pkg.mod.Client.get`) declares "
            "coroutine functions the plugin cannot see; calls to them are then reported here too."
        )
    if not parts:
        parts.append(NO_OPTIONS.format(code=doc.code))
    return "\n\n".join(parts)


def _limits_text(doc: CodeDoc) -> str:
    if "Limits:" in doc.sections:
        return doc.sections["Limits:"]
    return COMPILER_LIMITS if doc.code in COMPILER_CODES else GENERIC_LIMITS


def _why_text(doc: CodeDoc) -> str:
    text = doc.sections["Why is this bad?"]
    if doc.code in RUNTIME_MESSAGE_SUPPLEMENT:
        text += f"\n\nCPython: `{RUNTIME_MESSAGE_SUPPLEMENT[doc.code]}`."
    if doc.code in NO_RUNTIME_ERROR:
        text += "\n\nCPython raises nothing: this is a design problem, which is why the code is off by default."
    return text


def _off_note(doc: CodeDoc, default_off: list[str]) -> str:
    return " (off by default)" if doc.code in default_off and "off by default" not in doc.summary.lower() else ""


def _code_block(text: str) -> str:
    return f"```python\n{text}\n```"


def _anchor(code: str) -> str:
    return code.lower()


def _render_code(doc: CodeDoc, default_off: list[str]) -> list[str]:
    module, _, name = doc.source.rpartition(".")
    path = module.replace(".", "/") + ".py"
    title = doc.summary + _off_note(doc, default_off)
    return [
        f"### {doc.code}",
        "",
        f"**{title}**",
        "",
        f"Message: `{doc.code} {doc.message}` · class `{name}` in `{path}`",
        "",
        "#### What it does",
        "",
        doc.sections["What it does:"],
        "",
        "#### Why is this bad?",
        "",
        _why_text(doc),
        "",
        "#### Example",
        "",
        _code_block(doc.sections["Example:"]),
        "",
        "#### Use instead",
        "",
        _code_block(doc.sections["Use instead:"]),
        "",
        "#### Options",
        "",
        _options_text(doc, default_off),
        "",
        "#### Limits",
        "",
        _limits_text(doc),
        "",
    ]


def _render_internal_error() -> list[str]:
    code = INTERNAL_ERROR_CODE
    return [
        f"### {code}",
        "",
        "**The plugin itself failed on a file (a bug in flake8-async-tips).**",
        "",
        f"Message: `{code} flake8-async-tips internal error in <family>: <exception> "
        "(please report it; other checks still ran)` · reported by `flake8_async_tips/checker.py`",
        "",
        "#### What it does",
        "",
        "Reported on line 1 of a file when one rule family raised an unexpected exception "
        "on it. What that family found before failing is still reported, and the other "
        "families still run. The failure is also logged as one warning line on stderr; its "
        "traceback is logged at DEBUG level by the `flake8_async_tips` logger.",
        "",
        "#### Why is this bad?",
        "",
        "The code being checked is not at fault: the plugin is. The failing family's checks "
        "are incomplete for that file, so some findings may be missing.",
        "",
        "#### Example",
        "",
        "No source is meant to produce it: any file that does is a bug report.",
        "",
        "#### Use instead",
        "",
        "Report it with the file (or the smallest excerpt that still fails) and the ASY000 "
        f"message. Until it is fixed, `per-file-ignores = path/to/file.py: {code}` "
        "silences it for that file.",
        "",
        "#### Options",
        "",
        NO_OPTIONS.format(code=code),
        "",
        "#### Limits",
        "",
        "Only exceptions raised inside a rule family are caught; a failure in flake8 itself "
        "or while reading options is flake8's own error.",
        "",
    ]


def _inference_notes() -> list[str]:
    """How callees are followed, from the docstrings of the modules that follow them."""
    from flake8_async_tips import decorators, prefilter, project, version_tests
    from flake8_async_tips.inference import (
        annotations,
        call_sites,
        construction,
        fixtures,
        generics,
        instance_stores,
        metaclasses,
        operators,
        overloads,
        overrides,
        specialization,
    )

    lines = ["## What the inference reads", ""]
    notes = (
        ("Decorated callees", decorators),
        ("Methods no definition of the project replaces", overrides),
        ("Annotations", annotations),
        ("Overloads chosen by the type of `self`", overloads),
        ("Instance attributes stored in other modules", instance_stores),
        ("Classes and what calling them makes", construction),
        ("Metaclasses that rewrite some names", metaclasses),
        ("Type variables bound by a subclass's bases", generics),
        ("pytest fixtures", fixtures),
        ("Values from call sites", call_sites),
        ("Calls read for their arguments", specialization),
        ("Operators", operators),
        ("`sys.version_info` tests", version_tests),
    )
    for title, module in (*notes, ("Imports", project), ("Files with no async word", prefilter)):
        lines += [f"### {title}", "", textwrap.dedent(module.__doc__ or "").strip(), ""]
    return lines


def render() -> str:
    """The whole of docs/rules.md."""
    docs = {doc.code: doc for doc in code_docs()}
    option_docs, default_off = plugin_options_doc()
    lines = [
        "# flake8-async-tips rules",
        "",
        "<!-- Generated by `python -m flake8_async_tips.docs` from the code classes' docstrings"
        " in flake8_async_tips/rules/: edit those, not this file. -->",
        "",
        "Every code the plugin reports. Select them all with `flake8 --select ASY1,ASY2,ASY3,E9`"
        " (`E9` keeps flake8's own E999 and E902: a file that does not parse, a path that does not"
        " exist; `--select ASY` would also select flake8-async's `ASYNC` codes when that plugin is"
        " installed); ignore one with `--extend-ignore ASY204` or `# noqa: ASY204`.",
        "",
        "| code | reports |",
        "|---|---|",
    ]
    for code in sorted(docs):
        lines.append(f"| [{code}](#{_anchor(code)}) | {docs[code].summary}{_off_note(docs[code], default_off)} |")
    lines.append(f"| [{INTERNAL_ERROR_CODE}](#{_anchor(INTERNAL_ERROR_CODE)}) | the plugin itself failed on a file |")
    lines += [
        "",
        "## Options",
        "",
        "Given on the command line or as a key in the `[flake8]` section of `setup.cfg`, `tox.ini` or `.flake8`.",
        "",
        "| option | config-file key | what it does |",
        "|---|---|---|",
    ]
    for option in option_docs:
        key = f"`{option.config_key} = ...`" if option.takes_value else f"`{option.config_key} = true`"
        lines.append(f"| `{option.flag}` | {key} | {option.help} |")
    lines += [
        "",
        "Off by default: " + ", ".join(default_off) + " (reported only when named in full:"
        " `--extend-select " + ", ".join(default_off) + "`; a prefix such as `ASY1` is not enough).",
        "",
    ]
    lines += _inference_notes()
    for family in FAMILIES:
        module_doc = sys.modules[family.__module__].__doc__ or family.__module__
        lines += [f"## {module_doc.strip().splitlines()[0].rstrip('.')}", ""]
        for cls in sorted(family.error_classes, key=lambda error: error.code):
            lines += _render_code(docs[cls.code], default_off)
    lines += ["## Internal error", ""]
    lines += _render_internal_error()
    return "\n".join(lines).rstrip("\n") + "\n"


def code_index() -> list[tuple[str, str]]:
    """(code, one-line summary) for every code, ASY000 included, in code order."""
    _, default_off = plugin_options_doc()
    index = [(doc.code, doc.summary + _off_note(doc, default_off)) for doc in code_docs()]
    return sorted([*index, (INTERNAL_ERROR_CODE, "The plugin itself failed on a file (a bug in flake8-async-tips).")])


def render_one(code: str) -> str:
    """One code's whole documentation, as docs/rules.md has it. KeyError for an unknown code."""
    if code == INTERNAL_ERROR_CODE:
        return "\n".join(_render_internal_error()).rstrip("\n") + "\n"
    docs = {doc.code: doc for doc in code_docs()}
    _, default_off = plugin_options_doc()
    return "\n".join(_render_code(docs[code], default_off)).rstrip("\n") + "\n"


def documented_codes(markdown: str) -> list[str]:
    """The codes a rules.md documents (its `### ASYnnn` headings)."""
    return re.findall(r"^### (ASY\d{3})$", markdown, flags=re.MULTILINE)


def default_output() -> Path:
    """docs/rules.md of the source checkout this module runs from, else of the current directory."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "flake8_async_tips").is_dir():
        return checkout / RULES_MD
    return RULES_MD


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flake8_async_tips.docs", description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=None, help="default: docs/rules.md of the checkout")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date; write nothing")
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = default_output()
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"{args.output} is out of date: run python -m flake8_async_tips.docs", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
