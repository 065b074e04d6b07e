"""A recording replays byte for byte, at the recorded pace or faster."""

import time

from sim.message import Message
from sim.pacing import Pacer
from sim.recording import Recorder, replay


def test_a_replay_reproduces_the_recording_byte_for_byte(stream, tmp_path) -> None:
    sample = stream[:20_000]
    assert any(m.malformed == "invalid_utf8" for m in sample)  # bytes that are not text
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    recorder = Recorder(first)
    for m in sample:
        recorder.write(m)
    recorder.close()
    replayed = list(replay(first))
    assert replayed == sample
    recorder = Recorder(second)
    for m in replayed:
        recorder.write(m)
    recorder.close()
    assert second.read_bytes() == first.read_bytes()


def test_a_pacer_sends_on_the_recorded_clock_at_a_chosen_speed() -> None:
    messages = [Message(1000.0 + i * 0.1, "readings", b"k", b"v", (), str(i)) for i in range(6)]
    for speed, expected in ((1.0, 0.5), (5.0, 0.1)):
        pacer = Pacer(speed)
        began = time.monotonic()
        for m in messages:
            pacer.wait(m.t)
        assert abs((time.monotonic() - began) - expected) < 0.05
    pacer = Pacer(None)
    began = time.monotonic()
    for m in messages:
        pacer.wait(m.t)
    assert time.monotonic() - began < 0.01
