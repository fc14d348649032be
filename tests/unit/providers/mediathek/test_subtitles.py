"""The broadcasters' subtitles: TTML to SubRip, WebVTT kept, anything else refused."""

from __future__ import annotations

import pytest

from aniworld_desktop.providers.mediathek.subtitles import SubtitleError, subtitle_file, ttml_to_srt

# As ARD writes it: the broadcast clock from 10:00:00, spans, line breaks, styles.
ARD_TTML = b"""<?xml version="1.0" encoding="UTF-8"?>
<tt:tt xmlns:tt="http://www.w3.org/ns/ttml" xmlns:tts="http://www.w3.org/ns/ttml#styling">
  <tt:head><tt:styling><tt:style xml:id="s1" tts:color="#ffffff"/></tt:styling></tt:head>
  <tt:body><tt:div>
    <tt:p begin="10:00:01.120" end="10:00:03.500" style="s1">
      <tt:span>Guten Abend,</tt:span><tt:br/><tt:span>meine  Damen und Herren.</tt:span>
    </tt:p>
    <tt:p begin="10:01:02.000" end="10:01:04.040"><tt:span>Der Sturm kommt.</tt:span></tt:p>
  </tt:div></tt:body>
</tt:tt>
"""

# As ZDF's EBU-TT comes: times from zero, frames after a colon, seconds with a unit.
ZDF_TTML = b"""<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
    ttp:frameRate="25">
  <body><div>
    <p begin="00:00:02:12" end="00:00:04:00">Zweite Zeile</p>
    <p begin="0.5s" dur="1s">Erste Zeile</p>
    <p>ohne Zeit</p>
  </div></body>
</tt>
"""


def test_ard_ttml_becomes_srt_without_the_broadcast_clock():
    assert ttml_to_srt(ARD_TTML) == (
        "1\n00:00:01,120 --> 00:00:03,500\nGuten Abend,\nmeine Damen und Herren.\n\n"
        "2\n00:01:02,000 --> 00:01:04,040\nDer Sturm kommt.\n"
    )


def test_frames_offsets_and_durations_and_cue_order():
    assert ttml_to_srt(ZDF_TTML) == (
        "1\n00:00:00,500 --> 00:00:01,500\nErste Zeile\n\n"
        "2\n00:00:02,480 --> 00:00:04,000\nZweite Zeile\n"
    )


def test_webvtt_is_kept_and_ttml_saved_as_srt():
    vtt = b"\xef\xbb\xbfWEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHallo\n"
    assert subtitle_file(vtt) == (".vtt", vtt)
    suffix, data = subtitle_file(ARD_TTML)
    assert suffix == ".srt" and data.startswith(b"1\n00:00:01,120 --> ")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<html><body>Nicht gefunden</body></html>", "not TTML"),
        (b"<tt xmlns='http://www.w3.org/ns/ttml'><body/></tt>", "no timed text"),
        (b"<tt><p begin='1s'", "not readable XML"),
        (b"\x00\x01binary", "neither WebVTT nor TTML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><tt><p begin="1s">&b;</p></tt>',
            "declare XML entities",
        ),
    ],
)
def test_what_is_not_subtitles_is_a_sentence(data: bytes, problem: str):
    with pytest.raises(SubtitleError, match=problem):
        subtitle_file(data)
