"""The alerts engine: readings and incidents in from the stream, cases out.

`loop.py` supplies the engine's steps to the one stream runtime (decode with ingest's
decoders in `decode.py`, evaluate the rules, write cases through `alerts.cases` in
`writes.py`, save the evaluator's state with the offsets); `service.py` runs it with
/healthz, /metrics, SIGTERM to stop and SIGHUP to reload the rules.
"""
