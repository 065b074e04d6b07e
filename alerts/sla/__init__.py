"""SLA: how long each stage of a case may take, on which calendar, and what happens when
a stage runs late (`escalation/`: warn, then raise the case one tier; `cityops escalate`).
"""
