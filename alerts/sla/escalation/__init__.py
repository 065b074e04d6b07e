"""The SLA ticker: keeps each open case's due time, warns before a deadline and escalates an
overdue case one tier (grid → community → street → district → city), notifying that tier.

See docs/alerts.md, "SLA ticker and escalation".
"""
