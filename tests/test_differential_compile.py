"""Differential test of ASY200-ASY203, ASY305 and ASY306 against CPython's compiler.

The running interpreter is the oracle: `compile()` raises a SyntaxError for
exactly the programs these rules must report. The corpus is every fit of one
*construct* (an async or generator construct: `await x`, `[i async for i in
x]`, `yield from x`, `return 2` after `yield 1`...) into one *context* (a
program with a hole: module level, a default value of a def inside an async
def, the first iterable of a set comprehension in a class body...). Programs
the running interpreter cannot parse are skipped, so version-dependent syntax
(`except*`, PEP 695 generics) and version-dependent semantics (3.11's async
comprehension propagation, 3.12's generic scopes) are tested where they exist.

For each program and each mode (default, `allow_top_level_await` which must
match `ast.PyCF_ALLOW_TOP_LEVEL_AWAIT`):

* compile OK: the plugin reports none of the six codes;
* compile raises one of the six errors, code C: the plugin reports C and only
  codes among the six; exactly {C} unless the program holds two constructs
  that can each be an error (compile names only the first);
* compile raises any other SyntaxError: the plugin must not crash (ASY000).
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import Optional

import pytest
from support import lint

SIX = frozenset({"ASY200", "ASY201", "ASY202", "ASY203", "ASY305", "ASY306"})
OTHER = "OTHER"

# SyntaxError messages, checked identical on CPython 3.10-3.13.
MESSAGE_CODES = {
    "'await' outside function": "ASY200",
    "'await' outside async function": "ASY200",
    "'async for' outside async function": "ASY201",
    "'async with' outside async function": "ASY202",
    "asynchronous comprehension outside of an asynchronous function": "ASY203",
    "'yield from' inside async function": "ASY305",
    "'return' with value in async generator": "ASY306",
}

MODES = {"default": 0, "top_level_await": ast.PyCF_ALLOW_TOP_LEVEL_AWAIT}


def compile_verdict(source: str, flags: int) -> tuple[Optional[str], Optional[str]]:
    """(code or OTHER or None, the SyntaxError message) from the running CPython."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<p>", "exec", flags=flags, dont_inherit=True)
    except SyntaxError as error:
        message = str(error.msg)
        return MESSAGE_CODES.get(message, OTHER), message
    return None, None


# ---------------------------------------------------------------------------
# Constructs: what goes in a hole.


@dataclass(frozen=True)
class Construct:
    name: str
    text: str
    statement: bool = False  # only fits a statement hole

    @property
    def offenders(self) -> int:
        """Nodes that can each be one of the six errors, depending on where they stand."""
        tree = ast.parse(self.text)
        count = 0
        for node in ast.walk(tree):
            if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith, ast.YieldFrom)):
                count += 1
            elif isinstance(node, ast.comprehension) and node.is_async:
                count += 1
            elif isinstance(node, ast.Return) and node.value is not None:
                count += 1
        return count


E = Construct
S = lambda name, text: Construct(name, text, statement=True)  # noqa: E731

# The main statement holes get every construct; the others a selection
# (see the plans below).
CORE_EXPRESSIONS = [
    E("await", "await x"),
    E("listcomp_async_for", "[i async for i in x]"),
    E("dictcomp_async_for", "{i: i async for i in x}"),
    E("genexp_async_for", "(i async for i in x)"),
    E("listcomp_await_elt", "[await i for i in x]"),
    E("setcomp_await_cond", "{i for i in x if await i}"),
    E("yield_from", "(yield from x)"),
    E("yield", "(yield)"),
]

MORE_EXPRESSIONS = [
    E("setcomp_async_for", "{i async for i in x}"),
    E("listcomp_await_cond", "[i for i in x if await i]"),
    E("dictcomp_await_value", "{i: await i for i in x}"),
    E("genexp_await_elt", "(await i for i in x)"),
    E("listcomp_await_first_iter", "[i for i in await x]"),
    E("genexp_await_first_iter", "(i for i in await x)"),
    E("listcomp_await_later_iter", "[i for j in x for i in await j]"),
    E("listcomp_async_later_for", "[i for j in x async for i in j]"),
    E("listcomp_in_listcomp_elt", "[[i async for i in j] for j in x]"),
    E("genexp_in_listcomp_elt", "[(i async for i in j) for j in x]"),
    E("listcomp_in_genexp_elt", "([i async for i in j] for j in x)"),
    E("listcomp_in_setcomp_cond", "{j for j in x if [i async for i in j]}"),
    E("listcomp_in_listcomp_first_iter", "[i for i in [j async for j in x]]"),
    E("genexp_in_listcomp_first_iter", "[i async for i in (j async for j in x)]"),
    E("listcomp_in_dictcomp_value", "{j: [await i for i in j] for j in x}"),
    E("listcomp_in_listcomp_later_iter", "[i for j in x for i in [k async for k in j]]"),
    E("listcomp_await_in_genexp_in_listcomp", "[[await i for i in j] for j in (k for k in x)]"),
    E("await_in_lambda", "(lambda: await x)"),
    E("listcomp_async_in_lambda", "(lambda: [i async for i in x])"),
    E("lambda_default_await_in_listcomp", "[lambda a=await i: a for i in x]"),
    E("fstring_await", 'f"{await x}"'),
    E("walrus_await", "(y := await x)"),
    E("ternary_await", "(z if await x else y)"),
    E("await_yield", "await (yield)"),
    E("yield_value", "(yield x)"),
    E("plain_listcomp", "[i for i in x]"),
    E("plain_name", "x"),
    E("await_listcomp_first_iter_async", "[await i for i in [j async for j in x]]"),
    E("await_twice", "(await x, await y)"),
    E("listcomp_async_then_await", "([i async for i in x], await y)"),
    E("listcomp_async_in_lambda_in_listcomp", "[(lambda: [i async for i in x]) for j in y]"),
    E("listcomp_await_first_iter_in_listcomp", "[[i for i in await j] for j in x]"),
    E("listcomp_three_deep", "[[[k async for k in j] for j in i] for i in x]"),
    E("listcomp_async_for_await_cond", "[i async for i in x if await i]"),
]

STATEMENTS = [
    S("async_for", "async for i in x: pass"),
    S("async_for_else", "async for i in x:\n    pass\nelse:\n    pass"),
    S("async_with", "async with x: pass"),
    S("async_with_two_items", "async with x as y, z as w:\n    pass"),
    S("async_with_await_body", "async with x:\n    await y"),
    S("with_async_with_body", "with x:\n    async with y:\n        pass"),
    S("if_async_for", "if y:\n    async for i in x:\n        pass"),
    S("yield_from_stmt", "yield from x"),
    S("yield_then_return_value", "yield 1\nreturn 2"),
    S("return_value_then_yield", "return 2\nyield 1"),
    S("yield_then_return_none", "yield 1\nreturn None"),
    S("yield_then_bare_return", "yield 1\nreturn"),
    S("return_yield_from", "return (yield from x)"),
    S("return_yield", "return (yield)"),
    S("return_await", "return await x"),
    S("return_value", "return 1"),
    S("yield_stmt", "yield 1"),
    S("if_yield_else_return", "if x:\n    yield 1\nelse:\n    return 2"),
    S("async_for_yield_then_return", "async for i in x:\n    yield i\nreturn 3"),
    S("yield_in_nested_def_then_return", "def g():\n    yield 1\nreturn 2"),
    S("yield_in_lambda_then_return", "h = lambda: (yield)\nreturn 2"),
    S("nested_async_generator_then_return", "async def g():\n    yield 1\nreturn 2"),
    S("nested_async_def_yield_from", "async def g():\n    yield from x"),
    S("nested_def_await", "def g():\n    await x"),
    S("nested_async_def_await", "async def g():\n    await x"),
    S("class_body_await", "class K:\n    await x"),
    S("while_await", "while await x:\n    pass"),
    S("assign_await", "y = await x"),
    S("augassign_listcomp_async", "y += [i async for i in x]"),
    S("for_over_await", "for i in await x:\n    pass"),
    S("try_await", "try:\n    await x\nexcept Exception:\n    pass"),
    S("listcomp_async_then_async_with", "y = [i async for i in x]\nasync with z:\n    pass"),
    S("listcomp_async_then_async_for", "y = [i async for i in x]\nasync for j in z:\n    pass"),
    S("listcomp_async_then_await_stmt", "y = [i async for i in x]\nawait z"),
    S("pass", "pass"),
]

# ---------------------------------------------------------------------------
# Contexts: programs with one hole, "@E@" (an expression) or a line "@S@"
# (statements, indented like the marker).


@dataclass(frozen=True)
class Context:
    name: str
    template: str
    has_return_value: bool = False  # a `return <value>` of its own: ASY306 if a construct makes a generator

    @property
    def statement_hole(self) -> bool:
        return "@S@" in self.template


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def fill_statement_hole(template: str, statements: str) -> str:
    """`statements` in place of the "@S@" line, indented like it."""
    match = re.search(r"^( *)@S@$", template, re.MULTILINE)
    assert match, template
    before, after = template[: match.start()], template[match.end():]
    return before + indent(statements, match.group(1)) + after


def fill(context: Context, construct: Construct) -> Optional[str]:
    if context.statement_hole:
        return fill_statement_hole(context.template, construct.text) + "\n"
    if construct.statement:
        return None
    return context.template.replace("@E@", construct.text) + "\n"


# Where an expression hole can stand, as a module-level snippet.
EXPRESSION_SITES: list[tuple[str, str]] = [
    ("assign", "y = @E@"),
    ("def_default", "def g(a=@E@):\n    pass"),
    ("async_def_default", "async def g(a=@E@):\n    pass"),
    ("def_kwonly_default", "def g(*, a=@E@):\n    pass"),
    ("async_def_kwonly_default", "async def g(*, a=@E@):\n    pass"),
    ("lambda_default", "h = lambda a=@E@: a"),
    ("lambda_kwonly_default", "h = lambda *, a=@E@: a"),
    ("lambda_body", "h = lambda: @E@"),
    ("lambda_in_lambda_body", "h = lambda: lambda: @E@"),
    ("def_param_annotation", "def g(a: @E@):\n    pass"),
    ("async_def_param_annotation", "async def g(a: @E@):\n    pass"),
    ("def_vararg_annotation", "def g(*a: @E@):\n    pass"),
    ("def_kwarg_annotation", "def g(**a: @E@):\n    pass"),
    ("def_kwonly_annotation", "def g(*, a: @E@):\n    pass"),
    ("def_return_annotation", "def g() -> @E@:\n    pass"),
    ("async_def_return_annotation", "async def g() -> @E@:\n    pass"),
    ("annassign_annotation", "y: @E@ = 1"),
    ("annassign_annotation_no_value", "y: @E@"),
    ("annassign_value", "y: int = @E@"),
    ("annassign_complex_target", "y.a: @E@ = 1"),
    ("annassign_parenthesised_target", "(y): @E@ = 1"),
    ("decorator_def", "@@E@\ndef g():\n    pass"),
    ("decorator_paren_async_def", "@(@E@)\nasync def g():\n    pass"),
    ("decorator_call_def", "@d(@E@)\ndef g():\n    pass"),
    ("decorator_class", "@@E@\nclass K:\n    pass"),
    ("decorator_call_class", "@d(@E@)\nclass K:\n    pass"),
    ("class_base", "class K(@E@):\n    pass"),
    ("class_keyword", "class K(metaclass=@E@):\n    pass"),
    ("class_star_base", "class K(*@E@):\n    pass"),
    ("fstring", 'y = f"{@E@}"'),
    ("fstring_format_spec", 'y = f"{z:{@E@}}"'),
    ("walrus", "(y := @E@)"),
    ("walrus_in_listcomp", "[(y := @E@) for i in z]"),
    ("match_subject", "match @E@:\n    case _:\n        pass"),
    ("match_guard", "match z:\n    case _ if @E@:\n        pass"),
    ("except_type", "try:\n    pass\nexcept @E@:\n    pass"),
    ("except_star_type", "try:\n    pass\nexcept* @E@:\n    pass"),
    ("with_item", "with @E@:\n    pass"),
    ("for_iter", "for i in @E@:\n    pass"),
    ("assert", "assert @E@"),
    ("call_keyword", "z(k=@E@)"),
    ("subscript_target", "y[@E@] = 1"),
    ("generic_def_default", "def g[T](a=@E@):\n    pass"),
    ("generic_def_annotation", "def g[T](a: @E@):\n    pass"),
    ("generic_class_base", "class K[T](@E@):\n    pass"),
    ("generic_decorator", "@@E@\ndef g[T]():\n    pass"),
    ("generic_def_return_annotation", "def g[T]() -> @E@:\n    pass"),
    ("generic_bound", "def g[T: @E@]():\n    pass"),
    ("generic_class_keyword", "class K[T](metaclass=@E@):\n    pass"),
    ("type_alias", "type X = @E@"),
    ("generic_type_alias", "type X[T] = @E@"),
]

# Comprehension of each kind with the hole in each position.
COMPREHENSIONS = {
    "list": ("[", "]"),
    "set": ("{", "}"),
    "dict": ("{", "}"),
    "genexp": ("(", ")"),
}


def comprehension_sites() -> list[tuple[str, str]]:
    sites = []
    for kind, (opening, closing) in COMPREHENSIONS.items():
        element = "i: @E@" if kind == "dict" else "@E@"
        plain = "i: i" if kind == "dict" else "i"
        positions = {
            "element": f"{element} for i in z",
            "condition": f"{plain} for i in z if @E@",
            "first_iter": f"{plain} for i in @E@",
            "later_iter": f"{plain} for j in z for i in @E@",
        }
        if kind == "dict":
            positions["key"] = "@E@: i for i in z"
        for position, body in positions.items():
            sites.append((f"{kind}comp_{position}", f"y = {opening}{body}{closing}"))
    # Nested comprehensions, hole in the inner one's element.
    nested = {
        "list_in_list": "y = [[@E@ for i in j] for j in z]",
        "list_in_genexp": "y = ([@E@ for i in j] for j in z)",
        "genexp_in_list": "y = [(@E@ for i in j) for j in z]",
        "set_in_dict": "y = {j: {@E@ for i in j} for j in z}",
        "list_in_list_first_iter": "y = [i for i in [@E@ for j in z]]",
        "list_in_async_list": "y = [[@E@ for i in j] async for j in z]",
        "list_in_async_genexp": "y = ([@E@ for i in j] async for j in z)",
    }
    sites.extend((f"nested_{name}", template) for name, template in nested.items())
    return sites


EXPRESSION_SITES += comprehension_sites()

ANNOTATION_SITES = {name for name, _ in EXPRESSION_SITES if "annotation" in name}

# Where a snippet (an expression site, or a statement hole) can be put.
ENCLOSURES: dict[str, str] = {
    "module": "@S@",
    "def": "def f():\n    @S@",
    "async_def": "async def f():\n    @S@",
    "class": "class C:\n    @S@",
    "class_in_async_def": "async def f():\n    class C:\n        @S@",
    "async_def_returning": "async def f():\n    @S@\n    return 1",
}

# Which constructs each expression site is tried with, per enclosure: the
# ones whose verdict can differ there. `async_def_returning` is for the
# yields: a yield evaluated by the async def makes `return 1` an error.
EXPRESSION_PLAN: dict[str, list[str]] = {
    "module": ["await", "listcomp_async_for", "genexp_async_for"],
    "def": ["await", "listcomp_async_for"],
    "async_def": ["await", "listcomp_async_for", "listcomp_await_elt", "yield_from"],
    "class": ["listcomp_async_for"],
    "class_in_async_def": ["await"],
    "async_def_returning": ["yield", "yield_from"],
}
# Inside a comprehension only the comprehension's own scope matters.
COMPREHENSION_PLAN: dict[str, list[str]] = {
    "module": ["await", "listcomp_async_for", "genexp_async_for"],
    "def": ["listcomp_async_for"],
    "async_def": ["await", "listcomp_async_for", "listcomp_await_elt"],
}
# PEP 695 sites (3.12+) get an await hidden in a lambda too.
GENERIC_PLAN: dict[str, list[str]] = {
    "module": ["await", "listcomp_async_for", "genexp_async_for", "await_in_lambda"],
    "def": ["listcomp_async_for"],
    "async_def": ["await", "listcomp_async_for", "setcomp_await_cond", "await_in_lambda"],
    "class": ["listcomp_async_for"],
    "async_def_returning": ["yield"],
}
FUTURE_PLAN: dict[str, list[str]] = {
    "module": ["await", "listcomp_async_for"],
    "async_def": ["await", "listcomp_async_for"],
    "async_def_returning": ["yield"],
}

# Statement holes: the main ones get every construct, the rest a sample.
FULL_STATEMENT_CONTEXTS = {"module", "def", "async_def"}
MEDIUM_STATEMENT_CONTEXTS = {
    "class",
    "class_in_async_def",
    "def_in_async_def",
    "async_generator",
    "async_def_returning",
    "async_def_in_def",
}
SAMPLE_CONSTRUCTS = [
    "async_for",
    "async_with",
    "yield_from_stmt",
    "yield_then_return_value",
    "await",
    "listcomp_async_for",
    "genexp_async_for",
    "yield",
]

STATEMENT_CONTEXTS = [
    Context("module", "@S@"),
    Context("module_if", "if y:\n    @S@"),
    Context("module_else", "if y:\n    pass\nelse:\n    @S@"),
    Context("module_try", "try:\n    @S@\nexcept E:\n    pass"),
    Context("module_finally", "try:\n    pass\nfinally:\n    @S@"),
    Context("module_except_star", "try:\n    pass\nexcept* E:\n    @S@"),
    Context("module_with", "with y:\n    @S@"),
    Context("module_for", "for i in y:\n    @S@"),
    Context("module_while", "while y:\n    @S@"),
    Context("module_match", "match y:\n    case 1:\n        @S@"),
    Context("module_global", "global y\n@S@"),
    Context("class", "class C:\n    @S@"),
    Context("class_in_class", "class C:\n    class D:\n        @S@"),
    Context("class_in_def", "def f():\n    class C:\n        @S@"),
    Context("class_in_async_def", "async def f():\n    class C:\n        @S@"),
    Context("def", "def f():\n    @S@"),
    Context("def_global", "def f():\n    global y\n    @S@"),
    Context("def_if", "def f():\n    if y:\n        @S@"),
    Context("method", "class C:\n    def m(self):\n        @S@"),
    Context("async_method", "class C:\n    async def m(self):\n        @S@"),
    Context("async_def", "async def f():\n    @S@"),
    Context("async_def_global", "async def f():\n    global y\n    @S@"),
    Context("async_def_nonlocal", "def f():\n    y = 1\n    async def g():\n        nonlocal y\n        @S@"),
    Context("async_def_try", "async def f():\n    try:\n        @S@\n    except E:\n        pass"),
    Context("async_def_except_star", "async def f():\n    try:\n        pass\n    except* E:\n        @S@"),
    Context("async_def_match", "async def f():\n    match y:\n        case _:\n            @S@"),
    Context("async_def_while", "async def f():\n    while y:\n        @S@"),
    Context("async_def_async_for", "async def f():\n    async for i in y:\n        @S@"),
    Context("async_def_async_with", "async def f():\n    async with y:\n        @S@"),
    Context("async_generator", "async def f():\n    yield 0\n    @S@"),
    Context("async_def_yield_after", "async def f():\n    @S@\n    yield 0"),
    Context("async_def_nested_def_yields", "async def f():\n    def g():\n        yield 0\n    @S@"),
    Context("async_def_returning", "async def f():\n    @S@\n    return 1", has_return_value=True),
    Context("def_in_async_def", "async def f():\n    def g():\n        @S@"),
    Context("async_def_in_def", "def f():\n    async def g():\n        @S@"),
    Context("async_def_in_async_def", "async def f():\n    async def g():\n        @S@"),
    Context("def_in_class_in_async_def", "async def f():\n    class C:\n        def m(self):\n            @S@"),
]

CONSTRUCTS = {c.name: c for c in CORE_EXPRESSIONS + MORE_EXPRESSIONS + STATEMENTS}
assert len(CONSTRUCTS) == len(CORE_EXPRESSIONS + MORE_EXPRESSIONS + STATEMENTS), "construct names must be unique"


def statement_contexts() -> list[tuple[Context, list[Construct]]]:
    result = []
    for context in STATEMENT_CONTEXTS:
        if context.name in FULL_STATEMENT_CONTEXTS:
            constructs = STATEMENTS + CORE_EXPRESSIONS + MORE_EXPRESSIONS
        elif context.name in MEDIUM_STATEMENT_CONTEXTS:
            constructs = STATEMENTS + CORE_EXPRESSIONS
        else:
            constructs = [CONSTRUCTS[name] for name in SAMPLE_CONSTRUCTS]
        result.append((context, constructs))
    return result


def expression_contexts() -> list[tuple[Context, list[Construct]]]:
    result = []
    for site, snippet in EXPRESSION_SITES:
        if site.startswith("generic_") or site.endswith("type_alias"):
            plan = GENERIC_PLAN
        elif "comp_" in site or site.startswith("nested_"):
            plan = COMPREHENSION_PLAN
        else:
            plan = EXPRESSION_PLAN
        plans = [("", plan)]
        if site in ANNOTATION_SITES:
            plans.append(("future_annotations-", FUTURE_PLAN))
        for prefix, chosen in plans:
            for enclosure, names in chosen.items():
                template = fill_enclosure(enclosure, snippet)
                if prefix:
                    template = "from __future__ import annotations\n" + template
                context = Context(
                    f"{prefix}{enclosure}-{site}", template, has_return_value=enclosure == "async_def_returning"
                )
                result.append((context, [CONSTRUCTS[name] for name in names]))
    return result


def fill_enclosure(enclosure: str, snippet: str) -> str:
    return fill_statement_hole(ENCLOSURES[enclosure], snippet)


@dataclass(frozen=True)
class Program:
    id: str
    context: str
    construct: str
    source: str
    multi: bool  # two constructs that can each be an error


def parses(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError:
        return False
    return True


def generate() -> list[Program]:
    programs: list[Program] = []
    seen: set[str] = set()
    for context, constructs in statement_contexts() + expression_contexts():
        for construct in constructs:
            source = fill(context, construct)
            if source is None or source in seen or not parses(source):
                continue
            seen.add(source)
            multi = construct.offenders + context.has_return_value >= 2
            programs.append(Program(f"{context.name}-{construct.name}", context.name, construct.name, source, multi))
    return programs


PROGRAMS = generate()


# ---------------------------------------------------------------------------
# Tests.


def plugin_findings(source: str, top_level_await: bool) -> list[tuple[int, int, str]]:
    return lint(source, allow_top_level_await=top_level_await)


def describe(program: Program, mode: str, message: Optional[str], findings: list[tuple[int, int, str]]) -> str:
    shown = "\n".join(f"    {line}:{col} {text}" for line, col, text in findings) or "    (nothing)"
    numbered = "\n".join(f"  {n:2} | {line}" for n, line in enumerate(program.source.splitlines(), 1))
    return (
        f"\nprogram {program.id} (mode {mode}):\n{numbered}\n"
        f"compile(): {'OK' if message is None else 'SyntaxError: ' + message}\n"
        f"plugin:\n{shown}"
    )


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.id for p in PROGRAMS])
def test_plugin_agrees_with_compile(program: Program) -> None:
    failures = []
    for mode, flags in MODES.items():
        expected, message = compile_verdict(program.source, flags)
        findings = plugin_findings(program.source, top_level_await=bool(flags))
        reported = {text.split(" ", 1)[0] for _, _, text in findings}
        ours = reported & SIX
        if "ASY000" in reported:
            ok = False
        elif expected is None:
            ok = not ours
        elif expected == OTHER:
            ok = True
        elif program.multi:
            ok = expected in ours and reported <= SIX
        else:
            ok = reported == {expected}
        if not ok:
            failures.append(describe(program, mode, message, findings))
    assert not failures, "\n".join(failures)


def test_corpus_is_large_enough() -> None:
    assert len(PROGRAMS) >= 500, len(PROGRAMS)


@pytest.mark.parametrize("mode", list(MODES))
def test_few_programs_fail_for_other_reasons(mode: str) -> None:
    """Programs that compile() rejects for another reason test only "no crash": keep them rare."""
    other = [p for p in PROGRAMS if compile_verdict(p.source, MODES[mode])[0] == OTHER]
    assert len(other) < 0.15 * len(PROGRAMS), (len(other), len(PROGRAMS))


@pytest.mark.parametrize("mode", list(MODES))
def test_corpus_reaches_every_code(mode: str) -> None:
    """The corpus exercises each of the six errors (and the message table still matches CPython's)."""
    found = {compile_verdict(p.source, MODES[mode])[0] for p in PROGRAMS}
    assert SIX <= found, sorted(SIX - found)
