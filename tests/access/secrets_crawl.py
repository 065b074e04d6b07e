"""No secret in any answer or log line: password hashes, session tokens (and their hashes),
the users' password, the password column's name, the database password."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests

from identity.tokens import digest
from tests.access.servers import DATABASE_PASSWORD

ALWAYS_SECRET = ("scrypt$", "password_hash", DATABASE_PASSWORD)


@dataclass(frozen=True)
class Leak:
    where: str
    secret: str


def _text(answer: requests.Response, *, with_cookies: bool) -> str:
    headers = {k: v for k, v in answer.headers.items()
               if with_cookies or k.lower() != "set-cookie"}
    return f"{headers}\n{answer.content.decode('utf-8', 'replace')}"


def _issues_token(answer: requests.Response) -> bool:
    """The two answers whose job is to hand the caller their own token: the login form's
    Set-Cookie and the API login's body."""
    return answer.request.path_url.split("?")[0] in ("/login", "/api/v1/login")


def crawl(answers: list[requests.Response], logs: list[Path], tokens: list[str],
          password: str) -> tuple[list[Leak], int]:
    """(leaks found, texts read)."""
    token_secrets = [*tokens, *(digest(token) for token in tokens)]
    leaks: list[Leak] = []
    for answer in answers:
        text = _text(answer, with_cookies=True)
        secrets = [*ALWAYS_SECRET, password]
        if not _issues_token(answer):
            secrets += token_secrets
        where = f"{answer.request.method} {answer.request.path_url} -> {answer.status_code}"
        leaks += [Leak(where, secret) for secret in secrets if secret in text]
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        leaks += [Leak(str(log), secret) for secret in
                  [*ALWAYS_SECRET, password, *token_secrets] if secret in text]
    return leaks, len(answers) + len(logs)
