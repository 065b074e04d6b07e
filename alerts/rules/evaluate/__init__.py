"""Edge-triggered evaluation of rules over readings and incidents: fire once, clear once."""

from alerts.rules.evaluate.evaluator import Evaluator
from alerts.rules.evaluate.events import Areas, IncidentEvent, ReadingEvent, Signal

__all__ = ["Areas", "Evaluator", "IncidentEvent", "ReadingEvent", "Signal"]
