"""report: one self-contained HTML page of a ledger (no network, every piece of article text escaped)."""
from .html import REPORT_MAX_ARTICLES, render_report, render_store_report

__all__ = ["REPORT_MAX_ARTICLES", "render_report", "render_store_report"]
