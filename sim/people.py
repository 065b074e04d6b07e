"""Synthetic callers and grid workers: believable Chinese names and mobile numbers.

They are made up from common surnames and given-name characters, so the masking of
personal data can be exercised without anyone's real details.
"""

from __future__ import annotations

import numpy as np

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁"
                "谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉志鹏宇浩晨欣怡佳俊")
MOBILE_PREFIXES = ("130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "158", "159", "177", "180", "181", "186", "187", "188", "189", "199")


def name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))
    return str(rng.choice(SURNAMES)) + given


def phone(rng: np.random.Generator) -> str:
    return str(rng.choice(MOBILE_PREFIXES)) + f"{int(rng.integers(0, 10**8)):08d}"
