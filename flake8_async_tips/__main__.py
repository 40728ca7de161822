"""`python -m flake8_async_tips [CODE]`: the codes' documentation, from the installed package.

Without a code it lists every code with its summary; with one (`ASY100`,
any case) it prints that code's full documentation (what it reports, why,
an example, the fix, the options and limits), the same text as docs/rules.md,
generated from the rule classes' docstrings. An unknown code is an error
(exit status 2). `python -m flake8_async_tips fix ...` is the fix command
(flake8_async_tips/fix.py).
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from flake8_async_tips import __version__, docs

HOME = "https://github.com/flake8-async-tips/flake8-async-tips"


def main(argv: Optional[list[str]] = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["fix"]:
        # `python -m flake8_async_tips fix ...`: the fix command, as the console script runs it.
        from flake8_async_tips import fix

        return fix.main(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="python -m flake8_async_tips",
        description="Show the documentation of flake8-async-tips' codes.",
        epilog=f"flake8-async-tips {__version__}; {HOME}",
    )
    parser.add_argument("code", nargs="?", help="a code such as ASY100; omit it to list every code")
    args = parser.parse_args(arguments)
    index = docs.code_index()
    if args.code is None:
        width = max(len(code) for code, _ in index)
        for code, summary in index:
            print(f"{code:<{width}}  {summary}")
        print(f"\nOne code's documentation: python -m flake8_async_tips ASY100 (all of them: {HOME})")
        return 0
    code = args.code.strip().upper()
    if code not in dict(index):
        known = ", ".join(code for code, _ in index)
        print(f"python -m flake8_async_tips: unknown code {args.code!r}; the codes are {known}", file=sys.stderr)
        return 2
    sys.stdout.write(docs.render_one(code))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
