"""Signals that decouple writers from readers: a status update or a moderated comment changes what
search must find, without the staff code knowing about the index."""
from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: code="2.3", or codes=["2.3", "3.1"] for many at once (one re-index)
item_changed = _signals.signal("item-changed")
# sender: the Flask app; kwargs: feedback_id=..., item_code=..., published=bool
feedback_changed = _signals.signal("feedback-changed")
