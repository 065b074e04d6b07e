"""Fault scenarios: a loaded world, a fault, then exactly-once, cases, holds, lag and recovery."""
