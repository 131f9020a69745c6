"""corroborator: a claim-level evidence ledger for a story reported by several outlets.

    >>> import corroborator
    >>> ledger = corroborator.analyze(["examples/harbour-fire"])
    >>> ledger.claim_groups[0]["status"]
"""
__version__ = "0.2.8"

from .errors import CorroboratorError, InputError, LedgerError, LimitExceeded, ModelError, UsageError  # noqa: E402
from .ledger import Ledger  # noqa: E402
from .pipeline import analyze  # noqa: E402

__all__ = ["analyze", "Ledger", "CorroboratorError", "InputError", "LedgerError", "LimitExceeded",
           "ModelError", "UsageError", "__version__"]
