"""report: one self-contained HTML page of a ledger (no network, every piece of article text escaped)."""
from .html import render_report

__all__ = ["render_report"]
