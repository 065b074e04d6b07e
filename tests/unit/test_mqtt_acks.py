"""The MQTT bridge acknowledges in arrival order, and never on a connection a message did not
arrive on (ingest/mqtt_acks.py)."""

from ingest.mqtt_acks import AckLedger


def test_acks_leave_in_arrival_order_as_kafka_confirms() -> None:
    ledger = AckLedger()
    gen = ledger.connected()
    for mid in (1, 2, 3):
        ledger.received(gen, mid)
    ledger.confirmed(gen, 2)
    assert ledger.releasable(gen) == []  # 1 is not in Kafka yet: 2 waits behind it
    ledger.confirmed(gen, 1)
    assert ledger.releasable(gen) == [1, 2]
    ledger.confirmed(gen, 3)
    assert ledger.releasable(gen) == [3] and ledger.pending() == 0


def test_a_reconnect_drops_the_old_connections_confirmations() -> None:
    ledger = AckLedger()
    old = ledger.connected()
    ledger.received(old, 7)
    new = ledger.connected()  # the broker may now use id 7 for another message
    ledger.received(new, 7)
    ledger.confirmed(old, 7)  # the old message's late confirmation
    assert ledger.releasable(new) == [] and ledger.releasable(old) == []
    ledger.confirmed(new, 7)
    assert ledger.releasable(new) == [7]
