"""Published content: the official notice and the plain-language files under content/."""
from .store import ContentError, ContentStore, Item, load_content

__all__ = ["ContentError", "ContentStore", "Item", "load_content"]
