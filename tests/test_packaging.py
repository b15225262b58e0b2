"""The wheel carries the model and the seeds, so an installed mtclean finds them.

The build runs offline (``--no-build-isolation``: the setuptools of this environment) from a
copy of the source tree, so no stale ``build/`` folder can add or hide files. Nothing is
installed.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import REPO

from mtclean import paths

# what a build needs from the tree (tests, scripts, benchmarks are not packaged)
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "mtclean", "models", "seeds")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    if importlib.util.find_spec("setuptools") is None or importlib.util.find_spec("pip") is None:
        pytest.skip("building the wheel needs pip and setuptools in this environment")
    tree = tmp_path_factory.mktemp("tree")
    for name in BUILD_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=IGNORED)
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    built = sorted(out.glob("mtclean-*.whl"))
    if done.returncode != 0 or not built:
        pytest.skip(f"could not build the wheel here: {done.stderr.strip()[-500:]}")
    return zipfile.ZipFile(built[0])


@pytest.mark.parametrize(("folder", "packaged"), sorted(paths.SHIPPED.items()))
def test_wheel_carries_every_file_of_the_folder(
    wheel: zipfile.ZipFile, folder: str, packaged: str
) -> None:
    expected = _files(REPO / folder)
    assert expected, f"{folder}/ is empty"
    names = set(wheel.namelist())
    missing = [f for f in expected if f"mtclean/{packaged}/{f}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    for name in expected:  # byte for byte, not just by name
        assert wheel.read(f"mtclean/{packaged}/{name}") == (REPO / folder / name).read_bytes()


def test_wheel_carries_the_code_and_resources(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = [f"mtclean/{f}" for f in _files(REPO / "mtclean")]
    assert [f for f in expected if f not in names] == []
    assert "mtclean/py.typed" in names


def test_wheel_holds_no_caches_or_tests(wheel: zipfile.ZipFile) -> None:
    bad = [n for n in wheel.namelist() if "__pycache__" in n or n.startswith(("tests/", "seeds/"))]
    assert bad == []


def test_checkout_folders_come_first() -> None:
    assert paths.SOURCE_TREE == REPO
    assert paths.model_dir(env={}) == REPO / "models"
    assert paths.seeds_dir() == REPO / "seeds"


def test_installed_package_copy_is_used_outside_a_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paths, "SOURCE_TREE", None)
    package = Path(paths.__file__).resolve().parent
    assert paths.model_dir(env={}) == package / "_models"
    assert paths.seeds_dir() == package / "_seeds"


def test_model_dir_env_wins(tmp_path: Path) -> None:
    assert paths.model_dir(env={paths.MODEL_DIR_ENV: str(tmp_path)}) == tmp_path


def test_unknown_shipped_folder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown shipped folder"):
        paths.shipped_dir("benchmarks")
