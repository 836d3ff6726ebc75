"""Scan settings from a config file (``agent-ready.toml`` or ``[tool.agent-ready]`` in pyproject.toml).

Example::

    only = ["tokens.challenge"]          # run just these (check ids or categories)
    skip = ["discovery.sitemap"]
    timeout = 90                         # whole-scan deadline, seconds
    active = false
    allow_private = false
    fail_under = 70                      # exit 1 below this overall score

    [weights]                            # check weights by id
    "discovery.sitemap" = 0.25
    [category_weights]
    tokens = 25
    [disable]                            # disabled checks and the reason the report shows
    "access.web-bot-auth" = "we send no bot traffic"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line for the user."""


@dataclass
class Config:
    path: str | None = None
    only: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    timeout: float | None = None
    active: bool | None = None
    allow_private: bool | None = None
    fail_under: float | None = None
    weights: dict[str, float] = field(default_factory=dict)
    category_weights: dict[str, float] = field(default_factory=dict)
    disable: dict[str, str] = field(default_factory=dict)


_KEYS = {
    "only",
    "skip",
    "timeout",
    "active",
    "allow_private",
    "fail_under",
    "weights",
    "category_weights",
    "disable",
}


def _number_table(raw: Any, key: str, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [{key}] must be a table of name = number")
    out = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where}: {key}.{name} must be a number >= 0, not {value!r}")
        out[str(name)] = float(value)
    return out


def _string_list(raw: Any, key: str, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return list(raw)


def parse(data: dict[str, Any], where: str) -> Config:
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(sorted(unknown))}")
    cfg = Config(path=where)
    if "only" in data:
        cfg.only = _string_list(data["only"], "only", where)
    if "skip" in data:
        cfg.skip = _string_list(data["skip"], "skip", where)
    for key in ("timeout", "fail_under"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{where}: {key} must be a number >= 0")
            setattr(cfg, key, float(value))
    for key in ("active", "allow_private"):
        if key in data:
            if not isinstance(data[key], bool):
                raise ConfigError(f"{where}: {key} must be true or false")
            setattr(cfg, key, data[key])
    if "weights" in data:
        cfg.weights = _number_table(data["weights"], "weights", where)
    if "category_weights" in data:
        cfg.category_weights = _number_table(data["category_weights"], "category_weights", where)
    if "disable" in data:
        raw = data["disable"]
        if not isinstance(raw, dict) or not all(isinstance(v, str) and v.strip() for v in raw.values()):
            raise ConfigError(f"{where}: [disable] must map check ids to a non-empty reason")
        cfg.disable = {str(k): v for k, v in raw.items()}
    return cfg


def load(path: str | Path | None = None, cwd: Path | None = None) -> Config:
    """Load the named file, or look for agent-ready.toml then pyproject.toml in ``cwd``."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        return _load_file(p, required=True)
    base = cwd or Path.cwd()
    for candidate in (base / "agent-ready.toml", base / "pyproject.toml"):
        if candidate.is_file():
            cfg = _load_file(candidate, required=False)
            if cfg.path is not None:
                return cfg
    return Config()


def _load_file(p: Path, *, required: bool) -> Config:
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read ({exc.strerror})") from None
    if p.name == "pyproject.toml":
        section = data.get("tool", {}).get("agent-ready")
        if section is None:
            if required:
                raise ConfigError(f"{p}: no [tool.agent-ready] section")
            return Config()
        if not isinstance(section, dict):
            raise ConfigError(f"{p}: [tool.agent-ready] must be a table")
        return parse(section, f"{p} [tool.agent-ready]")
    return parse(data, str(p))
