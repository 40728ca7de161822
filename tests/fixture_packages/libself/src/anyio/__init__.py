"""A library's own source, as its repository has it: what it returns is built elsewhere."""

from ._backend import make_task_group


def create_task_group():
    return make_task_group()
