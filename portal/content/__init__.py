"""Published content: the plans under content/plans/ and the shared files at the top of content/."""
from .store import ContentError, ContentStore, Item, Plan, discover_plans, load_content, load_plans, PlanRegistry

__all__ = ["ContentError", "ContentStore", "Item", "Plan", "discover_plans", "load_content", "load_plans", "PlanRegistry"]
