"""assess: for each claim group, is the fact corroborated, one speaker's word, single-source or in conflict?"""
from .status import assess_groups
from .timeline import build_timeline

__all__ = ["assess_groups", "build_timeline"]
