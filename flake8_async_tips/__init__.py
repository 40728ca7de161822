"""flake8-async-tips: catch the ways async/await is misused in Python."""

__version__ = "0.1.0"
