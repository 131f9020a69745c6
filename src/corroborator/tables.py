"""The ledger's schema id and its tables, in the contract's order: a leaf module that the ledger, the store
and the web reader all import (none of them imports another for these)."""

SCHEMA_ID = "corroborator.ledger/2"
TABLES = ("articles", "entities", "quotes", "claims", "stories", "claim_groups", "disputes", "timeline")
