"""Per-file facts shared by the rule families, each computed at most once."""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TYPE_CHECKING

from flake8_async_tips.options import Config

if TYPE_CHECKING:
    from flake8_async_tips.bindings import BindingIndex
    from flake8_async_tips.inference import Inference
    from flake8_async_tips.script_code import ScriptCode


class FileContext:
    """The file being linted: its tree, its text and what has been inferred of it."""

    def __init__(self, tree: ast.AST, lines: list[str], filename: str, config: Config) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename
        self.config = config

    def release(self) -> None:
        """Break the reference cycles of what was inferred of the file, once its rules have run.

        The scopes link parents and children, and the file's evaluator
        remembers values that name its own definitions: without this they would
        wait for the cyclic collector, or be kept for good if the module cache
        was set aside from it meanwhile.
        """
        known = vars(self)
        bindings = known.pop("bindings", None)
        if bindings is not None:
            bindings.forget_scope_children()
        inference = known.pop("inference", None)
        if inference is not None:
            inference.forget_everything()

    @cached_property
    def source(self) -> str:
        return "".join(self.lines)

    @cached_property
    def has_async_word(self) -> bool:
        """An async keyword, builtin or protocol name in the file's code (see prefilter)."""
        from flake8_async_tips.prefilter import has_async_word

        return has_async_word(self.source)

    @cached_property
    def bindings(self) -> BindingIndex:
        """Which names each scope binds, built before the rules' walk (or on the first question a rule asks)."""
        from flake8_async_tips.bindings import BindingIndex

        return BindingIndex.build(self.tree, record_walk=True)

    @cached_property
    def inference(self) -> Inference:
        from flake8_async_tips.inference import Inference
        from flake8_async_tips.project import layout_of

        return Inference(self.bindings, layout_of(self.filename), self.config.coroutine_functions)

    @cached_property
    def script_code(self) -> ScriptCode:
        """Which code only runs as a script, where no event loop can be set (ASY105)."""
        from flake8_async_tips.script_code import script_code

        return script_code(self.tree, self.filename)
