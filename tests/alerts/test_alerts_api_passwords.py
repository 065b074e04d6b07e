"""Password hashes: scrypt with a salt per user, parameters stored with the hash."""

from __future__ import annotations

import pytest

from identity.passwords import hash_password, verify_password


def test_right_password_matches_and_wrong_does_not():
    stored = hash_password("街道-2024!")
    assert verify_password("街道-2024!", stored)
    assert not verify_password("街道-2024", stored)


def test_format_names_the_parameters_and_salts_differ():
    first, second = hash_password("same"), hash_password("same")
    assert first.split("$")[:4] == ["scrypt", "16384", "8", "1"]
    assert first != second  # a salt per hash: equal passwords do not look equal
    assert "same" not in first


@pytest.mark.parametrize("stored", ["", "plain", "md5$1$2$3$c2FsdA$aGFzaA",
                                    "scrypt$x$8$1$c2FsdA$aGFzaA", "scrypt$16384$8$1$$"])
def test_malformed_stored_values_never_match(stored):
    assert not verify_password("anything", stored)


def test_empty_password_is_refused():
    with pytest.raises(ValueError):
        hash_password("")
