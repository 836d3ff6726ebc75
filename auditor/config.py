"""Scan settings from a config file (``agent-ready.toml`` or ``[tool.agent-ready]`` in pyproject.toml).

Example::

    only = ["tokens.challenge"]          # run just these (check ids or categories)
    skip = ["discovery.sitemap"]
    timeout = 90                         # whole-scan deadline, seconds
    active = false
    allow_private = false
    fail_under = 70                      # exit 1 below this overall score
    fail_on = ["fail:tokens", "warn:errors.hints"]   # exit 1 when these checks fail / warn
    ca_bundle = "certs/staging-ca.pem"   # a private CA, relative to this file
    insecure = false                     # true skips TLS verification (named in the report)

    [weights]                            # check weights by id
    "discovery.sitemap" = 0.25
    [category_weights]
    tokens = 25
    [disable]                            # disabled checks and the reason the report shows
    "access.web-bot-auth" = "we send no bot traffic"
    [category_minimums]                  # exit 1 when a category scores below its minimum
    tokens = 60
    [headers]                            # sent to the target's origin only; the VALUE is read from the
    Authorization = "STAGING_AUTH"       # environment variable named here, so no secret is committed
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token


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
    category_minimums: dict[str, float] = field(default_factory=dict)
    fail_on: list[str] = field(default_factory=list)
    header_env: dict[str, str] = field(default_factory=dict)  # header name -> environment variable name
    ca_bundle: str | None = None
    insecure: bool | None = None

    def headers(self, environ: dict[str, str] | None = None) -> dict[str, str]:
        """The configured headers with their values read from the environment (at scan time, not load)."""
        env = os.environ if environ is None else environ
        out = {}
        for name, var in self.header_env.items():
            value = env.get(var)
            if not value:
                raise ConfigError(
                    f"{self.path}: header {name} is read from the environment variable {var}, "
                    "which is not set"
                )
            out[name] = value
        return out


_KEYS = {
    "category_minimums",
    "fail_on",
    "headers",
    "ca_bundle",
    "insecure",
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
    if "category_minimums" in data:
        cfg.category_minimums = _number_table(data["category_minimums"], "category_minimums", where)
    if "fail_on" in data:
        raw = data["fail_on"]
        cfg.fail_on = [raw] if isinstance(raw, str) else _string_list(raw, "fail_on", where)
    if "headers" in data:
        cfg.header_env = _header_env(data["headers"], where)
    if "ca_bundle" in data:
        if not isinstance(data["ca_bundle"], str) or not data["ca_bundle"].strip():
            raise ConfigError(f"{where}: ca_bundle must be a path to a PEM file")
        base = Path(where.split(" [", 1)[0]).parent
        cfg.ca_bundle = str(base / data["ca_bundle"])
    for key in ("active", "allow_private", "insecure"):
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


def _header_env(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [headers] must map header names to environment variable names")
    out = {}
    for name, var in raw.items():
        if not HEADER_NAME.match(str(name)):
            raise ConfigError(f"{where}: headers: {name!r} is not a header name")
        if not isinstance(var, str) or not ENV_NAME.match(var):
            # Most likely the secret itself was pasted in: say so without echoing it.
            raise ConfigError(
                f"{where}: headers.{name} must name an environment variable that holds the value "
                "(letters, digits, underscores), never the value itself"
            )
        out[str(name)] = var
    return out


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
