"""The inference layer: what an expression refers to, and what calling it makes.

Every question answers YES, NO or UNKNOWN, and only YES may report. The
local pass works on the stdlib AST of the linted module: bindings, imports
(by qualified name, looked up in `known_apis`), classes and their methods,
instances built in the module, `with ... as` targets and
`functools.partial`. Anything it cannot follow is UNKNOWN.

The package is split by layers, each file importing only those below it
(tests/test_inference_layers.py keeps it so):

- `syntax`, `values`: what a def's own syntax says; the abstract values
  (definitions, qualified names, instances, partials, protocols);
- `module_cache`: other modules read once per process, and the per-file
  memos; it builds their evaluators with the constructor it is given;
- `project_names`: the evaluator's state, and names of other modules;
- `classes`, `construction`, `functions`, `annotations`, `items`: the class
  model, what calling or subscripting a class gives, the function model,
  what annotations say and what a `for` target takes, mixins given the
  evaluator as `self` instead of importing it;
- `operators`: what `a / b` (by the left operand's method) and `Cls[T]` make;
- `evaluator`: what an expression refers to;
- `callable_kinds`, `protocols`: the rules' questions, on top.

One evaluator, `Inference`, answers every rule family.
"""

from __future__ import annotations

from typing import Optional

from flake8_async_tips.bodies import is_stub
from flake8_async_tips.inference import module_cache
from flake8_async_tips.inference.module_cache import (
    MAX_CACHED_MODULES,
    SETTLE_EVERY,
    forget_linted_file,
    read_only_modules,
    settle_module_cache,
)

# The per-process cache and the per-file memos, the very objects `module_cache` uses
# (never rebound, only cleared). MAX_CACHED_MODULES and SETTLE_EVERY above are
# copies for reading: a change must be made to `module_cache`'s own.
from flake8_async_tips.inference.module_cache import _CLASS_BASES, _MODULES, _VALUES  # noqa: F401
from flake8_async_tips.inference.protocols import ProtocolQuestions
from flake8_async_tips.inference.syntax import _returns_a_value  # noqa: F401
from flake8_async_tips.inference.values import (
    ASYNC,
    COROUTINE,
    MAX_DEPTH,
    SYNC,
    Definition,
    External,
    Instance,
    Partial,
    Protocols,
    Value,
    Values,
    canonical_class,
    member_name,
)
from flake8_async_tips.kinds import FUNCTION_KINDS, CallableKind
from flake8_async_tips.verdict import Verdict

__all__ = [
    "ASYNC",
    "COROUTINE",
    "FUNCTION_KINDS",
    "MAX_CACHED_MODULES",
    "MAX_DEPTH",
    "SETTLE_EVERY",
    "SYNC",
    "CallableKind",
    "Definition",
    "External",
    "Inference",
    "Instance",
    "Partial",
    "Protocols",
    "Value",
    "Values",
    "Verdict",
    "canonical_class",
    "is_stub",
    "member_name",
    "module_at",
    "forget_linted_file",
    "read_only_modules",
    "settle_module_cache",
]


class Inference(ProtocolQuestions):
    """Answers the rules' questions about one module.

    The layers, top first: ProtocolQuestions, CallableKinds, Evaluator, OperatorModel,
    CallSiteModel, FixtureModel, ItemModel, OverloadModel, AnnotationModel, FunctionModel,
    ConstructionModel, InstanceStoreModel, ClassModel, ProjectNames (which holds the state).
    """


def module_at(path: str, declared: frozenset[str]) -> Optional[Inference]:
    """The Inference of the module in `path`, or None if it cannot be read as Python.

    From the per-process cache of `module_cache`, the same one the evaluator reads other modules through.
    """
    return module_cache.module_at(path, declared, Inference)
