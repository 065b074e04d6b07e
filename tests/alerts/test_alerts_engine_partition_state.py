"""A partition's state is saved by what changed (issue #18): a save after one reading
writes that device's keys, not the city's; a last-seen time is written once it moved by a
tenth of its window; absence looks only at devices whose time came."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from kafka import TopicPartition

from alerts.engine.partition import PartitionState
from alerts.rules import load_folder
from alerts.rules.evaluate import Evaluator
from tests.alerts.test_alerts_rules_evaluate import RULES, pressure

DEVICES = 20_000


@pytest.fixture
def part(tmp_path: Path) -> PartitionState:
    (tmp_path / "r.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    evaluator = Evaluator(load_folder(tmp_path), "device")
    return PartitionState(TopicPartition("readings", 0), "device", evaluator, 1, None)


def test_a_save_writes_what_changed_since_the_last(part) -> None:
    for i in range(DEVICES):
        part.evaluator.reading(pressure(0, 300.0, f"wm-{i}"))
    changes, after = part.take_changes()
    assert len(changes.upserts) == DEVICES          # first save: every device is new
    part.mark_saved(after)
    part.evaluator.reading(pressure(10, 300.0, "wm-7"))   # seen 10 s later: not written
    part.evaluator.reading(pressure(70, 300.0, "wm-9"))   # 70 s (over 60 s = 10m / 10)
    part.evaluator.reading(pressure(10, 100.0, "wm-8"))   # a hold starts
    changes, after = part.take_changes()
    assert sorted((r, k) for r, k, *_ in changes.upserts) == [
        ("low-pressure", "wm-8"), ("offline", "wm-9")]
    assert changes.bytes < 1_000
    part.mark_saved(after)
    part.evaluator.reading(pressure(20, 300.0, "wm-8"))   # the hold breaks: key deleted
    changes, _ = part.take_changes()
    assert changes.deletes == [("low-pressure", "wm-8")]


def test_a_key_read_but_unchanged_is_not_written(part) -> None:
    part.evaluator.reading(pressure(0, 100.0, "wm-1"))
    part.mark_saved(part.take_changes()[1])
    part.evaluator.tick(1.0)        # nothing due: absence looks at no device
    assert part.take_changes()[0].upserts == []


def test_absence_ticks_look_only_at_devices_whose_time_came(part) -> None:
    for i in range(DEVICES):
        part.evaluator.reading(pressure(0, 300.0, f"wm-{i}"))
    offline = part.evaluator.state["offline"]
    part.evaluator.tick(pressure(1, 0).ts)          # builds the due-time index once
    part.mark_saved(part.take_changes()[1])
    part.evaluator.reading(pressure(500, 300.0, "wm-1"))  # heard from: due later
    for second in range(2, 200):
        part.evaluator.tick(pressure(second, 0).ts)
    assert offline.touched == {"wm-1"}              # its reading; the ticks looked at none
    fired = part.evaluator.tick(pressure(10_000, 0).ts)
    assert len(fired) == DEVICES
    assert all(s.fingerprint.startswith("offline|") for s in fired)


def test_an_offline_device_is_written_at_once(part) -> None:
    part.evaluator.reading(pressure(0, 300.0, "wm-1"))
    part.mark_saved(part.take_changes()[1])
    assert len(part.evaluator.tick(pressure(601, 0).ts)) == 1    # 10 minutes silent
    [(rule, key, _, state)] = part.take_changes()[0].upserts
    assert (rule, key) == ("offline", "wm-1") and '"fired":true' in state
