"""Methods judged by the project's own definitions.

A class that the project subclasses may have its methods replaced, so what
`self.method()` returns is known only by what every override keeps (its
annotation, or a coroutine function staying one). A method no definition
of the project can replace is judged by its own body: no class statement
below its class (found by the names in the bases of every class statement
of the project, then theirs; a name two classes share counts for both)
binds its name in its body, and no source file stores the name as an
attribute (`Client.send = patched`) or gives it to `setattr` as a literal.
`await self._prepare(query)` in asyncpg's Connection, which its tests
subclass, gives the PreparedStatement `_prepare` returns.

A subclass made outside the project (by a library's user, or by `type(...)`
or a computed `setattr` in another module at run time) is not seen: the
project's definitions are the judge.
"""

from __future__ import annotations

import ast

from flake8_async_tips.inference.classes import ClassModel
from flake8_async_tips.inference.values import Definition
from flake8_async_tips.project import may_be_overridden, replaced_attributes


class OverrideModel(ClassModel):
    """A mixin of `Inference`, below the evaluator."""

    def _overridden_nowhere(self, method: Definition) -> bool:
        """A method of a subclassed class that nothing of the project may replace (module docstring),
        nor a class of the linted module as edited."""
        if method.module is not self:
            return method.module._overridden_nowhere(method)
        name = method.node.name  # type: ignore[union-attr]
        cls = method.scope.node
        top = self.layout.project_folder
        if not isinstance(cls, ast.ClassDef) or top is None or len(self.bindings.of(cls).names.get(name, ())) > 1:
            return False
        if may_be_overridden(top, cls.name, name):
            return False
        replaced = replaced_attributes(top)
        if replaced is None or name in replaced:
            return False
        if self.bindings.walk_order is None:
            return True
        # The linted module as the editor has it, which may differ from the disk.
        if name in self.bindings.stored_attributes:
            return False
        root = self.bindings.root_scope
        classes = [scope.node for scope in root.preorder() if isinstance(scope.node, ast.ClassDef)]
        return sum(len(self.bindings.of(node).names.get(name, ())) for node in classes) <= 1
