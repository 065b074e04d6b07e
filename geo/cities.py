"""Which city: its code, names and districts, from the official division list.

A city is either a municipality (直辖市, e.g. 310000 上海市: a level-1 entry
with its districts directly under it and no prefectures) or a prefecture-level
city (地级市, e.g. 330100 杭州市: a level-2 entry). Its districts are the
level-3 entries whose parent is the city. Prefecture cities without districts
(东莞, 中山, 儋州, 嘉峪关: towns directly under the city) cannot be cut by
build-demo and are refused with a pointer to `cityops geo import`.

English names are known for Shanghai only; elsewhere name_en stays empty and
readers fall back to the Chinese name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo import sources

SHANGHAI = "310000"

NAMES_EN: dict[str, str] = {
    "310000": "Shanghai",
    "310101": "Huangpu",
    "310104": "Xuhui",
    "310105": "Changning",
    "310106": "Jing'an",
    "310107": "Putuo",
    "310109": "Hongkou",
    "310110": "Yangpu",
    "310112": "Minhang",
    "310113": "Baoshan",
    "310114": "Jiading",
    "310115": "Pudong New Area",
    "310116": "Jinshan",
    "310117": "Songjiang",
    "310118": "Qingpu",
    "310120": "Fengxian",
    "310151": "Chongming",
}

# The inner city the `geo map --centre` picture shows, where someone has chosen it.
CENTRAL_DISTRICTS: dict[str, tuple[str, ...]] = {
    "310000": ("310101", "310104", "310105", "310106", "310107", "310109", "310110"),
}

HOW_TO_FIND = (
    "find a city's code with `cityops geo cities NAME` (e.g. 310000 上海市, 330100 杭州市)"
)


class UnknownCity(ValueError):
    """The code names no city build-demo can build; the message says how to find one."""


@dataclass(frozen=True)
class City:
    code: str
    name_zh: str
    name_en: str | None
    districts: tuple[str, ...]  # official district codes, in list order
    municipality: bool

    @property
    def polygon_prefix(self) -> str:
        """The code prefix of its district polygons: 2 digits for a municipality, else 4."""
        return self.code[:2] if self.municipality else self.code[:4]


@lru_cache(maxsize=1)
def _all() -> tuple[sources.Division, ...]:
    return tuple(sources.divisions(""))


def _children(code: str, level: int) -> list[sources.Division]:
    return [d for d in _all() if d.level == level and d.parent_code == code]


def _as_city(entry: sources.Division) -> City | None:
    districts = tuple(d.code for d in _children(entry.code, 3))
    if entry.level == 2 or (entry.level == 1 and districts and not _children(entry.code, 2)):
        return City(entry.code, entry.name, NAMES_EN.get(entry.code), districts, entry.level == 1)
    return None


def find(code: str) -> City:
    """The city with this 6-digit code, or UnknownCity saying why not and what to do."""
    if not re.fullmatch(r"\d{6}", code or ""):
        raise UnknownCity(f"{code!r} is not a 6-digit division code; {HOW_TO_FIND}")
    entry = next((d for d in _all() if d.code == code), None)
    if entry is None:
        raise UnknownCity(
            f"no division {code} in the Ministry of Civil Affairs list of "
            f"{sources.divisions_as_of()}; {HOW_TO_FIND}"
        )
    city = _as_city(entry)
    if city is None:
        cities = [f"{c.code} {c.name}" for c in _children(code, 2)][:8]
        what = f"a province ({entry.name}); its cities: {', '.join(cities)}" if cities else (
            f"a level-{entry.level} division ({entry.name}), not a city"
        )
        raise UnknownCity(f"{code} is {what}; {HOW_TO_FIND}")
    if not city.districts:
        raise UnknownCity(
            f"{code} {city.name_zh} has no districts in the division list (its towns sit "
            f"directly under the city), so there is nothing to cut into streets; bring its "
            f"boundaries with `cityops geo import` and fill the grid with `cityops geo cells`"
        )
    return city


def search(text: str = "") -> list[City]:
    """Cities whose code or Chinese name contains text (every city when text is empty)."""
    found = (_as_city(d) for d in _all() if d.level in (1, 2))
    return [c for c in found if c is not None and (text in c.code or text in c.name_zh)]
