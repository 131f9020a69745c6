"""First version: no text reuse detected."""


def find_derivations(articles) -> list:
    return []
