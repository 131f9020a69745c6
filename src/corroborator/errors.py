"""corroborator's exceptions.

    CorroboratorError            base: anything the library raises on purpose
    ├── UsageError               the caller asked for something impossible (bad option, no such path)
    ├── InputError               one input cannot be analysed (unreadable, too large, not an article);
    │   └── LimitExceeded        an input broke a safety limit (size, depth, decompression, time)
    ├── LedgerError              a ledger store is missing, corrupt or of another schema
    └── ModelError               a packaged model is missing or cannot load

Library code raises these; the CLI and the web layer turn them into one clear line (or a 4xx).
An ``InputError`` inside a batch never stops the batch: it becomes a failed entry in ``run.inputs``.
"""


class CorroboratorError(Exception):
    """Base class of every error corroborator raises on purpose."""


class UsageError(CorroboratorError):
    """The request cannot be carried out as asked (unknown option, missing path)."""


class InputError(CorroboratorError):
    """One input could not be analysed; the message says why, in one line."""


class LimitExceeded(InputError):
    """An input broke a safety limit (size, nesting depth, decompression ratio, time)."""


class LedgerError(CorroboratorError):
    """A ledger store is missing, unreadable or of an unknown schema."""


class ModelError(CorroboratorError):
    """A packaged model is missing or cannot be loaded."""
