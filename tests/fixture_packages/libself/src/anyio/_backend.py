def make_task_group():
    return None
