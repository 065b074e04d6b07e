"""The dead-letter topic: the original bytes, where they came from, and why they were refused.

A letter the broker did not take is sent again as a new message on the next flush, never
by asking its failed future again (that future fails forever, and ingest stalled behind it
with nothing written or committed). A letter too large for the topic once our headers are
added goes without its value, with the size and the source offset in its headers: the
original is still in the source topic for its retention, and ingest moves on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError, MessageSizeTooLargeError

log = logging.getLogger("cityops.ingest")


@dataclass(frozen=True)
class Letter:
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def without_value(self) -> Letter:
        size = len(self.value or b"")
        return replace(self, value=None, headers=self.headers + (
            ("value_dropped", f"{size} bytes: over the dead-letter topic's limit".encode()),))


class DeadLettersUnsent(KafkaError):
    """Dead letters the broker has not taken yet; nothing may be committed past them."""


class DeadLetters:
    def __init__(self, producer: KafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic
        self.pending: list[tuple[Letter, object]] = []

    def send(self, record: ConsumerRecord, reason: str, detail: str) -> None:
        headers = (
            ("reason", reason.encode()),
            ("detail", detail[:500].encode("utf-8", "replace")),
            ("source_topic", record.topic.encode()),
            ("source_partition", str(record.partition).encode()),
            ("source_offset", str(record.offset).encode()),
        )
        self._send(Letter(record.key, record.value, headers))

    def _send(self, letter: Letter) -> None:
        try:
            future = self.producer.send(self.topic, key=letter.key, value=letter.value,
                                        headers=list(letter.headers))
        except MessageSizeTooLargeError:
            # Over the producer's own request limit: refused before it left.
            future = self.producer.send(self.topic, key=letter.key, value=None,
                                        headers=list(letter.without_value().headers))
        self.pending.append((letter, future))

    def flush(self, timeout: float = 30) -> None:
        """Before offsets are committed, every dead letter must be safely in Kafka.

        Raises DeadLettersUnsent (a KafkaError: the caller keeps its batch and retries)
        while a letter is still on its way; each refused letter is sent anew."""
        for _ in range(2):  # a second round for letters sent again without their value
            if not self.pending:
                return
            self.producer.flush(timeout)
            sent, self.pending = self.pending, []
            too_large = False
            for letter, future in sent:
                exc = _failure(future, timeout)
                if exc is None:
                    continue
                too_large = too_large or isinstance(exc, MessageSizeTooLargeError)
                self._send(letter.without_value()
                           if isinstance(exc, MessageSizeTooLargeError) else letter)
            if not too_large:
                break
        if self.pending:
            raise DeadLettersUnsent(f"{len(self.pending)} dead letter(s) not taken by the "
                                    "broker yet; offsets wait for them")


def _failure(future, timeout: float) -> Exception | None:
    try:
        future.get(timeout)
    except KafkaError as exc:
        log.warning("dead letter refused by the broker; sending it again",
                    extra={"error": str(exc)[:200]})
        return exc
    return None
