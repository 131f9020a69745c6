"""Union-find over a dict of parents (a key absent from the dict is its own root)."""


def find_root(parent: dict, x):
    """The root of ``x`` in ``parent``, compressing the path on the way."""
    while parent.get(x, x) != x:
        parent[x] = parent.get(parent[x], parent[x])
        x = parent[x]
    return x


def find_root_list(parent: list, x: int) -> int:
    """The root of ``x`` in a list of parents (indexes), compressing the path on the way."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
