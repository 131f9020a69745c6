"""link: what ties articles together: stories, text reuse, shared entities, the same fact told twice."""
from .claims import group_claims
from .derivation import find_derivations
from .entities import merge_entities
from .stories import cluster_stories

__all__ = ["cluster_stories", "find_derivations", "group_claims", "merge_entities"]
