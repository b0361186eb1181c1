"""Residents' comments and staff replies carry the language they are written in (`lang`), so that a screen
reader reads an English comment on a /zh/ page in an English voice, and a Chinese reply on an /en/ page in a
Chinese one. Mixed or unclear text gets no attribute: the page's language stands."""
from __future__ import annotations

import re

import pytest

from portal.i18n import language_of


@pytest.mark.parametrize("text, tag", [
    ("楼道里的电动自行车什么时候能有地方充电？", "zh-Hans"),
    ("小区的APP不好用，三号楼的电梯也常常停。", "zh-Hans"),  # one English word in a Chinese sentence
    ("樓道裡的電動自行車什麼時候能有地方充電？", "zh-Hant"),  # the same question in Traditional characters
    ("小區的APP不好用，三號樓的電梯也常常停。", "zh-Hant"),
    ("大家好", "zh"),  # characters both scripts write alike: the script is not guessed
    ("請問后面的电梯", "zh"),  # both scripts in one text
    ("Please add a bench near the lift.", "en"),
    ("The lift at 3号楼 has been broken since March.", "en"),  # a place as the notice names it
    ("The lift at 幸福小区 is broken", None),
    ("电梯 elevator 坏了 broken", None),
    ("123 !!", None),
    ("", None),
    (None, None),
])
def test_the_language_of_a_text_is_told_only_when_it_is_clear(text, tag):
    assert language_of(text) == tag


def test_comments_and_replies_carry_their_language_on_the_page(app, client):
    from portal.services import feedback
    from portal.services.auth import create_staff

    with app.app_context():
        staff = create_staff("language-staff", "correct horse battery staple", "admin")
        english = feedback.submit("2.3", body="Please add a bench near the lift, my mother cannot stand long.",
                                  kind="suggestion", ip="192.0.2.21", lang="en").feedback
        feedback.approve(english, staff, reply="已转交物业，十一月底前在电梯口增设座椅。")
        mixed = feedback.submit("2.3", body="电梯 elevator 坏了 broken, please fix", kind="question", ip="192.0.2.22",
                                lang="zh").feedback
        feedback.approve(mixed, staff)
        code = english.tracking_code

    page = client.get("/zh/plans/2023-city-management/items/2.3").get_data(as_text=True)
    assert re.search(r'<p class="comment-body" lang="en">Please add a bench', page)
    assert re.search(r'<p lang="zh-Hans">已转交物业', page)
    assert re.search(r'<p class="comment-body">电梯 elevator', page)
    tracked = client.get(f"/en/feedback/{code}").get_data(as_text=True)
    assert re.search(r'<p class="comment-body" lang="en">Please add a bench', tracked)
    assert re.search(r'<p lang="zh-Hans">已转交物业', tracked)


def test_staff_see_each_comment_in_its_own_language(app, staff_client):
    """The moderation queue and a comment's staff page mark a comment's language as public pages do: the back
    office is in Chinese for most staff, and an English comment read there with a Chinese voice is noise."""
    from feedback_support import submit_direct

    fid, _code = submit_direct(app, body="Please add a bench near the lift, my mother cannot stand long.", lang="en")
    moderator = staff_client("moderator")
    for address in ("/staff/moderation", f"/staff/feedback/{fid}"):
        page = moderator.get(address).get_data(as_text=True)
        assert re.search(r'<p class="comment-body published-text" lang="en">Please add a bench', page), address
