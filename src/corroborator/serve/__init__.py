"""serve: the read-only web interface and JSON API over a ledger store."""


def serve(ledger_path, host="127.0.0.1", port=8000, workers=None):
    from .app import run
    run(ledger_path, host=host, port=port, workers=workers)
