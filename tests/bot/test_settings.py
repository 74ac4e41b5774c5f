from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    s = load_settings({}, env_file=None)
    assert s.discord_token is None
    assert s.database_path == Path("data/newsbot.sqlite3")
    assert s.seeds_dir == Path("seeds")
    assert s.log_level == "INFO"


def test_env_file_then_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"LOG_LEVEL=debug\nSEEDS_DIR={tmp_path}\nDATABASE_PATH={tmp_path}/a.db\n")
    s = load_settings({"DATABASE_PATH": str(tmp_path / "b.db")}, env_file=env)
    assert s.log_level == "DEBUG"
    assert s.seeds_dir == tmp_path
    assert s.database_path == tmp_path / "b.db"


@pytest.mark.parametrize(("name", "value"), [
    ("LOG_LEVEL", "LOUD"),
    ("SEEDS_DIR", "/no/such/folder"),
    ("DISCORD_TOKEN", "short"),
    ("DISCORD_TOKEN", "has a space in it and is long enough"),
])
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    env = {"SEEDS_DIR": str(tmp_path), name: value}
    with pytest.raises(SettingsError) as info:
        load_settings(env, env_file=None)
    message = str(info.value)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^DATABASE_PATH:"):
        load_settings({"SEEDS_DIR": str(tmp_path), "DATABASE_PATH": str(tmp_path)}, env_file=None)


def test_repr_never_shows_the_token(tmp_path: Path) -> None:
    token = "MTIz.secret-token-value.abcdefghijklmnop"
    s = load_settings({"SEEDS_DIR": str(tmp_path), "DISCORD_TOKEN": token}, env_file=None)
    assert s.discord_token == token
    assert token not in repr(s)
    assert "secret" not in str(s)
