"""Read docker-compose.yml the way Docker Compose does, for the deployment tests.

Covers what our compose file uses: YAML merge keys (PyYAML resolves them), ``${VAR}``,
``${VAR:-default}``, ``${VAR:?message}`` and ``$$``, and bind mounts of ``./`` files. A Redis service's
``command`` is turned into a local redis-server invocation (container paths mapped back to the repo), so
tests start Redis with exactly the configuration and ACL that compose would.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"

_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


class MissingVariable(KeyError):
    """A ``${VAR:?message}`` variable is unset or empty: compose refuses to start."""


def load_compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE_FILE.read_text()))


def interpolate(text: str, env: dict[str, str]) -> str:
    """Substitute variables in ``text`` as compose does with ``env`` as its environment."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name, "")
        if value or op is None:
            return value
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg

    return _VARIABLE.sub(replace, text)


def bind_mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path to repository file, for the service's ``./`` bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith("./"):
            mounts[target] = ROOT / source
    return mounts


def localized_config(container_path: str, mounts: dict[str, Path], workdir: Path) -> Path:
    """A copy of a mounted redis config whose ``include`` lines point at the repository files."""
    source = mounts[container_path]
    lines = []
    for line in source.read_text().splitlines():
        directive, _, argument = line.strip().partition(" ")
        if directive == "include":
            line = f"include {localized_config(argument.strip(), mounts, workdir)}"
        lines.append(line)
    target = workdir / f"{len(list(workdir.iterdir()))}-{source.name}"
    target.write_text("\n".join(lines) + "\n")
    return target


def redis_invocation(service_name: str, env: dict[str, str], workdir: Path) -> tuple[Path, list[str]]:
    """The config file and extra arguments compose would start ``service_name``'s redis-server with."""
    service = load_compose()["services"][service_name]
    command = [interpolate(str(part), env) for part in service["command"]]
    if command[0] != "redis-server":
        raise ValueError(f"{service_name} does not run redis-server: {command}")
    config = localized_config(command[1], bind_mounts(service), workdir)
    return config, command[2:]


def redis_directives(config: Path) -> dict[str, list[str]]:
    """Every value of every directive, includes inlined, in the order redis-server applies them."""
    directives: dict[str, list[str]] = {}
    for raw in config.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        directive, _, argument = line.partition(" ")
        if directive == "include":
            for name, values in redis_directives(Path(argument.strip())).items():
                directives.setdefault(name, []).extend(values)
        else:
            directives.setdefault(directive, []).append(argument.strip())
    return directives
