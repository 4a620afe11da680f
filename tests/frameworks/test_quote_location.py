"""Finding a quote in its source's text, and the passage nearest to one that is not there."""

from hypothesis import given
from hypothesis import strategies as st

from frameworks.quote_location import CONTEXT_CHARACTERS, Location, locate, nearest_passage

DOCUMENT = """Flask is a lightweight WSGI web application framework. It is designed
to make getting started quick and easy, with the ability to scale up to
complex applications. See the ``flask`` command and :doc:`/quickstart`."""


def test_a_quote_is_found_across_line_breaks_with_a_few_words_either_side():
    assert locate("designed to make   getting started\nquick", DOCUMENT) == Location(
        prefix="WSGI web application framework. It is ",
        exact="designed to make getting started quick",
        suffix=" and easy, with the ability to",
    )


def test_a_quote_at_the_start_has_no_prefix_and_one_at_the_end_no_suffix():
    assert locate("Flask is a lightweight", DOCUMENT).prefix == ""
    assert locate("and :doc:`/quickstart`.", DOCUMENT).suffix == ""


def test_a_quote_copied_from_the_rendered_page_is_found_without_its_markup():
    found = locate("See the flask command and quickstart.", DOCUMENT)
    assert found is not None and found.exact == "See the flask command and quickstart."


def test_a_quote_not_in_the_text_is_not_found_and_a_blank_one_never_is():
    assert locate("Flask is a heavyweight WSGI framework.", DOCUMENT) is None
    assert locate("  \n ", DOCUMENT) is None


def test_the_context_is_capped_when_the_words_are_long():
    long_word = "x" * 500
    found = locate("quote", f"{long_word} quote {long_word}")
    assert len(found.prefix) == len(found.suffix) == CONTEXT_CHARACTERS


def test_the_nearest_passage_is_the_one_the_misquote_was_made_from():
    misquote = "It is designed to make getting started fast and easy, with the ability"
    assert nearest_passage(misquote, DOCUMENT) == (
        "It is designed to make getting started quick and easy, with the ability"
    )


def test_no_nearest_passage_when_no_word_is_shared():
    assert nearest_passage("Zebras gallop", DOCUMENT) == ""


WORDS = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "x"]), min_size=1, max_size=40)


@given(WORDS, st.data())
def test_any_run_of_words_from_the_text_is_found_and_its_context_surrounds_it(words, data):
    document = " ".join(words)
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    found = locate(" ".join(words[start:end]), document)
    assert found is not None
    assert f"{found.prefix}{found.exact}{found.suffix}" in document


def test_a_quote_is_never_a_piece_cut_out_of_a_word():
    assert locate("q", "quick and easy") is None
    assert locate("and eas", "quick and easy") is None
    assert locate("ick and", "quick and easy") is None
    assert locate("and easy", "quick and easy, and easy enough").suffix == ", and easy enough"
    assert locate("(quick)", "it is(quick)!") is not None, "punctuation may touch the text around it"
