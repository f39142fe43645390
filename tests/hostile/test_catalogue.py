"""The hostile catalogue itself: big enough and covering every category the issue lists."""

from __future__ import annotations

from tests.hostile.catalogue import CATALOGUE, CATEGORIES, HUGE, HUGE_SIZES, SHORT, sample

REQUIRED = {"sql", "html_js", "template", "control", "bidi", "zero_width", "combining", "emoji", "astral",
            "surrogate", "whitespace", "format", "path", "csv", "json", "normalisation", "number", "null_word",
            "huge"}


def test_at_least_300_strings_in_every_category():
    assert len(CATALOGUE) >= 300
    assert REQUIRED <= CATEGORIES
    assert len({h.text for h in CATALOGUE}) == len(CATALOGUE)  # no duplicates


def test_controls_cover_c0_del_and_c1():
    texts = "".join(h.text for h in SHORT if h.category == "control")
    assert all(chr(c) in texts for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])


def test_huge_strings_have_the_announced_sizes():
    assert sorted({len(h.text) for h in HUGE}) == sorted(HUGE_SIZES)


def test_sample_spreads_over_categories():
    picked = sample(60)
    assert len(picked) == 60 and {h.category for h in picked} == CATEGORIES - {"huge"}
