"""corroborator's exceptions.

    CorroboratorError            base: anything the library raises on purpose
    ├── UsageError               the caller asked for something impossible (bad option, no such path)
    ├── InputError               one input cannot be analysed (unreadable, too large, not an article);
    │   └── LimitExceeded        an input broke a safety limit (size, depth, decompression, time)
    ├── LedgerError              a ledger store is missing, corrupt or of another schema, or failed
    │   └── StoreMemoryError     the store's database ran out of memory under its cap (retry with more)
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


class StoreMemoryError(LedgerError):
    """The store's database (DuckDB) could not run within its memory cap; a caller may retry with a higher one.
    Raised by ``store`` in place of DuckDB's own exceptions, which never leave ``store/``."""


class ModelError(CorroboratorError):
    """A packaged model is missing or cannot be loaded."""


def plain_reason(exc: BaseException) -> str:
    """One line that says, in words, why an input could not be analysed.

    corroborator's own errors carry such a line already. Anything else (a bug, or a library's error the
    readers did not foresee) is named by what went wrong, never by its class or raw message: those go to
    the debug log (``--debug``), where the caller logs the traceback.
    """
    import zlib

    if isinstance(exc, CorroboratorError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "nested too deeply to be read"
    if isinstance(exc, MemoryError):
        return "too large to analyse in the memory available"
    if isinstance(exc, UnicodeError):
        return "its text could not be decoded"
    if isinstance(exc, TimeoutError):
        return "reading it took too long"
    if isinstance(exc, EOFError):
        return "it ends unexpectedly (the file was cut short)"
    if isinstance(exc, zlib.error):
        return "its compressed data is damaged"
    if isinstance(exc, OSError):
        return f"cannot read it: {exc.strerror.lower()}" if exc.strerror else "cannot read it"
    if type(exc).__module__.startswith("lxml"):
        return "the HTML could not be parsed"
    return "could not be analysed: an unexpected error (run with --debug for details)"
