"""How far a streaming replica is behind its primary (issue #18).

`now() - pg_last_xact_replay_timestamp()` alone grows while the primary is idle: the last
replayed transaction gets old although nothing is missing. When everything received has
been replayed (receive LSN = replay LSN) the replica is caught up and the lag is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

LAG = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
"""


@dataclass(frozen=True)
class Lag:
    replica: bool            # the connection is to a server in recovery (a standby)
    seconds: float | None    # behind the primary; None when not known (nothing replayed)


def lag(cur) -> Lag:
    cur.execute(LAG)
    in_recovery, seconds = cur.fetchone()
    if not in_recovery:
        return Lag(False, None)
    return Lag(True, None if seconds is None else max(0.0, float(seconds)))
