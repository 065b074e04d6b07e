# The README's commands. Each does its own set-up (Python packages, Debian packages,
# Kafka from Maven Central, a local PostgreSQL) and is safe to run again.
.PHONY: demo demo-check test reliability stack-up stack-down status lint

demo:
	bin/cityops demo

test:
	bin/cityops test

reliability:
	bin/cityops reliability

# The demo at its default scale: every account has work within two minutes of start-up,
# and the screenshots of the running demo (tests/demo; several minutes).
demo-check:
	bin/cityops test -m demo tests/demo

stack-up:
	bin/cityops stack up

stack-down:
	bin/cityops stack down

status:
	bin/cityops stack status

lint:
	.venv/bin/ruff check .
