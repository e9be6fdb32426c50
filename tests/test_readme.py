from pathlib import Path

from vc_service.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented_in_the_readme():
    missing = [name for name in Settings.model_fields if f"`VC_SERVICE_{name.upper()}`" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    assert README.index("make run") < README.index("make test") < README.index("## ")


def test_the_layout_names_every_package_and_module():
    package = Path(__file__).resolve().parent.parent / "vc_service"
    layout = README[README.index("## Layout") :]
    names = [
        f"`{path.name}/`" if path.is_dir() else f"`{path.name}`"
        for path in sorted(package.iterdir())
        if (path.is_dir() and (path / "__init__.py").exists()) or (path.suffix == ".py" and path.name != "__init__.py")
    ]
    assert [name for name in names if name not in layout] == []
