"""A caller's rating re-sends the closed incident: the engine must not take it for a new
report (it would invent complaint clusters)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from alerts.engine.decode import Decoder, Skipped, is_follow_up
from ingest.enrich import IncidentPlacer
from ingest.pipeline import IncidentSteps
from ingest.validate import TimeWindow

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
CALL = {"source": "hotline", "source_id": "12345-1", "reported_at": NOW.isoformat(),
        "category": "市容环境", "subcategory": "暴露垃圾", "lon": 121.47, "lat": 31.23}


@pytest.fixture
def decoder() -> Decoder:
    window = TimeWindow(timedelta(days=90))
    steps = IncidentSteps(window, IncidentPlacer(None, None), clock=lambda: NOW)
    return Decoder(places=None, incident_steps=steps, window=window, clock=lambda: NOW)


def test_a_new_call_is_an_event(decoder) -> None:
    (event,) = decoder.incidents([], json.dumps(CALL, ensure_ascii=False).encode())
    assert (event.source, event.source_id) == ("hotline", "12345-1")


@pytest.mark.parametrize("extra", [{"satisfaction": "满意", "status": "closed"},
                                   {"satisfaction": "不满意"}, {"status": "closed"}])
def test_a_follow_up_is_skipped(decoder, extra: dict) -> None:
    doc = dict(CALL, **extra)
    assert is_follow_up(doc)
    with pytest.raises(Skipped) as skipped:
        decoder.incidents([], json.dumps(doc, ensure_ascii=False).encode())
    assert skipped.value.reason == "follow_up"
