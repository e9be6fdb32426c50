from pathlib import Path

from vc_service.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented_in_the_readme():
    missing = [name for name in Settings.model_fields if f"`VC_SERVICE_{name.upper()}`" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    assert README.index("make run") < README.index("make test") < README.index("## ")
