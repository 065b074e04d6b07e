"""Muting: silences and maintenance windows (`silences.py`) and inhibition (`inhibit.py`),
asked before a fire opens a case, in the manner of Prometheus Alertmanager."""
