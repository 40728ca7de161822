"""Which binding of a name reaches a read (flake8_async_tips/reaching.py).

Each case marks the read with `# read` and, when one binding certainly
reaches it, that binding's line with `# reaches`; without a `# reaches`
line every binding of the name stays possible.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from flake8_async_tips.bindings import BindingIndex
from flake8_async_tips.reaching import ReachingBindings

CASES = {
    "the later assignment": """
        async def f():
            x = A()
            x = B()  # reaches
            x.m()  # read
    """,
    "two with targets in a row": """
        async def f(path):
            async with await Writer.open(path) as x:
                await x.send(b"")
            async with await Reader.open(path) as x:  # reaches
                for chunk in x:  # read
                    pass
    """,
    "the value of the rebinding statement reads the old one": """
        async def f():
            x = A()  # reaches
            x = x.m()  # read
    """,
    "a for target each pass": """
        async def f(items):
            x = A()
            for x in items:  # reaches
                x.m()  # read
    """,
    "a parameter when nothing is bound before": """
        async def f(x):  # reaches
            x.m()  # read
            x = B()
    """,
    "an assignment before, in the same branch": """
        async def f(flag):
            x = A()
            if flag:
                x = B()  # reaches
                x.m()  # read
    """,
    "a binding before the if, none in its test": """
        async def f(flag):
            x = A()  # reaches
            if flag:
                x.m()  # read
            else:
                x = B()
    """,
    "an import, then a def": """
        from a import x
        def x():  # reaches
            pass
        x()  # read
    """,
    "an assignment inside an if may not have run": """
        async def f(flag):
            x = A()
            if flag:
                x = B()
            x.m()  # read
    """,
    "a loop comes back round": """
        async def f(items):
            x = A()
            for item in items:
                x.m()  # read
                x = B()
    """,
    "a while loop comes back round": """
        async def f():
            x = A()
            while True:
                x.m()  # read
                x = B()
    """,
    "a for target and a binding in the body": """
        async def f(items):
            for x in items:
                x.m()  # read
                x = B()
    """,
    "the loop may run no pass": """
        async def f(items):
            x = A()
            for x in items:
                pass
            x.m()  # read
    """,
    "a try may have stopped early": """
        async def f():
            x = A()
            try:
                x = B()
            except OSError:
                x.m()  # read
    """,
    "after a try that binds": """
        async def f():
            x = A()
            try:
                x = B()
            except OSError:
                pass
            x.m()  # read
    """,
    "inside the try body, after its binding": """
        async def f():
            x = A()
            try:
                x = B()  # reaches
                x.m()  # read
            except OSError:
                pass
    """,
    "a closure reads the last value at call time": """
        async def f():
            x = A()
            def inner():
                return x.m()  # read
            x = B()
    """,
    "a nonlocal write in a nested def": """
        async def f():
            x = A()
            def rebind():
                nonlocal x
                x = C()
            x = B()
            rebind()
            x.m()  # read
    """,
    "a walrus in the test": """
        async def f():
            x = A()
            if (x := g()):
                x.m()  # read
    """,
    "a with whose body rebinds": """
        async def f():
            x = A()
            with cm() as x:
                x = B()
            x.m()  # read
    """,
    "a bare annotation binds nothing at run time": """
        async def f():
            x = A()
            x: B
            x.m()  # read
    """,
    "a global declaration elsewhere": """
        x = A()
        x = B()
        def g():
            global x
            x = C()
        g()
        x.m()  # read
    """,
    "a match case's own capture": """
        async def f(v):
            x = A()
            match v:
                case [x]:
                    x.m()  # read
    """,
    "statements on one line": """
        async def f():
            x = A(); x = B()  # reaches
            print(1); x.m()  # read
    """,
    "a read in an f-string": """
        async def f():
            x = A()
            x = B()  # reaches
            print(f"{x.m()!r:>10}")  # read
    """,
    "a read in a decorator is not narrowed": """
        x = A()
        x = B()
        @x.register  # read
        def handler():
            pass
    """,
    "a read in an except handler's type": """
        async def f():
            x = A()
            try:
                x = B()
            except x.Error:  # read
                pass
    """,
}


def _read_and_expected(source: str) -> tuple[ast.Module, ast.Name, int | None]:
    tree = ast.parse(source)
    lines = source.splitlines()
    read_line = next(number for number, line in enumerate(lines, 1) if line.rstrip().endswith("# read"))
    reaches = [number for number, line in enumerate(lines, 1) if line.rstrip().endswith("# reaches")]
    reads = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "x" and isinstance(node.ctx, ast.Load) and node.lineno == read_line
    ]
    assert len(reads) == 1
    return tree, reads[0], reaches[0] if reaches else None


def _scope_of(index: BindingIndex, read: ast.Name):
    order = index.walk_order
    for node, scope in zip(order.nodes, order.scopes):
        if node is read:
            return scope
    raise AssertionError("the read was not walked")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_binding_that_reaches(name: str) -> None:
    source = textwrap.dedent(CASES[name])
    tree, read, expected_line = _read_and_expected(source)
    index = BindingIndex.build(tree, record_walk=True)
    scope = _scope_of(index, read)
    found = index.lookup("x", scope)
    assert found is not None and len(found) > 1, "each case binds the name more than once"
    reaching = ReachingBindings(index).reaching(read, scope, found)
    if expected_line is None:
        assert reaching is found
    else:
        assert len(reaching) == 1
        assert reaching[0].node.lineno == expected_line


# Run as programs: where a binding is said to reach the read, the value the read sees at run
# time is always that binding's (each binding makes an instance of its own class, named by line).
RUNNABLE = {
    "straight line": """
        def f(flag):
            x = A()
            x = B()
            seen.append(type(x).__name__)  # read
    """,
    "a loop rebinding after the read": """
        def f(flag):
            x = A()
            for _ in range(3):
                seen.append(type(x).__name__)  # read
                x = B()
    """,
    "a branch that may rebind": """
        def f(flag):
            x = A()
            if flag:
                x = B()
            seen.append(type(x).__name__)  # read
    """,
    "a try whose body may stop early": """
        def f(flag):
            x = A()
            try:
                if flag:
                    raise ValueError
                x = B()
            except ValueError:
                seen.append(type(x).__name__)  # read
    """,
    "inside the branch, after its binding": """
        def f(flag):
            x = A()
            if flag:
                x = B()
                seen.append(type(x).__name__)  # read
    """,
    "a with target then the body": """
        def f(flag):
            x = A()
            with Entered() as x:
                seen.append(type(x).__name__)  # read
    """,
}

_PRELUDE = """
class A: pass
class B: pass
class Entered:
    def __enter__(self): return self
    def __exit__(self, *exc_info): return False
seen = []
"""


@pytest.mark.parametrize("name", sorted(RUNNABLE))
def test_the_run_agrees_with_the_binding_that_reaches(name: str) -> None:
    source = textwrap.dedent(RUNNABLE[name])
    tree, read, _ = _read_and_expected(source)
    index = BindingIndex.build(tree, record_walk=True)
    scope = _scope_of(index, read)
    found = index.lookup("x", scope)
    assert found is not None and len(found) > 1
    reaching = ReachingBindings(index).reaching(read, scope, found)
    namespace: dict = {}
    exec(compile(_PRELUDE + source, name, "exec"), namespace)  # our own snippet, not linted code
    for flag in (False, True):
        namespace["f"](flag)
    observed = set(namespace["seen"])
    if len(reaching) == 1:
        binding = reaching[0]
        statement = next(
            node for node in ast.walk(tree)
            if isinstance(node, (ast.Assign, ast.With)) and any(child is binding.node for child in ast.walk(node))
        )
        made = statement.value if isinstance(statement, ast.Assign) else statement.items[0].context_expr
        assert observed == {made.func.id}  # type: ignore[attr-defined]
    else:
        assert reaching is found
