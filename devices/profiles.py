"""The profiles in force: files of a folder, each checked alone and then all together.

`default_set()` is the packaged set (devices/default/), the catalogue every deployment
starts from. A deployment adds kinds with files of its own (CITYOPS_PROFILES_DIR) or by
uploading them on the admin page, which keeps every version in the store
(devices/source.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from cityops.marked_yaml import FileProblem
from devices import profile_file
from devices.profile import Profile, ProfileSet

DEFAULT_FOLDER = Path(__file__).resolve().parent / "default"
MAX_FILE_BYTES = 256 * 1024


class ProfileProblems(Exception):
    """Every problem of a set of profile files; the set is not used."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_texts(texts: Mapping[str, str], version: str = "files") -> ProfileSet:
    """A set from file name -> YAML text; raises ProfileProblems with every problem."""
    problems: list[FileProblem] = []
    profiles: dict[str, Profile] = {}
    for name in sorted(texts):
        text = texts[name]
        if len(text.encode()) > MAX_FILE_BYTES:
            problems.append(FileProblem(name, None, f"larger than {MAX_FILE_BYTES} bytes"))
            continue
        profile, found = profile_file.read(text, name)
        problems += found
        if profile is None:
            continue
        if profile.kind in profiles:
            problems.append(FileProblem(name, None, f"kind {profile.kind!r} is already defined "
                                                    f"at {profiles[profile.kind].origin}"))
            continue
        profiles[profile.kind] = profile
    problems += _clashes(profiles)
    if problems:
        raise ProfileProblems(problems)
    if not profiles:
        raise ProfileProblems([FileProblem("(profiles)", None, "no device profile at all")])
    return ProfileSet(MappingProxyType(profiles), version)


def _clashes(profiles: Mapping[str, Profile]) -> list[FileProblem]:
    """A metric two kinds share must mean the same: unit, range and aggregation. (Rules and
    rollups know a metric by its name alone.)"""
    problems = []
    first: dict[str, tuple[Profile, object]] = {}
    for profile in profiles.values():
        for spec in profile.metrics:
            meaning = (spec.unit, spec.low, spec.high, spec.aggregate)
            seen = first.setdefault(spec.name, (profile, meaning))
            if seen[1] != meaning:
                path, _, line = profile.origin.rpartition(":")
                problems.append(FileProblem(path, int(line) if line.isdigit() else None,
                    f"metric {spec.name!r} is also in kind {seen[0].kind!r} with another "
                    "unit, range or aggregate; give it another name"))
    return problems


def folder_texts(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))}


def load_folders(*folders: Path) -> ProfileSet:
    """Files of later folders add kinds, or replace a file of the same name."""
    texts: dict[str, str] = {}
    for folder in folders:
        texts.update(folder_texts(folder))
    return load_texts(texts)


@cache
def default_set() -> ProfileSet:
    """The packaged profiles: what tests and tools without a deployment use."""
    return load_folders(DEFAULT_FOLDER)
