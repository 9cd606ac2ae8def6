"""Checking an image with one open of it gives what the general path gives (docs/performance.md,
"verify: the fifth pass"): a GIF's frames counted by walking its blocks (``formats.gif_frames``)
are those Pillow's ``n_frames`` counts, whenever the walk says it is sure; and a GIF's or JPEG's
check (header level and ``deep``) is the same with the walk and decoded on the open that read
its header as counted by Pillow, verified and decoded on new opens."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from wxmigrate.verify import check
from wxmigrate.verify.check import check_bytes
from wxmigrate.verify.formats import gif_frames


@st.composite
def gifs(draw: st.DrawFn) -> bytes:
    """A GIF Pillow writes: still or animated, with or without a comment, loop and palette."""
    width = draw(st.integers(1, 12))
    height = draw(st.integers(1, 12))
    count = draw(st.integers(1, 5))
    frames = [
        Image.frombytes("P", (width, height), draw(st.binary(min_size=width * height,
                                                             max_size=width * height)))
        for _ in range(count)
    ]
    options: dict[str, object] = {"optimize": draw(st.booleans())}
    if count > 1:
        options.update(save_all=True, append_images=frames[1:], duration=draw(st.integers(0, 500)))
        if draw(st.booleans()):
            options["loop"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        options["comment"] = draw(st.binary(min_size=1, max_size=300))
    if draw(st.booleans()):
        options["transparency"] = draw(st.integers(0, 255))
    out = io.BytesIO()
    frames[0].save(out, "GIF", **options)
    return out.getvalue()


@st.composite
def damaged_gifs(draw: st.DrawFn) -> bytes:
    """A GIF cut short, with bytes changed or inserted, or garbage after its header."""
    data = draw(gifs())
    how = draw(st.sampled_from(("cut", "change", "insert", "garbage")))
    at = draw(st.integers(6, len(data)))
    if how == "cut":
        return data[:at]
    if how == "garbage":
        return data[:13] + draw(st.binary(max_size=200))
    chunk = draw(st.binary(min_size=1, max_size=4))
    rest = data[at + len(chunk) :] if how == "change" else data[at:]
    return data[:at] + chunk + rest


def _pillow_frames(data: bytes) -> int | str:
    """Pillow's count of the GIF's frames, or what Pillow raised opening or counting it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(image.n_frames)
    except Exception as error:  # noqa: BLE001 - any failure is a finding the walk must not hide
        return type(error).__name__


def _agrees(data: bytes) -> bool:
    """Where the walk is sure and Pillow opens the file, both count the same frames."""
    counted = gif_frames(data)
    if counted is None:
        return True
    found = _pillow_frames(data)
    return found == counted or (isinstance(found, str) and not _opens(data))


def _opens(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)):
            return True
    except Exception:  # noqa: BLE001
        return False


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(gifs())
def test_the_walk_is_sure_of_every_whole_gif_and_counts_as_pillow(data: bytes) -> None:
    """A GIF as Pillow writes it is walked to its trailer, to Pillow's own count."""
    assert gif_frames(data) == _pillow_frames(data)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(damaged_gifs())
def test_a_damaged_gif_is_counted_as_pillow_counts_it_or_left_to_pillow(data: bytes) -> None:
    """Cut, changed or garbage GIFs: the walk is unsure, or agrees with Pillow."""
    assert _agrees(data)


@pytest.mark.parametrize(
    "body",
    [
        b"!\xfe\x00",  # an extension whose first sub-block is empty: Pillow reads on as sub-blocks
        b"!\xf9\x02\x00\x00\x00",  # a graphic control block too short (Pillow raises on it)
        b"\x00",  # a byte that starts no block (Pillow skips it)
        b"",  # no trailer
    ],
)
def test_the_walk_leaves_what_it_is_not_sure_of_to_pillow(body: bytes) -> None:
    """Quirks where Pillow's reading differs from the format's: the walk says None."""
    still = _still_gif()
    assert gif_frames(still[:-1] + body + b";" if body else still[:-1]) is None


def test_data_after_the_trailer_is_not_counted() -> None:
    """Pillow stops at the trailer; so does the walk."""
    data = _still_gif() + b",garbage"
    assert gif_frames(data) == _pillow_frames(data) == 1


def test_not_a_gif_is_not_walked() -> None:
    assert gif_frames(b"\x89PNG\r\n\x1a\n") is None
    assert gif_frames(b"GIF89a") is None


def _still_gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (3, 2)).save(out, "GIF")
    return out.getvalue()


@st.composite
def jpegs(draw: st.DrawFn) -> bytes:
    """A JPEG (grey or colour, progressive or not), whole, cut short or with bytes changed."""
    width = draw(st.integers(1, 24))
    height = draw(st.integers(1, 24))
    mode = draw(st.sampled_from(("L", "RGB")))
    pixels = draw(st.binary(min_size=width * height * len(mode), max_size=width * height * len(mode)))
    out = io.BytesIO()
    Image.frombytes(mode, (width, height), pixels).save(
        out, "JPEG", progressive=draw(st.booleans()), quality=draw(st.integers(5, 95))
    )
    data = out.getvalue()
    how = draw(st.sampled_from(("whole", "cut", "change")))
    at = draw(st.integers(2, len(data)))
    if how == "cut":
        return data[:at]
    if how == "change":
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 4 :]
    return data


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          max_examples=300)
@given(data=st.one_of(gifs(), damaged_gifs(), jpegs()), deep=st.booleans())
def test_checking_with_one_open_is_checking_with_several(
    data: bytes, deep: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole check (status, size, frames, detail) with the walk and one open, and with
    Pillow's count, its ``verify()`` and a new open to decode, as before either."""
    declared = "GIF" if data.startswith(b"GIF") else "JPEG"
    once = check_bytes(data, declared=declared, deep=deep)
    with monkeypatch.context() as patch:
        patch.setattr(check, "gif_frames", lambda data: None)
        patch.setattr(check, "_NOTHING_TO_VERIFY", frozenset())
        several = check_bytes(data, declared=declared, deep=deep)
    assert once == several


def test_what_is_not_verified_has_nothing_to_verify() -> None:
    """Checking a GIF or JPEG skips Pillow's ``verify()`` for it: their plugins have none of
    their own, only ImageFile's, which checks nothing (if Pillow ever adds one, this fails)."""
    from PIL import GifImagePlugin, ImageFile, JpegImagePlugin

    plugins = {"GIF": GifImagePlugin.GifImageFile, "JPEG": JpegImagePlugin.JpegImageFile}
    assert set(plugins) == check._NOTHING_TO_VERIFY
    for plugin in plugins.values():
        assert plugin.verify is ImageFile.ImageFile.verify
