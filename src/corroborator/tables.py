"""The ledger's schema id, its tables in the contract's order and its JSON Schema: a leaf module that the
ledger, the store and the web reader all import (none of them imports another for these)."""
import json
import pathlib

SCHEMA_ID = "corroborator.ledger/2"
TABLES = ("articles", "entities", "quotes", "claims", "stories", "claim_groups", "disputes", "timeline")


def schema() -> dict:
    """The JSON Schema of ``ledger.json`` that ships in the package."""
    return json.loads((pathlib.Path(__file__).parent / "ledger.schema.json").read_text(encoding="utf-8"))
