"""Fuzzing the decoders and the rules loader: generators, mutators, the properties every
input must satisfy, and the campaign that runs them (tests/reliability/test_fuzz_*.py)."""
