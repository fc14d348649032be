"""The Linux desktop integration: validators, one version, icons, and `make install-desktop`.

The validators come from Debian packages (``desktop-file-utils``, ``appstream``); ``make test``
installs them when they are missing. The PyInstaller bundle is checked by ``make dist``
(packaging/smoke_test.py), not here: it takes a minute to build.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import defusedxml.ElementTree as ET
import pytest

import aniworld_desktop

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.aniworld_desktop.AniworldDesktop"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
FLATPAK = PACKAGING / "flatpak" / f"{APP_ID}.yml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_render_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_icons", PACKAGING / "render_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_icons = load_render_icons()


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: `make test` installs it, or `apt-get install {package}`",
            pytrace=False,
        )
    return path


def desktop_file_validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = [tool("desktop-file-validate", "desktop-file-utils"), str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def metainfo() -> Any:
    return ET.parse(METAINFO).getroot()


def png_size(data: bytes) -> tuple[int, int, int]:
    """Width, height and colour type from a PNG's header chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


# ------------------------------------------------------------------------------ validators


def test_desktop_file_passes_desktop_file_validate_without_a_hint() -> None:
    done = desktop_file_validate(DESKTOP)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout + done.stderr == ""


def test_metainfo_passes_appstreamcli_validate() -> None:
    command = [tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # Errors, warnings and infos all count; only pedantic notes (the app id's capitals) pass.
    issues = [line for line in done.stdout.splitlines() if re.match(r"^[EWI]: ", line)]
    assert issues == []


# ------------------------------------------------------------------------ one name, one version


def test_the_app_id_is_the_same_everywhere() -> None:
    root = metainfo()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert re.search(rf"^Icon={re.escape(APP_ID)}$", DESKTOP.read_text(), re.M)
    assert render_icons.APP_ID == APP_ID
    assert re.search(rf"^APP_ID\s*:=\s*{re.escape(APP_ID)}$", (ROOT / "Makefile").read_text(), re.M)
    assert re.search(rf"^id: {re.escape(APP_ID)}$", FLATPAK.read_text(), re.M)
    assert f'bundle_identifier="{APP_ID}"' in (PACKAGING / "aniworld-desktop.spec").read_text()


def test_the_menu_starts_the_installed_program() -> None:
    program = next(iter(pyproject()["project"]["scripts"]))
    assert re.search(rf"^Exec={program} --add %U$", DESKTOP.read_text(), re.M)
    assert re.search(rf"^TryExec={program}$", DESKTOP.read_text(), re.M)
    assert metainfo().find("provides/binary").text == program


def desktop_entry() -> dict[str, str]:
    """The keys of the main group of the .desktop file."""
    group = DESKTOP.read_text(encoding="utf-8").split("\n[", 1)[0]
    pairs = (line.split("=", 1) for line in group.splitlines() if "=" in line)
    return {key: value for key, value in pairs if not key.startswith("#")}


def test_the_entry_takes_links_and_handles_the_feed_schemes() -> None:
    """A web page's "Subscribe" link (feed:, podcast:, itpc:, pcast:) starts us with the link,
    and the schemes the entry claims are the ones the app reads as http(s)."""
    from aniworld_desktop.core.links import FEED_SCHEMES

    entry = desktop_entry()
    handled = [m for m in entry["MimeType"].split(";") if m]
    assert handled == [f"x-scheme-handler/{scheme}" for scheme in FEED_SCHEMES]


@pytest.mark.parametrize(
    "links", [[], ["feed://127.0.0.1:9/rss"], ["podcast:https://a.example/f", "https://b/x.mkv"]]
)
def test_the_exec_line_gives_the_links_to_add(links: list[str]) -> None:
    """%U as the desktop expands it (none, one, several links), read by our own parser."""
    from aniworld_desktop.cli import build_parser

    words = desktop_entry()["Exec"].split()
    assert words.count("%U") == 1
    argv = [w for word in words for w in (links if word == "%U" else [word])]
    args = build_parser().parse_args(argv[1:])
    assert (args.add, args.command) == (links, None)


def test_version_has_one_source_and_the_newest_release_carries_it() -> None:
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "aniworld_desktop.__version__"
    }
    releases = metainfo().findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == aniworld_desktop.__version__
    dates = [release.get("date") for release in releases]
    assert dates == sorted(dates, reverse=True), "releases go newest first"


def test_version_option_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aniworld_desktop", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"aniworld-desktop {aniworld_desktop.__version__}"


def test_the_license_is_the_same_in_pyproject_and_metainfo() -> None:
    assert metainfo().findtext("project_license") == pyproject()["project"]["license"]


def test_screenshots_are_the_guides_pictures_in_this_repository() -> None:
    homepage = pyproject()["project"]["urls"]["Homepage"]
    owner_repo = homepage.removeprefix("https://github.com/")
    raw = f"https://raw.githubusercontent.com/{owner_repo}/main/"
    images = [image.text for image in metainfo().iter("image")]
    assert images
    for url in images:
        assert url.startswith(raw), url
        assert (ROOT / url.removeprefix(raw)).is_file(), f"{url} points at no file in the repo"
    assert metainfo().findtext("url[@type='homepage']") == homepage


def test_flatpak_requirements_are_the_projects_dependencies() -> None:
    lines = (PACKAGING / "flatpak" / "requirements.txt").read_text().splitlines()
    wanted = [line for line in lines if line and not line.startswith("#")]
    build_only = {"setuptools>=77", "wheel"}
    normal = [line.replace('"', "'") for line in pyproject()["project"]["dependencies"]]
    assert [line for line in wanted if line not in build_only] == normal
    assert pyproject()["build-system"]["requires"][0] in build_only


# --------------------------------------------------------------------------------- icons


@pytest.mark.parametrize("size", render_icons.SIZES)
def test_a_png_icon_of_each_size(size: int) -> None:
    path = render_icons.hicolor_png(PACKAGING / "linux" / "icons", size)
    assert png_size(path.read_bytes()) == (size, size, 6)  # 6: RGBA


def test_the_scalable_icon_is_the_apps_svg() -> None:
    path = render_icons.hicolor_svg(PACKAGING / "linux" / "icons")
    assert path.read_bytes() == render_icons.SOURCE.read_bytes()


def test_windows_icon_holds_a_png_of_each_size() -> None:
    data = render_icons.windows_icon().read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(render_icons.ICO_SIZES))
    sizes = []
    for index in range(count):
        entry = struct.unpack("<BBBBHHII", data[6 + 16 * index : 22 + 16 * index])
        width, height, length, offset = entry[0], entry[1], entry[6], entry[7]
        png = data[offset : offset + length]
        assert png_size(png)[:2] == (width or 256, height or 256)
        sizes.append(width or 256)
    assert sizes == list(render_icons.ICO_SIZES)


def test_macos_icon_holds_a_png_of_each_size() -> None:
    data = render_icons.macos_icon().read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found = {}
    offset = 8
    while offset < len(data):
        kind, length = struct.unpack(">4sI", data[offset : offset + 8])
        found[kind] = png_size(data[offset + 8 : offset + length])[0]
        offset += length
    assert found == render_icons.ICNS_TYPES


def mean_difference(png_a: bytes, png_b: bytes) -> float:
    """Mean difference of two same-sized PNGs, per channel, from 0 to 255."""
    from PySide6.QtGui import QImage

    first, second = (
        QImage.fromData(data).convertToFormat(QImage.Format.Format_RGBA8888)
        for data in (png_a, png_b)
    )
    assert first.size() == second.size()
    a = bytes(first.constBits())
    b = bytes(second.constBits())
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def test_committed_pngs_match_the_svg(qapp: Any) -> None:
    # A little slack for another Qt version's anti-aliasing; a changed drawing is far beyond it.
    for size in (16, 64, 256):
        committed = render_icons.hicolor_png(PACKAGING / "linux" / "icons", size).read_bytes()
        redrawn = render_icons.render_png(size)
        assert mean_difference(committed, redrawn) < 1.0, (
            f"the {size} px icon is stale: run `make icons`"
        )


def test_the_comparison_sees_a_changed_drawing(qapp: Any, tmp_path: Path) -> None:
    changed = tmp_path / "changed.svg"
    changed.write_text(render_icons.SOURCE.read_text().replace("#5b6cff", "#30c060"))
    committed = render_icons.hicolor_png(PACKAGING / "linux" / "icons", 64).read_bytes()
    assert mean_difference(committed, render_icons.render_png(64, changed)) > 1.0


# ------------------------------------------------------------------------- install-desktop


def make(*args: str) -> subprocess.CompletedProcess[str]:
    command = [tool("make", "make"), "--no-print-directory", "-C", str(ROOT), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def installed_files(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() or path.is_symlink()
    }


def expected_files(prefix: str) -> set[str]:
    share = f"{prefix}/share"
    icons = {
        f"{share}/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" for size in render_icons.SIZES
    }
    return {
        f"{share}/applications/{APP_ID}.desktop",
        f"{share}/metainfo/{APP_ID}.metainfo.xml",
        f"{share}/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"{prefix}/bin/aniworld-desktop",
        *icons,
    }


def test_install_desktop_into_a_staging_folder_and_uninstall(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    variables = [f"DESTDIR={stage}", "PREFIX=/usr", "BUNDLE="]
    make("install-desktop", *variables)

    assert installed_files(stage) == expected_files("usr")
    share = stage / "usr" / "share"
    entry = share / "applications" / f"{APP_ID}.desktop"
    text = entry.read_text()
    assert "\nExec=/usr/bin/aniworld-desktop --add %U\n" in text
    assert "\nTryExec=/usr/bin/aniworld-desktop\n" in text
    done = desktop_file_validate(entry)
    assert done.returncode == 0 and done.stdout == "", done.stdout
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    for size in render_icons.SIZES:
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png_size(icon.read_bytes())[:2] == (size, size)
    # Without a bundle the menu starts this checkout's program.
    link = stage / "usr" / "bin" / "aniworld-desktop"
    assert link.is_symlink()
    assert Path(link.readlink()) == ROOT / ".venv" / "bin" / "aniworld-desktop"
    # A staged install leaves the caches to the package manager.
    assert not (share / "icons" / "hicolor" / "icon-theme.cache").exists()
    assert not (share / "applications" / "mimeinfo.cache").exists()

    # The desktop's own database (what a package's trigger and our unstaged install run) names
    # us the handler of feed links.
    command = [tool("update-desktop-database", "desktop-file-utils"), str(share / "applications")]
    subprocess.run(command, check=True)
    cache = (share / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    for scheme in ("feed", "podcast", "itpc", "pcast"):
        assert f"\nx-scheme-handler/{scheme}={APP_ID}.desktop;\n" in cache
    (share / "applications" / "mimeinfo.cache").unlink()

    make("uninstall-desktop", *variables)
    assert installed_files(stage) == set()


def test_install_desktop_copies_a_built_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "aniworld-desktop"
    (bundle / "_internal").mkdir(parents=True)
    program = bundle / "aniworld-desktop"
    program.write_text("#!/bin/sh\necho bundled\n")
    program.chmod(0o755)
    (bundle / "_internal" / "libsomething.so").write_bytes(b"\x7fELF")
    stage = tmp_path / "stage"
    variables = [f"DESTDIR={stage}", "PREFIX=/opt/aw", f"BUNDLE={program}"]
    make("install-desktop", *variables)

    copied = stage / "opt" / "aw" / "lib" / "aniworld-desktop"
    assert (copied / "_internal" / "libsomething.so").is_file()
    link = stage / "opt" / "aw" / "bin" / "aniworld-desktop"
    assert link.readlink() == Path("/opt/aw/lib/aniworld-desktop/aniworld-desktop")
    assert (copied / "aniworld-desktop").stat().st_mode & 0o111

    make("uninstall-desktop", *variables)
    assert installed_files(stage) == set()


def test_install_desktop_keeps_a_program_it_did_not_put_there(tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    theirs = stage / "usr" / "bin" / "aniworld-desktop"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("#!/bin/sh\n# installed by pipx\n")
    variables = [f"DESTDIR={stage}", "PREFIX=/usr", "BUNDLE="]
    make("install-desktop", *variables)
    assert not theirs.is_symlink()
    assert "pipx" in theirs.read_text()

    make("uninstall-desktop", *variables)
    assert installed_files(stage) == {"usr/bin/aniworld-desktop"}
