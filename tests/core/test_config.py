from __future__ import annotations

from pathlib import Path

import pytest

from agent_ready.config import ConfigError, load


def test_agent_ready_toml(tmp_path: Path) -> None:
    (tmp_path / "agent-ready.toml").write_text(
        'skip = ["discovery.sitemap"]\nfail_under = 70\n[weights]\n"discovery.llms-txt" = 2\n'
        '[disable]\n"access.web-bot-auth" = "we send no bot traffic"\n'
    )
    cfg = load(cwd=tmp_path)
    assert cfg.skip == ["discovery.sitemap"] and cfg.fail_under == 70
    assert cfg.weights == {"discovery.llms-txt": 2.0}
    assert cfg.disable == {"access.web-bot-auth": "we send no bot traffic"}


def test_pyproject_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.agent-ready]\nactive = true\n')
    assert load(cwd=tmp_path).active is True


def test_pyproject_without_section_is_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n')
    assert load(cwd=tmp_path).path is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nonsense = 1", "unknown setting"),
        ("timeout = 'soon'", "timeout must be a number"),
        ("[weights]\nx = -1", "weights.x must be a number >= 0"),
        ("[disable]\nx = ''", "non-empty reason"),
        ("only = 'x'", "only must be a list"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "agent-ready.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load(path)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_missing_named_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "nope.toml")
