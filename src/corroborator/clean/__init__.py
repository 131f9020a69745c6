"""clean: turn a raw page or scrape into the article body, with captions and boilerplate kept apart."""
from .article import clean_document

__all__ = ["clean_document"]
