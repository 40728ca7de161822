"""The flake8 entry point: one checker class that runs every rule family."""

from __future__ import annotations

import argparse
import ast
import gc
import logging
from collections.abc import Iterator
from typing import Any, Optional

from flake8_async_tips import __version__
from flake8_async_tips import options as plugin_options
from flake8_async_tips.context import FileContext
from flake8_async_tips.inference import forget_linted_file, read_only_modules, settle_module_cache
from flake8_async_tips.prefilter import may_hold_async, may_report
from flake8_async_tips.rules import FAMILIES, all_error_classes
from flake8_async_tips.rules.base import RuleFamily
from flake8_async_tips.scopes import WalkOrder, walk_together

LOG = logging.getLogger("flake8_async_tips")

INTERNAL_ERROR_CODE = "ASY000"

Result = tuple[int, int, str, type]

ALL_CODES = tuple(error.code for error in all_error_classes())


class AsyncTipsChecker:
    """Registered under flake8's `ASY` prefix; flake8 passes arguments by name."""

    name = "flake8-async-tips"
    version = __version__
    config = plugin_options.Config()

    def __init__(self, tree: ast.AST, lines: list[str], filename: str = "stdin") -> None:
        self.context = FileContext(tree, lines, filename, self.config)

    @staticmethod
    def add_options(manager: Any) -> None:
        plugin_options.register(manager)

    @classmethod
    def parse_options(cls, option_manager: Any, options: argparse.Namespace, args: list[str]) -> None:
        try:
            cls.config = plugin_options.Config.from_flake8(options, ALL_CODES)
        except plugin_options.OptionValueError as error:
            # argparse's error(): a usage line and the message on stderr, exit status 2.
            option_manager.parser.error(str(error))

    def run(self) -> Iterator[Result]:
        # All families share one walk of the tree. One family's bug must not
        # abort the user's whole lint run: what it found before failing is
        # kept, the failure is reported as ASY000, and the others go on.
        if not self._may_report():
            return
        families: list[RuleFamily] = []
        failures: dict[Any, Exception] = {}
        # What one file's analysis allocates is freed by reference counting once its rules have
        # run (the scope trees' cycles are broken by hand): left to the cyclic collector, it
        # would make flake8's full collections, each a walk of the whole process, come sooner.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._analyse(families, failures)
        finally:
            if collecting:
                gc.enable()
        for rules in families:
            for error in rules.errors:
                yield error.lineno, error.col_offset, f"{error.code} {error.message}", type(self)
        for failed, error in failures.items():
            yield self._internal_error(failed if isinstance(failed, type) else type(failed), error)

    def _analyse(self, families: list[RuleFamily], failures: dict[Any, Exception]) -> None:
        """The families that apply walk the tree together; each one's findings stay on it."""
        settle_module_cache()
        for family in FAMILIES:
            try:
                if family.applies_to(self.context):
                    families.append(family(self.context.config, self.context))
            except Exception as error:  # noqa: BLE001 - see above
                failures[family] = error
        if families:
            # A file with nothing async of its own can be reported on only through other modules' async code.
            sync_only = not self.context.config.coroutine_functions and not self.context.has_async_word
            read_only_modules(may_hold_async if sync_only else None)
            try:
                replay = self._bindings_walk() if any(f.may_ask_inference(self.context) for f in families) else None
                failures.update(walk_together(self.context.tree, families, replay=replay))  # type: ignore[arg-type]
            finally:
                read_only_modules(None)
                forget_linted_file()
                for rules in families:
                    rules.root_scope.forget_children()
                self.context.release()

    def _bindings_walk(self) -> Optional[WalkOrder]:
        """The bindings' walk of the tree, which the rules' walk replays; almost every file asks for the bindings.

        If building them fails, the rules walk on their own: the family whose
        question meets the failure reports it, and the others go on.
        """
        try:
            return self.context.bindings.walk_order
        except Exception:  # noqa: BLE001 - see above
            LOG.debug("flake8-async-tips: bindings failed on %s", self.context.filename, exc_info=True)
            return None

    def _may_report(self) -> bool:
        """Nothing to do when every code is deselected or the file has nothing async in reach."""
        if not self.config.selects_any(ALL_CODES):
            return False
        try:
            return may_report(self.context)
        except Exception:  # noqa: BLE001 - the families decide then, as they would without the prefilter
            LOG.debug("flake8-async-tips: prefilter failed on %s", self.context.filename, exc_info=True)
            return True

    def _internal_error(self, family: type, exc: Exception) -> Result:
        # One line by default; the traceback at DEBUG level of the flake8_async_tips logger.
        LOG.warning("flake8-async-tips: %s failed on %s: %r", family.__name__, self.context.filename, exc)
        LOG.debug("flake8-async-tips: %s traceback", family.__name__, exc_info=exc)
        return (
            1,
            0,
            f"{INTERNAL_ERROR_CODE} flake8-async-tips internal error in {family.__name__}: "
            f"{type(exc).__name__}: {exc} (please report it; other checks still ran)",
            type(self),
        )
