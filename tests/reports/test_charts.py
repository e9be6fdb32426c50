"""The attendance chart's labels: wrapped whole, at most three lines, and the text stays the label."""

from vc_service.reports.charts import LABEL_CHARS, LABEL_LINES, label_lines


def test_a_long_label_wraps_at_its_spaces_and_reads_as_the_label():
    label = "2026-12-02 Healthcare SIG — general meeting: journal club on the sepsis guidelines"
    lines = label_lines(label)
    assert "".join(lines) == label and len(lines) == 3
    assert all(len(line.rstrip()) <= LABEL_CHARS for line in lines)


def test_a_label_past_three_lines_ends_in_an_ellipsis():
    lines = label_lines("2026-12-02 " + "word " * 40)
    assert len(lines) == LABEL_LINES and lines[-1].endswith("…")
    assert label_lines("x") == ["x"] and label_lines("W" * 45) == ["W" * 34, "W" * 11]
