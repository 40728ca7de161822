"""The three answers an inference question can get."""

import enum


class Verdict(enum.Enum):
    """Only YES ever reports: UNKNOWN is the answer whenever a doubt remains."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @classmethod
    def all_of(cls, verdicts: "list[Verdict]") -> "Verdict":
        """YES (or NO) only when every verdict agrees; UNKNOWN otherwise."""
        distinct = set(verdicts)
        if len(distinct) == 1:
            return distinct.pop()
        return cls.UNKNOWN
