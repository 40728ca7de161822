"""Run flake8 (its real command line) and time each file, for scripts/realworld.py.

Usage: python scripts/_timed_flake8.py FLAKE8-ARGS...  (use -j1)

Everything flake8 does is unchanged; two timers are wrapped around it and each
file's times are appended, one JSON object a line, to the file named by the
environment variable FLAKE8_TIMING_OUT:

    {"path": ..., "seconds": ..., "plugin_seconds": ...,
     "cpu_seconds": ..., "plugin_cpu_seconds": ..., "lines": ...}

`seconds` is flake8's whole work on the file (every installed plugin runs,
whatever --select says: pycodestyle, pyflakes, mccabe and ours); it is
FileChecker.run_checks. `plugin_seconds` is flake8-async-tips' share of it: the
checker's construction and the iteration of its run() generator. The `cpu_`
twins are the same spans in this process's CPU time (time.process_time), which
a busy machine does not inflate.

With FLAKE8_ASYNC_TIPS_TRACEBACKS=1 it also prints, on stderr, the traceback
the plugin logs at debug level for an internal error (ASY000): flake8's -vv
configures only the `flake8` logger, not the plugin's.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import time

from flake8 import checker as flake8_checker
from flake8.main import cli

from flake8_async_tips.checker import AsyncTipsChecker

_OUT = os.environ.get("FLAKE8_TIMING_OUT")
_plugin_seconds = [0.0, 0.0]  # wall, CPU


def _timed_init(original):
    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            original(self, *args, **kwargs)
        finally:
            _plugin_seconds[0] += time.perf_counter() - started
            _plugin_seconds[1] += time.process_time() - cpu

    return __init__


def _timed_run(original):
    @functools.wraps(original)
    def run(self):
        iterator = original(self)
        while True:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                _plugin_seconds[0] += time.perf_counter() - started
                _plugin_seconds[1] += time.process_time() - cpu
            yield item

    return run


def _timed_run_checks(original):
    @functools.wraps(original)
    def run_checks(self):
        _plugin_seconds[0] = _plugin_seconds[1] = 0.0
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(self)
        finally:
            elapsed = time.perf_counter() - started
            cpu_elapsed = time.process_time() - cpu
            if _OUT:
                processor = getattr(self, "processor", None)
                lines = len(processor.lines) if processor is not None else None
                with open(_OUT, "a", encoding="utf-8") as out:
                    out.write(
                        json.dumps(
                            {
                                "path": self.filename,
                                "seconds": round(elapsed, 6),
                                "plugin_seconds": round(_plugin_seconds[0], 6),
                                "cpu_seconds": round(cpu_elapsed, 6),
                                "plugin_cpu_seconds": round(_plugin_seconds[1], 6),
                                "lines": lines,
                            }
                        )
                        + "\n"
                    )

    return run_checks


class _InternalErrorsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None and "traceback" in record.getMessage() or "failed on" in record.getMessage()


if os.environ.get("FLAKE8_ASYNC_TIPS_TRACEBACKS"):
    _handler = logging.StreamHandler(sys.stderr)
    _handler.addFilter(_InternalErrorsOnly())
    _plugin_log = logging.getLogger("flake8_async_tips")
    _plugin_log.addHandler(_handler)
    _plugin_log.setLevel(logging.DEBUG)
    _plugin_log.propagate = False

AsyncTipsChecker.__init__ = _timed_init(AsyncTipsChecker.__init__)
AsyncTipsChecker.run = _timed_run(AsyncTipsChecker.run)
flake8_checker.FileChecker.run_checks = _timed_run_checks(flake8_checker.FileChecker.run_checks)

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
