"""Citizens' names and phones: whole for operators and managers, masked for everyone else."""

from __future__ import annotations

import pytest

from identity.masking import mask_name, mask_phone, masked_incident


@pytest.mark.parametrize("name, shown", [("王小明", "王**"), ("王明", "王*"), ("李", "李*"),
                                         (" 欧阳娜娜 ", "欧***"), ("", ""), (None, None)])
def test_names_keep_the_family_name(name, shown):
    assert mask_name(name) == shown


@pytest.mark.parametrize("phone, shown", [("13812345678", "138****5678"),
                                          ("138-1234-5678", "138****5678"),
                                          ("+86 138 1234 5678", "138****5678"),
                                          ("021-63211234", "021****1234"), ("6321123", "*****23"),
                                          ("12345", "***45"), ("", ""), (None, None)])
def test_phones_keep_only_a_few_digits(phone, shown):
    assert mask_phone(phone) == shown


INCIDENT = {"id": 1, "reporter_name": "王小明", "reporter_phone": "13812345678", "address": "x"}


@pytest.mark.parametrize("role", ["operator", "manager"])
def test_the_desk_sees_contacts(role):
    assert masked_incident(INCIDENT, role) == INCIDENT


@pytest.mark.parametrize("role", ["leader", "worker", "admin", "anyone-else"])
def test_everyone_else_sees_them_masked(role):
    shown = masked_incident(INCIDENT, role)
    assert shown["reporter_name"] == "王**" and shown["reporter_phone"] == "138****5678"
    assert shown["address"] == "x" and INCIDENT["reporter_name"] == "王小明"
