"""The alerts engine: readings and incidents in from the stream, cases out.

`loop.py` supplies the engine's steps to the one stream runtime (decode with ingest's
decoders in `decode.py`, evaluate the rules, write cases through `alerts.cases` in
`writes.py`, save each partition's changed state with its offset through
`state_store.py`, fenced by the partition's claim); `partition.py` is one partition's
state, `stages.py` the device and area stages and the by-area topic between them;
`service.py` runs it with /healthz, /metrics, SIGTERM to stop and SIGHUP to reload.
"""
