"""Every ground-truth label points at messages that are in the stream and show the problem."""

import json
from collections import Counter
from datetime import datetime

from ingest.formats import reading_decoder
from sim.anomalies import BREACH, RISE
from sim.kinds import TYPES
from sim.recording import Recorder


def values_of(m) -> dict[str, float]:
    """What ingest reads from a reading message."""
    return {r.metric: r.value for r in reading_decoder(m.headers, m.value)(m.value)}


def labels(stream) -> list[dict]:
    return [json.loads(m.value) for m in stream if m.topic == "truth"]


def test_every_label_points_at_messages_in_the_stream(stream) -> None:
    sent = {m.ref: m for m in stream if m.topic != "truth" and not m.malformed}
    found = labels(stream)
    assert len(found) > 20
    for label in found:
        assert label["refs"], label
        for ref in label["refs"]:
            assert ref in sent, (label["label_id"], ref)
        truth = next(m for m in stream if m.ref == label["label_id"])
        assert all(sent[ref].t <= truth.t for ref in label["refs"])  # labels come after


def test_every_kind_of_anomaly_is_injected(stream) -> None:
    kinds = Counter(label["kind"] for label in labels(stream))
    assert set(kinds) == {"threshold_breach", "rapid_rise", "device_offline",
                          "complaint_cluster", "multi_source"}, kinds


def test_a_breach_holds_its_level_in_the_labelled_readings(stream) -> None:
    sent = {m.ref: m for m in stream}
    levels = {t.prefix: BREACH[t.name][1] for t in TYPES}
    for label in labels(stream):
        if label["kind"] != "threshold_breach":
            continue
        for ref in label["refs"]:
            level = levels[label["device"].rsplit("-", 1)[0]]
            assert values_of(sent[ref])[label["metric"]] == level


def test_a_broken_cover_is_seen_by_sensor_caller_and_patrol(stream) -> None:
    sent = {m.ref: m for m in stream}
    covers = [lb for lb in labels(stream) if lb["kind"] == "multi_source"]
    assert covers
    for label in covers:
        sources = {ref.split(":")[0] for ref in label["refs"] if "@" not in ref}
        assert sources == {"sensor", "hotline", "patrol"}
        readings = [r for r in label["refs"] if r.startswith(label["device"])]
        assert readings and all(sent[r].key == label["device"].encode() for r in readings)


def test_a_device_offline_goes_silent_for_the_labelled_time(stream) -> None:
    for label in labels(stream):
        if label["kind"] != "device_offline":
            continue
        key = label["device"].encode()
        start, end = (datetime.fromisoformat(label[k]).timestamp() for k in ("start", "end"))
        silent = [m for m in stream if m.key == key and m.topic == "readings"
                  and start + 0.001 <= m.t <= end]
        assert silent == [], label
        before = [m for m in stream if m.key == key and m.topic == "readings" and m.t < start]
        assert before[-1].ref == label["refs"][0]  # the last word before the silence


def test_labels_also_go_to_the_truth_file(stream, tmp_path) -> None:
    recorder = Recorder(None, tmp_path / "truth.jsonl")
    for m in stream:
        recorder.write(m)
    recorder.close()
    lines = (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == labels(stream)


def test_a_rapid_rise_climbs_through_its_labelled_readings(stream) -> None:
    sent = {m.ref: m for m in stream}
    rises = [lb for lb in labels(stream) if lb["kind"] == "rapid_rise"]
    assert rises
    for label in rises:
        kind = next(t for t in TYPES if label["device"].startswith(t.prefix + "-"))
        series = [values_of(sent[ref])[label["metric"]] for ref in label["refs"]]
        assert len(series) >= 3
        assert series[-1] - series[0] > 0.6 * RISE[kind.name][1], series
