"""What one simulator run should produce: size, pace, formats, faults, and its seed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    devices: int = 500
    rate: float | None = 200.0   # messages per second; None: every device at its real interval
    seed: int = 1
    start: float = 0.0           # epoch seconds of the first simulated instant
    duration: float | None = None  # simulated seconds; None: no end
    reading_formats: dict[str, float] = field(
        default_factory=lambda: {"native": 0.7, "senml": 0.3})
    incident_formats: dict[str, float] = field(
        default_factory=lambda: {"native": 0.6, "open311": 0.4})
    malformed: float = 0.01      # share of all readings and incidents sent broken
    incident_share: float = 0.02  # first reports per reading, averaged over the day
    anomaly_every: int = 4000    # readings per injected anomaly, on average
    dropout: float = 0.01        # readings a flaky link loses

    def __post_init__(self) -> None:
        if self.devices < 1:
            raise ValueError("--devices must be at least 1")
        if self.rate is not None and self.rate <= 0:
            raise ValueError("--rate must be above 0")
        if set(self.reading_formats) - {"native", "senml"}:
            raise ValueError("reading formats are native and senml")
        if set(self.incident_formats) - {"native", "open311"}:
            raise ValueError("incident formats are native and open311")
        if not 0 <= self.malformed <= 0.5:
            raise ValueError("the malformed share is between 0 and 0.5")
