"""The German title conventions of the film list: numbers, versions, and one name per episode."""

from __future__ import annotations

import pytest

from aniworld_desktop.providers.mediathek.titles import Version, identity, read_title, version_of


@pytest.mark.parametrize(
    ("title", "season", "episode", "absolute", "name"),
    [
        # Titles as they appear in the list (several from ZDF's and ARD's children's programmes).
        ("Leo und die explodierenden Melonen (S01/E31)", 1, 31, None, "Leo und die explodierenden Melonen"),
        ("Magie außer Kontrolle (S02/E18)", 2, 18, None, "Magie außer Kontrolle"),
        ("Wo ist er? (S02/E06)", 2, 6, None, "Wo ist er?"),
        ("Folge 168: Lehrer sind auch nur Menschen (S11/E04)", 11, 4, 168, "Lehrer sind auch nur Menschen"),
        ("Greenwashed? (S2025/E02)", 2025, 2, None, "Greenwashed?"),
        ("SOKO Leipzig - S05E12 - Mord im Park", 5, 12, None, "SOKO Leipzig - Mord im Park"),
        ("Von der Metzgerei zum Märchenschloss \u2013 (Staffel 9, Folge 3)", 9, 3, None, "Von der Metzgerei zum Märchenschloss"),
        ("Staffel 2, Folge 5: Der Sturm", 2, 5, None, "Der Sturm"),
        ("Staffel 3 - Episode 7 - Heimkehr", 3, 7, None, "Heimkehr"),
        ("Folge 12: Der Fall", None, 12, None, "Der Fall"),
        ("Folge 52: Akte Waschbär", None, 52, None, "Akte Waschbär"),
        ("Nix für die Katz | Folge 1135", None, 1135, None, "Nix für die Katz"),
        ("Die Reise - Teil 3", None, 3, None, "Die Reise"),
        ("Der Fall (Teil 1)", None, 1, None, "Der Fall"),
        ("Episode 4", None, 4, None, "Episode 4"),  # nothing else to call it
    ],
)  # fmt: skip
def test_numbers_and_the_name_left(title, season, episode, absolute, name):
    reading = read_title(title)
    assert (reading.season, reading.episode, reading.absolute) == (season, episode, absolute)
    assert reading.name == name


@pytest.mark.parametrize(
    "title",
    [
        "Tagesschau 20:00 Uhr",
        "Sendung vom 12.03.2026",
        "Hladun/Lazarenko vollenden Märchen \u2013 Mol/Sörum mit 5. EM-Titel",
        "3. Liga: Die Highlights",
        "Die Folgen des Klimawandels",  # "Folgen" is not "Folge"
        "Teilchenphysik erklärt",
        "Ski alpin: Slalom der Herren",  # an "S" before a word, not S01E02
    ],
)
def test_titles_without_numbers_stay_whole(title):
    reading = read_title(title)
    assert (reading.season, reading.episode, reading.absolute) == (None, None, None)
    assert reading.name == title


@pytest.mark.parametrize(
    ("title", "version", "name"),
    [
        ("Magie außer Kontrolle (S02/E18) (Audiodeskription)", Version.AUDIO_DESCRIPTION, "Magie außer Kontrolle"),
        ("Alles im Einklang - Audiodeskription", Version.AUDIO_DESCRIPTION, "Alles im Einklang"),
        ("34. Ungewohnte Zaubertricks (Hörfassung)", Version.AUDIO_DESCRIPTION, "34. Ungewohnte Zaubertricks"),
        ("AD | Der Fall", Version.AUDIO_DESCRIPTION, "Der Fall"),
        ("Der Fall (AD)", Version.AUDIO_DESCRIPTION, "Der Fall"),
        ("Vom Fischer und seiner Frau (Gebärdensprache)", Version.SIGN_LANGUAGE, "Vom Fischer und seiner Frau"),
        ("Der Fall (mit Gebärdensprache)", Version.SIGN_LANGUAGE, "Der Fall"),
        ("Trailer: Die neue Staffel", Version.TRAILER, "Die neue Staffel"),
        ("Der Fall (S01/E02) - Teaser", Version.TRAILER, "Der Fall"),
        ("Vorschau: Die neue Staffel", Version.TRAILER, "Die neue Staffel"),
        ("Der Fall", Version.STANDARD, "Der Fall"),
        ("Die Adler (S01/E01)", Version.STANDARD, "Die Adler"),  # "AD" only as a word of its own
    ],
)  # fmt: skip
def test_versions_are_recognised_and_their_markers_removed(title, version, name):
    reading = read_title(title)
    assert reading.version is version
    assert version_of(title) is version
    assert reading.name == name


def test_the_versions_of_one_episode_have_one_identity():
    names = [
        read_title(t).name
        for t in (
            "Der Fall (S01/E02)",
            "Der Fall (S01/E02) (Audiodeskription)",
            "Der Fall (S01/E02) (mit Gebärdensprache)",
            "DER FALL (S01/E02)",
            "Der Fall. (S01/E02)",
        )
    ]
    assert len({identity(name) for name in names}) == 1
    assert identity("Der Fall") != identity("Der Unfall")
    assert identity("Brücke") == identity("Brucke")  # accents do not count


@pytest.mark.parametrize(
    ("title", "season", "episode", "name"),
    [
        # Forms the app's one recogniser reads (core/recognise.py), read here the same way.
        ("Der Sturm 2x05", 2, 5, "Der Sturm"),
        ("Der Sturm - Season 2 Episode 5", 2, 5, "Der Sturm"),
        ("Die Reise - Staffel 3, Folge 7", 3, 7, "Die Reise"),
        ("Der Fall - Teil 3", None, 3, "Der Fall"),
        # ...and what it refuses to take for an episode in a title.
        ("Tatort: 1234", None, None, "Tatort: 1234"),
        ("Folge 12345", None, None, "Folge 12345"),
    ],
)
def test_numbers_come_from_the_one_recogniser(
    title: str, season: int | None, episode: int | None, name: str
) -> None:
    reading = read_title(title)
    assert (reading.season, reading.episode, reading.name) == (season, episode, name)
