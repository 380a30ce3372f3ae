from reviews.snapshots import markdown_html, search_text


def test_a_list_straight_under_a_sentence_renders_as_a_list():
    html = markdown_html("Causes include:\n- cold\n- strain\n\n1. first\n2. second")
    assert "<ul>\n<li>cold</li>\n<li>strain</li>\n</ul>" in html
    assert "<ol>" in html


def test_markup_is_sanitized_to_a_small_allow_list():
    html = markdown_html('<img src=x onerror="alert(1)"> <a href="javascript:x">a</a> **b**')
    assert "<img" not in html and "onerror" not in html and "javascript:" not in html
    assert "<strong>b</strong>" in html


def test_search_text_is_casefolded_words_without_markup():
    payload = {
        "title": "Судороги НОГ",
        "sections": [{"key": "causes", "html": "<p>Cold &amp; Heat</p>"}],
    }
    assert search_text(payload) == "судороги ног cold & heat"


def test_one_line_texts_are_stored_as_real_characters_without_markup():
    from reviews.snapshots import plain

    assert plain("Cramps <b>&</b> spasms < 5") == "Cramps & spasms < 5"


def test_search_folding_ignores_case_accents_arabic_vowel_marks_and_yo():
    from reviews.snapshots import fold

    assert fold("فورًا") == fold("فورا")
    assert fold("أقراص") == fold("اقراص")
    assert fold("Ёлка") == fold("елка")
    assert fold("Calambres MUSCULARES") == fold("calambres musculares")
    assert fold("músculo") == fold("musculo")
