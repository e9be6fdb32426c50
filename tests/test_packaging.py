"""`make run`'s first install is quiet: setuptools' editable install of this project warns of nothing;
and what it installs is what the service runs on."""

import subprocess
import sys

from .support import PROJECT_DIR


def test_the_editable_install_prints_no_warning_block(tmp_path):
    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(target / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "-e",
            str(PROJECT_DIR),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "Editable installation" not in output and "BuildBackendWarning" not in output, output
    installed = subprocess.run(
        [str(target / "bin" / "python"), "-c", "import vc_service; print(vc_service.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert installed.stdout.strip() == str(PROJECT_DIR / "vc_service" / "__init__.py")


def test_uvicorn_parses_http_with_httptools():
    """`vc-service up` leaves uvicorn's parser on "auto": httptools (C) when installed, else h11."""
    import uvicorn

    config = uvicorn.Config(lambda scope, receive, send: None)
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
