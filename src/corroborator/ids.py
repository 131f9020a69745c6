"""Content-hash ids: the same input always gets the same id."""
import hashlib


def make_id(prefix: str, *parts) -> str:
    """``prefix`` + 16 hex digits of the SHA-1 of the parts (joined by a separator that text cannot hold)."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{prefix}{h[:16]}"
