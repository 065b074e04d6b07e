"""Unit symbols as devices write them (SenML, RFC 8428 §12.1 and RFC 8798; UCUM), converted
by Pint rather than by tables of our own.

Pint knows the SI prefixes and most symbols (mA, kPa, MPa, hPa, mm, lx, ppm...). SenML
writes a few differently: `Cel`, `%RH`, `m3`, `ug/m3`, `/`. Those are rewritten into
Pint's spelling first. A unit Pint cannot read converts only to itself.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import pint

# SenML/UCUM spellings Pint reads differently; the rest pass through.
SPELLINGS: dict[str, str] = {
    "Cel": "degC", "degC": "degC", "°C": "degC", "K": "kelvin",
    "%RH": "percent", "%EL": "percent", "%": "percent", "/": "dimensionless",
    "1": "dimensionless", "count": "dimensionless", "deg": "degree", "lx": "lux",
    "ue": "microstrain", "dB/m": "decibel_per_metre",
}
# Units of the default profiles Pint has no name for: plain scale factors of a base unit.
_DEFINITIONS = ("microstrain = 1e-6 = ue_strain",
                "decibel_per_metre = [smoke_obscuration] = dB_per_m",
                "nephelometric_turbidity_unit = [turbidity] = NTU")

# UN/CEFACT common codes (UN/ECE Recommendation 20) that FIWARE Smart Data Models put in
# `unitCode`, as the UCUM/SenML symbols the profiles use. Only codes seen in city data are
# listed; an unlisted code is refused as an unknown unit, never guessed.
UNECE_CODES: dict[str, str] = {
    "CEL": "Cel", "FAH": "degF", "KEL": "K", "P1": "%", "C62": "1",
    "GQ": "ug/m3", "GP": "mg/m3", "59": "ppm",
    "MTR": "m", "MMT": "mm", "CMT": "cm", "KMT": "km",
    "KPA": "kPa", "PAL": "Pa", "A97": "hPa", "BAR": "bar", "MPA": "MPa",
    "VLT": "V", "AMP": "A", "4K": "mA", "WTT": "W", "KWT": "kW", "KWH": "kWh",
    "MQH": "m3/h", "MQS": "m3/s", "LTR": "L", "MTS": "m/s", "KMH": "km/h",
    "DD": "deg", "2N": "dB", "LUX": "lx", "HTZ": "Hz", "SEC": "s", "MIN": "min", "HUR": "h",
    "M1": "mg/L", "H61": "mS/cm", "G42": "uS/cm", "D10": "S/m",
}
_POWER = re.compile(r"([A-Za-z])([23])\b")  # m3 -> m**3, s2 -> s**2


class UnitError(ValueError):
    """The unit cannot be read, or is of another dimension than the metric's."""


class Conversion(NamedTuple):
    scale: float
    offset: float

    def __call__(self, value: float) -> float:
        return value * self.scale + self.offset


SAME = Conversion(1.0, 0.0)


@cache
def _registry() -> pint.UnitRegistry:
    registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for definition in _DEFINITIONS:
        registry.define(definition)
    return registry


def _pint_spelling(symbol: str) -> str:
    return SPELLINGS.get(symbol) or _POWER.sub(r"\1**\2", symbol)


@cache
def conversion(source: str, target: str) -> Conversion:
    """How a value in `source` becomes one in `target` (value * scale + offset)."""
    if source == target:
        return SAME
    registry = _registry()
    try:
        zero = registry.Quantity(0.0, _pint_spelling(source)).to(_pint_spelling(target))
        one = registry.Quantity(1.0, _pint_spelling(source)).to(_pint_spelling(target))
    except pint.DimensionalityError:
        raise UnitError(f"{source!r} cannot be converted to {target!r}") from None
    except Exception as exc:  # noqa: BLE001 - Pint's parser raises what its tokenizer does
        raise UnitError(f"unit {source!r} or {target!r} is not known: {exc}") from None
    offset = float(zero.magnitude)
    return Conversion(float(one.magnitude) - offset, offset)


def known(symbol: str) -> bool:
    """Whether Pint can read the unit (checked when a profile is loaded)."""
    try:
        _registry().Unit(_pint_spelling(symbol))
    except Exception:  # noqa: BLE001 - as in conversion(): any failure to read is "unknown"
        return False
    return True
