"""Edge-triggered evaluation of rules over readings and incidents: fire once, clear once."""

from alerts.evaluate.evaluator import Evaluator
from alerts.evaluate.events import Areas, IncidentEvent, ReadingEvent, Signal

__all__ = ["Areas", "Evaluator", "IncidentEvent", "ReadingEvent", "Signal"]
