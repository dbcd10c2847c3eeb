"""The README's configuration table names every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILES = [ROOT / "trackeep" / "settings.py", ROOT / "trackeep" / "redis_config.py"]
ENV_READ = re.compile(
    r'(?:env\.(?:str|bool|int|float|list|json|db|email_url)\(|_duration\(env,)\s*f?"([A-Z_{}().a-z]+)"'
)


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in SETTINGS_FILES:
        for name in ENV_READ.findall(path.read_text()):
            if "{role.upper()}" in name:
                names |= {name.replace("{role.upper()}", r) for r in ("CACHE", "STATE", "CHANNELS")}
            else:
                names.add(name)
    return names


def test_every_environment_variable_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    found = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REDIS_STATE_URL"} <= found
    missing = sorted(name for name in found if f"`{name}`" not in readme)
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text()[:400]
    assert "make run" in head and "make test" in head
