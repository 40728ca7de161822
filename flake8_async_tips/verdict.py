"""The three answers an inference question can get."""

import enum


class Verdict(enum.Enum):
    """Only YES ever reports: UNKNOWN is the answer whenever a doubt remains."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
