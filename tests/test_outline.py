"""Other modules are read in outline (function bodies cut down): the answers must not change.

For every module of the fixtures, the fixture packages and the plugin's own
source, each question inference asks of another module is answered twice,
once from the full tree and once from the outline, and the answers compared:
what each top-level name and class member is, what calling it makes,
which protocol methods each class defines, and whether a function returns a
value or is a stub.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from flake8_async_tips.bindings import BindingIndex
from flake8_async_tips.inference import Definition, Inference, _returns_a_value, is_stub
from flake8_async_tips.outline import outline_index
from flake8_async_tips.project import layout_of

HERE = Path(__file__).parent
MODULES = sorted(
    [
        *(HERE / "fixtures").rglob("*.py"),
        *(HERE / "fixture_packages").rglob("*.py"),
        *(HERE.parent / "flake8_async_tips").rglob("*.py"),
    ]
)
PROTOCOL_METHODS = ("__iter__", "__aiter__", "__enter__", "__aenter__", "__await__", "__getitem__", "__anext__")


def answers(inference: Inference) -> dict[str, object]:
    found: dict[str, object] = {}
    module = inference.bindings.module
    for name in sorted(inference.bindings.of(module).names):
        values = inference._name_values(name, inference.root_scope, 0)
        found[name] = None if values is None else sorted(inference.callable_kind(value) for value in values)
        for value in values or ():
            if not isinstance(value, Definition):
                continue
            node = value.node
            where = f"{name}@{node.lineno}"  # conditional definitions: one name, several nodes
            if isinstance(node, ast.ClassDef):
                members = {
                    statement.name
                    for statement in node.body
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
                for member in sorted(members | set(PROTOCOL_METHODS)):
                    found[f"{where}.{member} defined"] = inference.class_defines(value, member)
                    member_values = inference._class_attribute(value, member, 0)
                    found[f"{where}.{member}"] = (
                        None
                        if member_values is None
                        else sorted(inference.callable_kind(member_value) for member_value in member_values)
                    )
            else:
                found[f"{where} returns a value"] = _returns_a_value(node)
                found[f"{where} is a stub"] = is_stub(node)
    return found


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(HERE.parent)) for path in MODULES])
def test_outline_answers_like_the_full_tree(path: Path) -> None:
    source = path.read_bytes()
    try:
        full_tree = ast.parse(source, str(path))
    except SyntaxError:
        pytest.skip("not valid Python for this interpreter")
    layout = layout_of(str(path))
    full = Inference(BindingIndex.build(full_tree), layout)
    expected = answers(full)
    outlined = Inference(outline_index(ast.parse(source, str(path))), layout)
    assert answers(outlined) == expected
    # With the source, bodies without `yield` or `:=` are read by their statements only.
    outlined_with_source = Inference(outline_index(ast.parse(source, str(path)), source), layout)
    assert answers(outlined_with_source) == expected


def test_outline_cuts_function_bodies() -> None:
    source = (HERE / "fixture_packages" / "shop" / "outlined.py").read_text(encoding="utf-8")
    full_nodes = sum(1 for _ in ast.walk(ast.parse(source)))
    tree = ast.parse(source)
    outline_index(tree)
    assert sum(1 for _ in ast.walk(tree)) < full_nodes * 0.7


def test_outline_keeps_test_case_helpers_factories_and_namespace_rewriting_new_whole() -> None:
    source = """
class Case:
    def setUp(self):
        self.con = self.loop.run_until_complete(self.open(timeout=1))

    @classmethod
    def setUpClass(cls):
        loop = make_loop()
        cls.loop = loop

    def __init__(self, name):
        value = compute(name)
        self.name = value

    def create_pool(self, pool_class=None):
        pool = make_pool(pool_class=pool_class)
        return pool


def make_pool(pool_class):
    return pool_class()


class Other:
    def helper(self):
        value = compute(1)
        return value


class Meta(type):
    @staticmethod
    def _tests(ns):
        yield from ()

    def __new__(mcls, name, bases, ns):
        for key, value in mcls._tests(ns):
            ns[key] = value
        return super().__new__(mcls, name, bases, ns)
"""
    full = ast.parse(source)
    tree = ast.parse(source)
    outline_index(tree)
    kept = {node.name: ast.dump(node) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    whole = {node.name: ast.dump(node) for node in ast.walk(full) if isinstance(node, ast.FunctionDef)}
    for name in ("setUp", "setUpClass", "create_pool", "make_pool", "__new__", "_tests"):
        assert kept[name] == whole[name]
    assert kept["helper"] != whole["helper"]
    assert kept["__init__"] != whole["__init__"]


# Generated programs: whatever their shape, the outline answers as the full tree does.
EXAMPLES = int(os.environ.get("ASYNC_TIPS_HYPOTHESIS_EXAMPLES", "100"))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(source=hypothesmith.from_node())
def test_outline_answers_like_the_full_tree_on_generated_programs(source: str) -> None:
    try:
        full_tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        return
    layout = layout_of("generated.py")
    try:
        expected = answers(Inference(BindingIndex.build(full_tree), layout))
    except RecursionError:
        assume(False)
        return
    assert answers(Inference(outline_index(ast.parse(source)), layout)) == expected
    assert answers(Inference(outline_index(ast.parse(source), source.encode()), layout)) == expected


def test_outline_read_by_statements_still_sees_stores_in_comprehension_targets() -> None:
    # No `yield` and no `:=`: the body is read by its statements, but `for self.x in` still stores.
    source = (
        b"class C:\n    def m(self):\n        return [1 for self.x in range(2)]\n\n"
        b"    def n(self):\n        self.y = 1\n"
    )
    index = outline_index(ast.parse(source), source)
    assert {"x", "y"} <= index.stored_attributes


def test_every_node_class_that_binds_by_a_name_field_is_known() -> None:
    """The outline's reading of bodies goes by exact node class: a class of this Python's ast with a
    `name` or `rest` field (except handlers, match patterns, type parameters) must not be missed."""
    from flake8_async_tips import outline

    # TypeAlias (3.12+) names its alias with a Name node, which binds it as any stored name does.
    explicit = {ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias}
    explicit.add(getattr(ast, "TypeAlias", ast.alias))
    binding_by_field = {
        cls
        for cls in vars(ast).values()
        if isinstance(cls, type) and issubclass(cls, ast.AST) and {"name", "rest"} & set(cls._fields)
    }
    assert binding_by_field - explicit <= outline._BINDS_BY_NAME_FIELD
    statement = ast.parse("try:\n    pass\nexcept E as caught:\n    pass").body[0]
    handler = statement.handlers[0]  # type: ignore[attr-defined]
    assert outline._name_bound_by(handler) == "caught"
