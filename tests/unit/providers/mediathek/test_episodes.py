"""From a programme's films to episodes: numbers, one film per episode, versions and quality."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aniworld_desktop.providers.base import EpisodeKind
from aniworld_desktop.providers.mediathek.episodes import (
    Quality,
    build_episodes,
    choose_url,
    episode_url,
    title_matches,
)
from aniworld_desktop.providers.mediathek.filmlist import Film, film_key
from aniworld_desktop.providers.mediathek.titles import Version

STANDARD = (Version.STANDARD,)


def make_film(
    title: str,
    n: int,
    *,
    channel: str = "ZDF",
    topic: str = "Der Bergdoktor",
    day: date = date(2026, 3, 1),
    hd: bool = True,
    small: bool = True,
    url: str = "",
    geo: str = "",
    subtitle: bool = False,
) -> Film:
    base = f"https://media.example.test/{channel.lower()}/{n}"
    main = url or f"{base}/video_1800k.mp4"
    aired = int(datetime(day.year, day.month, day.day, 19, tzinfo=UTC).timestamp()) + n
    return Film(
        key=film_key(channel, topic, main),
        channel=channel,
        topic=topic,
        title=title,
        description=f"Plot of {title}",
        day=day.strftime("%d.%m.%Y"),
        aired=aired,
        duration="00:44:30",
        size_mb=500,
        url=main,
        small=f"{len(base) + 1}|video_480k.mp4" if small else "",
        hd=f"{len(base) + 1}|video_3500k.mp4" if hd else "",
        subtitle_url=f"{base}/subtitles.vtt" if subtitle else "",
        website=f"https://www.example.test/{n}",
        geo=geo,
        new=0,
    )


def keys(built) -> list[tuple[int, int | None]]:
    return [(e.season, e.number) for e in built.episodes]


def test_one_episode_from_its_versions_repeats_and_trailer():
    films = [
        make_film("Heimkehr (S01/E02) (Audiodeskription)", 1),
        make_film("Heimkehr (S01/E02) (mit Gebärdensprache)", 2),
        make_film("Heimkehr (S01/E02) - Trailer", 3),
        make_film("Heimkehr (S01/E02)", 5, hd=False),  # the newest, but without HD
        make_film("Heimkehr (S01/E02)", 4, channel="3Sat"),
    ]
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD)
    assert keys(built) == [(1, 2)]
    episode = built.episodes[0]
    # The standard version that has the HD file: the 3Sat repeat, not ZDF's SD-only film.
    assert (episode.channel, episode.quality, episode.version) == ("3Sat", Quality.HD, "standard")
    assert episode.film_key == films[4].key
    assert episode.title == "Heimkehr"
    assert episode.description == "Plot of Heimkehr (S01/E02)"  # the film's own, as the plot
    assert built.left_out["other versions and repeats of an episode"] == 4


def test_the_preferred_version_is_the_settings_first():
    films = [
        make_film("Heimkehr (S01/E02)", 1),
        make_film("Heimkehr (S01/E02) (Audiodeskription)", 2),
        make_film("Heimkehr (S01/E02) (mit Gebärdensprache)", 3),
    ]
    prefer = (Version.AUDIO_DESCRIPTION, Version.STANDARD)
    built = build_episodes(films, quality=Quality.HD, versions=prefer)
    assert built.episodes[0].version is Version.AUDIO_DESCRIPTION
    built = build_episodes(films, quality=Quality.HD, versions=(Version.SIGN_LANGUAGE,))
    assert built.episodes[0].version is Version.SIGN_LANGUAGE


def test_an_episode_only_in_a_version_not_wanted_is_left_out_and_said():
    films = [
        make_film("Heimkehr (S01/E02) (Audiodeskription)", 1),
        make_film("Der Sturm (S01/E03)", 2),
    ]
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD)
    assert keys(built) == [(1, 3)]
    assert built.left_out["only in versions not wanted"] == 1
    wider = build_episodes(
        films, quality=Quality.HD, versions=(Version.STANDARD, Version.AUDIO_DESCRIPTION)
    )
    assert keys(wider) == [(1, 2), (1, 3)]


def test_a_trailer_alone_is_kept_as_a_trailer():
    built = build_episodes(
        [make_film("Trailer: Die neue Staffel", 1)], quality=Quality.HD, versions=STANDARD
    )
    (episode,) = built.episodes
    assert episode.kind is EpisodeKind.TRAILER
    assert (episode.season, episode.number) == (0, None)


def test_quality_falls_back_and_stream_playlists_are_never_chosen():
    sd_only = make_film("Folge 1", 1, hd=False, small=False)
    playlist = make_film("Folge 2", 2, url="https://media.example.test/zdf/2/master.m3u8", hd=False)
    playlist_with_hd = make_film(
        "Folge 3", 3, url="https://media.example.test/zdf/3/master.m3u8", small=False
    )
    assert choose_url(sd_only, Quality.HD) == (sd_only.url, Quality.SD)
    assert choose_url(sd_only, Quality.SMALL) == (sd_only.url, Quality.SD)
    assert choose_url(playlist, Quality.SD) == (playlist.url_small, Quality.SMALL)
    assert choose_url(playlist_with_hd, Quality.SD) == (playlist_with_hd.url_hd, Quality.HD)
    only_playlist = make_film(
        "Folge 4", 4, url="https://x.test/4/index.m3u8", hd=False, small=False
    )
    assert choose_url(only_playlist, Quality.HD) is None

    built = build_episodes(
        [sd_only, only_playlist, make_film("Folge 5", 5)], quality=Quality.SMALL, versions=STANDARD
    )
    assert [(e.number, e.quality) for e in built.episodes] == [
        (1, Quality.SD),
        (5, Quality.SMALL),
    ]
    assert built.left_out["only as a stream playlist"] == 1
    assert built.episodes[1].url == episode_url(built.episodes[1].film_key, Quality.SMALL, ".mp4")


def test_folge_alone_numbers_season_one_but_beside_seasons_it_is_a_special():
    plain = build_episodes(
        [make_film("Folge 12: Der Fall", 1), make_film("Folge 3: Anfang", 2)],
        quality=Quality.HD,
        versions=STANDARD,
    )
    assert keys(plain) == [(1, 3), (1, 12)]
    mixed = build_episodes(
        [
            make_film("Folge 168: Lehrer (S11/E04)", 1),
            make_film("Folge 169: Ohne Staffel", 2),
        ],
        quality=Quality.HD,
        versions=STANDARD,
    )
    assert [(e.season, e.number, e.absolute) for e in mixed.episodes] == [
        (11, 4, 168),
        (0, None, 169),
    ]


def test_unnumbered_episodes_follow_the_broadcast_dates_and_daily_titles_stay_apart():
    films = [
        make_film("Tagesschau 20:00 Uhr", 1, channel="ARD", topic="Tagesschau", day=date(2026, 3, 3)),
        make_film("Tagesschau 20:00 Uhr", 2, channel="ARD", topic="Tagesschau", day=date(2026, 3, 1)),
        make_film(
            "Tagesschau 20:00 Uhr (mit Gebärdensprache)",
            3,
            channel="ARD",
            topic="Tagesschau",
            day=date(2026, 3, 1),
        ),
        make_film("Tagesschau 20:00 Uhr", 4, channel="ARD", topic="Tagesschau", day=date(2026, 3, 2)),
    ]  # fmt: skip
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD)
    assert [(e.season, e.number, e.air_date) for e in built.episodes] == [
        (1, None, date(2026, 3, 1)),
        (1, None, date(2026, 3, 2)),
        (1, None, date(2026, 3, 3)),
    ]
    assert len({e.guid for e in built.episodes}) == 3


def test_an_unnumbered_title_on_several_channels_is_one_episode():
    films = [
        make_film("Die Alpen von oben", 1, day=date(2026, 3, 1)),
        make_film("Die Alpen von oben", 2, channel="3Sat", day=date(2026, 3, 5)),
    ]
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD)
    assert len(built.episodes) == 1
    assert built.episodes[0].channel == "3Sat"  # the newest, most likely still online


def test_the_guid_of_an_episode_survives_a_new_url_and_another_channel():
    first = build_episodes([make_film("Die Alpen", 1)], quality=Quality.HD, versions=STANDARD)
    moved = build_episodes(
        [make_film("Die Alpen", 1, url="https://cdn2.example.test/a.mp4", channel="3Sat")],
        quality=Quality.HD,
        versions=STANDARD,
    )
    assert first.episodes[0].guid == moved.episodes[0].guid
    assert first.episodes[0].url != moved.episodes[0].url


def test_geo_restriction_subtitles_and_sizes_are_carried():
    film = make_film("Heimkehr (S01/E02)", 1, geo="DE-AT-CH", subtitle=True)
    world = make_film("Der Sturm (S01/E03)", 2, geo="WELT")
    built = build_episodes([film, world], quality=Quality.HD, versions=STANDARD)
    first, second = built.episodes
    assert first.geo_restricted and not second.geo_restricted
    assert first.subtitle_url == "https://media.example.test/zdf/1/subtitles.vtt"
    assert first.size is None  # the list's MB are not an exact size a download could be held to
    assert first.approximate_size == 500_000_000
    assert first.duration == 44 * 60 + 30
    assert first.air_date == date(2026, 3, 1)


def test_geo_free_films_are_preferred_among_equals():
    films = [
        make_film("Heimkehr (S01/E02)", 1, geo="DE"),
        make_film("Heimkehr (S01/E02)", 2, channel="3Sat"),
    ]
    films[0] = films[0]._replace(aired=films[1].aired + 100)  # newer, but only in Germany
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD)
    assert built.episodes[0].channel == "3Sat"


def test_the_title_filter_keeps_films_with_one_of_its_words():
    assert title_matches("Folge 3: Der Wald", "wald, see")
    assert title_matches("Der Bodensee", "wald, see")
    assert not title_matches("Die Alpen", "wald, see")
    assert title_matches("anything", " , ")
    films = [make_film("Folge 1: Die Alpen", 1), make_film("Folge 2: Der Wald", 2)]
    built = build_episodes(films, quality=Quality.HD, versions=STANDARD, title_filter="WALD")
    assert [e.title for e in built.episodes] == ["Der Wald"]
    assert built.left_out["not matching the title filter"] == 1
