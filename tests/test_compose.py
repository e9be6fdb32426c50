"""docker-compose.yml and the Dockerfile, checked against the code (no Docker engine runs here).

The agent's arg file is parsed by ACA-Py's own argument parser, and the compose command
line with it, so a key ACA-Py does not know or a value it refuses fails here, not at deploy time.
"""

import re
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from acapy_agent.commands.start import init_argument_parser
from acapy_agent.config import argparse as acapy_argparse

from vc_service.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
ENV = {"AGENT_ENDPOINT": "https://sig.example/didcomm", "PUBLIC_URL": "https://sig.example"}


def interpolate(value: str) -> str:
    """Compose's ${NAME}, ${NAME:?message} and ${NAME:-default}, from ENV (enough for this file)."""
    return re.sub(r"\$\{(\w+)(?::[?-][^}]*)?\}", lambda match: ENV.get(match.group(1), "x"), value)


def test_the_services_and_their_health_checks():
    assert set(SERVICES) == {"postgres", "agent", "controller"}
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name
    assert SERVICES["controller"]["depends_on"]["agent"]["condition"] == "service_healthy"
    assert "HEALTHCHECK" in (PROJECT / "Dockerfile").read_text()


def test_the_agent_image_is_the_pinned_acapy_release():
    image = SERVICES["agent"]["image"]
    assert image == f"ghcr.io/openwallet-foundation/acapy-agent:py3.13-{version('acapy-agent')}"
    assert re.search(r'"acapy-agent==([\d.]+)"', (PROJECT / "pyproject.toml").read_text()).group(1) == version(
        "acapy-agent"
    )


def test_the_admin_api_stays_on_the_compose_network():
    agent = SERVICES["agent"]
    assert agent["expose"] == ["8031"]
    assert all(not port.endswith(":8031") for port in agent["ports"]) and agent["ports"] == ["8030:8030"]
    assert "--admin-insecure-mode" not in agent["command"]


def test_secrets_come_from_the_environment():
    secret_names = {
        "ACAPY_ADMIN_API_KEY",
        "ACAPY_WALLET_KEY",
        "VC_SERVICE_AGENT_ADMIN_KEY",
        "VC_SERVICE_WEBHOOK_KEY",
        "VC_SERVICE_SESSION_KEY",
        "VC_SERVICE_CLAIM_KEY",
        "VC_SERVICE_ADMIN_API_KEY",
        "POSTGRES_PASSWORD",
    }
    for service in SERVICES.values():
        for name, value in service.get("environment", {}).items():
            if name in secret_names:
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", value), f"{name} must be required from the environment"
    # The agent's and the controller's copies of a secret are the same variable.
    agent, controller = SERVICES["agent"]["environment"], SERVICES["controller"]["environment"]
    assert agent["ACAPY_ADMIN_API_KEY"] == controller["VC_SERVICE_AGENT_ADMIN_KEY"]
    assert agent["ACAPY_WEBHOOK_URL"].endswith("#" + controller["VC_SERVICE_WEBHOOK_KEY"])


def test_every_controller_variable_is_a_setting():
    fields = {f"VC_SERVICE_{name.upper()}" for name in Settings.model_fields}
    used = set(SERVICES["controller"]["environment"]) | set(
        re.findall(r"(VC_SERVICE_\w+)=", (PROJECT / "Dockerfile").read_text())
    )
    assert used <= fields, used - fields
    assert SERVICES["controller"]["environment"]["VC_SERVICE_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert SERVICES["controller"]["environment"]["VC_SERVICE_AGENT_URL"] == "http://agent:8031"


def test_the_agent_command_and_its_arg_file_parse_with_acapys_own_parser(monkeypatch):
    agent = SERVICES["agent"]
    for name, value in agent["environment"].items():  # as compose gives them to the container
        monkeypatch.setenv(name, interpolate(value))
    mounts = dict(volume.split(":")[:2][::-1] for volume in agent["volumes"])
    config_dir = PROJECT / mounts["/config"].removeprefix("./")
    argv = [interpolate(part) for part in agent["command"][1:]]  # after "start"
    argv[argv.index("--arg-file") + 1] = str(config_dir / "compose-agent.yml")
    arg_file = yaml.safe_load((config_dir / "compose-agent.yml").read_text())
    # The plugin and logging configs are container paths: point them at the files mounted there.
    for option in ("plugin-config", "log-config"):
        argv += [f"--{option}", str(config_dir / Path(arg_file[option]).name)]

    parser = acapy_argparse.create_argument_parser(prog="aca-py")
    get_settings = init_argument_parser(parser)
    args = parser.parse_args(argv)
    settings = get_settings(args)
    assert (
        settings["wallet.storage_type"] == "postgres_storage"
        and settings["wallet.storage_config"] == agent["environment"]["ACAPY_WALLET_STORAGE_CONFIG"]
    )
    assert settings["admin.admin_api_key"] == "x" and not settings.get("admin.admin_insecure_mode")
    assert (settings["admin.host"], int(settings["admin.port"])) == ("0.0.0.0", 8031)
    assert settings["default_endpoint"] == ENV["AGENT_ENDPOINT"]
    assert {"vc_service.contexts.acapy_plugin", "vc_service.agent.acapy_plugin"} <= set(settings["external_plugins"])
    assert Path(settings["log.config"]).is_file()  # the one that keeps the webhook key out of the log
    assert settings["plugin_config"]["pinned_contexts"]["directories"] == [
        {"path": "/contexts/sig", "base_url": "https://sig.example/"},
        {"path": "/contexts/shared"},
    ]
    assert agent["environment"]["PYTHONPATH"] == "/plugins" and mounts["/plugins/vc_service"] == "./vc_service"


def test_the_build_context_holds_only_what_the_dockerfile_copies():
    rules = [line for line in (PROJECT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    copied = {
        source.rstrip("/")
        for line in (PROJECT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    assert rules[0] == "*"  # var/ (secrets.json) and .venv/ never reach the build
    assert {rule.removeprefix("!").rstrip("/") for rule in rules if rule.startswith("!")} == copied


@pytest.mark.parametrize("path", ["agent-config/compose-agent.yml", "Dockerfile", "docker-compose.yml"])
def test_no_secret_is_written_into_the_files(path):
    text = (PROJECT / path).read_text()
    assert not re.search(r"(?i)(password|key)\s*[:=]\s*['\"]?[A-Za-z0-9_\-]{12,}", text)
