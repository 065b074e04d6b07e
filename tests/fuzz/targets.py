"""The things fuzzed, each reached the way its user reaches it.

Decoders: a Kafka record's headers and value go through ingest's own steps
(ingest/pipeline.py: choose or sniff the format, decode, validate), as the consumer
calls them; a BadMessage is what the consumer dead-letters. The device registry is a
stand-in that knows the corpus devices (the database lookup is what the end-to-end test
covers); without geography the incident placer leaves incidents unplaced, as ingest does.

Rules loader: YAML bytes written as a rule file and read with `alerts.rules.reload`, as
the engine and `cityops alerts check` read a folder: rules, or errors naming file and line.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import yaml

from alerts.cases.severity import SEVERITIES
from alerts.rules import Rule, RuleError, RuleSet, reload
from alerts.rules.model import KINDS
from ingest.enrich import IncidentPlacer
from ingest.errors import BadMessage
from ingest.pipeline import IncidentSteps, ReadingSteps
from ingest.validate import TimeWindow
from tests.fuzz import corpus, mutate
from tests.fuzz.check import check_incidents, check_readings, documented_reasons
from tests.fuzz.mutate import mutate_bytes, mutate_doc, random_bytes, to_json, to_yaml

WINDOW = TimeWindow(timedelta(days=30))
# Ingest decodes thousands of messages a second: one may take 50 ms at most.
DECODER_BUDGET_MS = 50.0


def loader_budget_ms(record: Input) -> float:
    """Rule files are read at start, on reload and on the admin page, not per event; PyYAML
    is pure Python (about 10 ms a KB here), so the budget grows with the file: a hang is
    time out of proportion to size, not a big file read at PyYAML's pace."""
    return 100.0 + 25.0 * len(record[1] or b"") / 1024
REASONS = documented_reasons()
Input = tuple[list, bytes | None]  # a Kafka record's headers and value
YAML_AND_JSON = mutate.YAML_TOKENS + mutate.JSON_TOKENS
ODD_HEADERS = ([("format", b"xml")], [("format", None)], [("format", b"\xff\xfe")],
               [("format", b"")], [("format", b"senml"), ("format", b"native")])


@dataclass(frozen=True)
class Target:
    name: str                          # the row in the results table
    make: Callable[[Random], Input]    # one generated or mutated input
    run: Callable[[Input], str]        # "accepted", a dead-letter reason, or "error"; else raises
    budget_ms: Callable[[Input], float] = lambda record: DECODER_BUDGET_MS
    close: Callable[[], None] = lambda: None


class KnownDevices:
    """Stands in for ingest.enrich.DeviceCheck: the registry holds the corpus devices."""

    registry = None  # no aliases: decoders see ids as they are

    def check(self, readings) -> None:
        for r in readings:
            if r.device_id not in corpus.DEVICES:
                raise BadMessage("unknown_device", f"{r.device_id} is not registered")


def _refused(bad: BadMessage) -> str:
    if bad.reason not in REASONS:
        raise AssertionError(f"undocumented dead-letter reason {bad.reason!r}: {bad.detail}")
    return bad.reason


def _message(rng: Random, valid: Callable, seeds: list[bytes]) -> bytes | None:
    """Valid, structure-mutated, byte-mutated, a known bad message, or noise."""
    now = datetime.now(UTC)
    pick = rng.random()
    if pick < 0.10:
        return to_json(rng, valid(rng, now))
    if pick < 0.50:
        return to_json(rng, mutate_doc(rng, valid(rng, now)))
    if pick < 0.80:
        return mutate_bytes(rng, to_json(rng, valid(rng, now)))
    if pick < 0.95:
        seed = rng.choice(seeds)
        return seed if seed is None or rng.random() < 0.3 else mutate_bytes(rng, seed)
    return random_bytes(rng)


def _headers(rng: Random, named: list) -> list:
    pick = rng.random()
    return list(named) if pick < 0.6 else [] if pick < 0.95 else list(rng.choice(ODD_HEADERS))


def _seeds(stream: str, *examples: str) -> list[bytes | None]:
    now = datetime.now(UTC)
    docs = corpus.examples(now)
    return [value for _, value in corpus.bad_messages(stream, now)] + [
        to_json(Random(0), docs[name]) for name in examples]


def _decoder(name: str, stream: str, generate: Callable, example: str,
             named: list) -> Target:
    seeds = _seeds(stream, example)
    now = datetime.now
    documented = corpus.examples(now(UTC))[example]

    def valid(rng: Random, at: datetime) -> object:  # the documented example, or a new one
        return documented if rng.random() < 0.2 else generate(rng, at)

    if stream == "readings":
        steps = ReadingSteps(WINDOW, KnownDevices(), clock=lambda: now(UTC))

        def run(record: Input) -> str:
            try:
                rows = steps(*record)
            except BadMessage as bad:
                return _refused(bad)
            check_readings(rows, WINDOW, now(UTC))
            return "accepted"
    else:
        steps = IncidentSteps(WINDOW, IncidentPlacer(None, None), clock=lambda: now(UTC))

        def run(record: Input) -> str:
            try:
                rows = steps(*record)
            except BadMessage as bad:
                return _refused(bad)
            check_incidents(rows, WINDOW, now(UTC))
            return "accepted"

    def make(rng: Random) -> Input:
        headers = _headers(rng, named)
        if named[0][1] == b"open311" and rng.random() < 0.3:  # where the request came from
            headers.append(("source", rng.choice((b"patrol", b"hotline", b"fax", b"\xff"))))
        return headers, _message(rng, valid, seeds)

    return Target(name, make, run)


def native_readings() -> Target:
    return _decoder("native JSON decoder (readings)", "readings", corpus.reading,
                    "native-reading", [("format", b"native")])


def senml() -> Target:
    return _decoder("SenML decoder", "readings", corpus.senml_pack, "senml-pack",
                    [("format", b"senml")])


def native_incidents() -> Target:
    return _decoder("native JSON decoder (incidents)", "incidents", corpus.incident,
                    "native-incident", [("format", b"native")])


def open311() -> Target:
    return _decoder("Open311 decoder", "incidents", corpus.open311_request, "open311-request",
                    [("format", b"open311")])


def _check_rules(found: RuleSet) -> None:
    for rule in found.rules:
        if not (isinstance(rule, Rule) and isinstance(rule.id, str) and rule.id
                and rule.kind in KINDS and rule.severity in SEVERITIES
                and isinstance(rule.params, dict) and rule.name_zh and rule.name_en):
            raise AssertionError(f"a rule the loader should have refused: {rule!r:.300}")


def rules_loader() -> Target:
    files = list(corpus.rule_texts().values())
    rules = [r for text in files for r in yaml.safe_load(text)["rules"]]
    # Mostly one rule a file (small: PyYAML is slow), sometimes every default rule in one
    # file, which is valid on its own (composite parts and inhibited rules are all in it).
    docs = [{"rules": [r]} for r in rules] + [{"rules": rules}]
    texts = [to_yaml(Random(0), d) for d in docs[:-1]] + files
    folder = Path(tempfile.mkdtemp(prefix="cityops-fuzz-rules-"))
    target = folder / "rules.yaml"

    def make(rng: Random) -> Input:
        pick = rng.random()
        if pick < 0.45:
            doc = docs[-1] if rng.random() < 0.05 else rng.choice(docs)
            return [], to_yaml(rng, mutate_doc(rng, doc, copies=(1, 2, 10, 30)))
        if pick < 0.90:
            return [], mutate_bytes(rng, rng.choice(texts), YAML_AND_JSON)
        if pick < 0.95:
            return [], rng.choice(texts)
        return [], random_bytes(rng)

    def run(record: Input) -> str:
        target.write_bytes(record[1] or b"")
        found = reload(folder)
        if isinstance(found, RuleSet):
            _check_rules(found)
            return "accepted"
        if not found or not all(isinstance(e, RuleError) and e.problem for e in found):
            raise AssertionError(f"reload gave neither rules nor errors: {found!r:.300}")
        return "error"

    return Target("rules loader", make, run, loader_budget_ms,
                  lambda: shutil.rmtree(folder, ignore_errors=True))


TARGETS: dict[str, Callable[[], Target]] = {
    "native_readings": native_readings, "senml": senml, "native_incidents": native_incidents,
    "open311": open311, "rules_loader": rules_loader}
