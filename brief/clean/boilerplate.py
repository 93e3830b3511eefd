"""Why a line is dropped: the reason strings, and the rules that judge a line on its own by shape and phrase."""

from __future__ import annotations

import re

from brief.clean.text import _CLOSERS, _TERMINATORS

# Reasons a line is dropped (the strings ``brief inspect`` shows).
TITLE = "title"
DUPLICATE_HEADLINE = "duplicate headline"
DUPLICATE_LINE = "duplicate line"
PUBLISHER = "publisher"
DATELINE = "dateline"
LOGO = "site logo"
TEASER = "site teaser"
SHARE = "share line"
SEE_ALSO = "see-also headline"
RELATED = "related-news block"
LOADING = "loading placeholder"
MENU = "menu"
NAVIGATION = "navigation"
COMMENT = "comment prompt"
CAPTION = "photo caption"
BYLINE = "byline"
SOURCE = "source credit"
SEPARATOR = "separator"
SUBHEADING = "subheading"
IMAGE = "image"

# --- boilerplate by line shape and phrase -----------------------------------------------------------------

_SHARE_WORD = (
    r"(?:facebook|twitter|linkedin|e-?mail|whatsapp|telegram|pinterest|reddit|messenger|print|share|tweet|"
    r"copy link|فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تلغرام|تيليجرام|لينكد ان|البريد الالكتروني|طباعه|مشاركه|"
    r"شارك الخبر|شارك المقال|شارك هذا المقال|شارك|انشر|ارسال|نسخ الرابط|العوده للاعلي|عوده للاعلي|x)"
)
_SHARE = re.compile(rf"^(?:{_SHARE_WORD}[\s:|/·•,،\-]*)+$")
_SEE_ALSO = re.compile(r"^(?:(?:شاهد|اقرا|طالع|انظر)\s*(?:ايضا|كذلك)|(?:read|see) also|read more|اقرا المزيد)(?!\w)")
_LOADING = re.compile(r"^(?:loading|جار(?:ي)? التحميل)\s*(?:\.{0,3}|…)$")
_GLUED_CAMEL = re.compile(r"^(?:[A-Z][a-z]+){3,}$")
_MENU_SEPARATOR = re.compile(r"\s+[|>»›/•·]\s+")
_COMMENT = re.compile(
    r"^(?:(?:اضافه|اضف|اكتب|ارسل|شاركنا)\s+(?:تعليق|تعليقك|رايك)|اكتب ناتج|"
    r"(?:leave|add|post|write) a comment|captcha)|(?:ناتج|=)\s*\d+\s*[+×x*-]\s*\d+"
)
_LOGO = re.compile(r"^(?P<name>.{2,60}?)\s+logo$|^(?:شعار|لوجو)\s+(?P<name2>.{2,60})$", re.IGNORECASE)
_TEASER = re.compile(
    r"(?:تفاصيل اكثر|المزيد من التفاصيل|تابع(?:وا)? التفاصيل|اقرا التفاصيل|اقرا المزيد|التفاصيل كامله)"
    r" (?:علي|عبر|في موقع) (?P<site>[^.!؟]{2,40})[.!]?$"
)
_CAPTION_START = re.compile(
    r"^(?:في هذه الصوره|تظهر (?:هذه )?الصوره|صوره ارشيفيه|صوره من|الصوره ?:|من اليسار ?:|من اليمين ?:|"
    r"photo ?:|file photo|in this photo)"
)
_CAPTION_CREDIT = re.compile(
    r"\([^()]*(?:صوره|تصوير|(?<!\w)ا ف ب(?!\w)|(?<!\w)ا ب(?!\w)|رويترز|الاناضول|اسوشيتد|getty|(?<!\w)afp(?!\w)|"
    r"reuters|(?<!\w)ap(?!\w)|(?<!\w)epa(?!\w)|anadolu|shutterstock|photo)[^()]*\)\s*\.?$"
)
_CREDIT_LINE = re.compile(r"^(?:©|\(c\) |getty ?images|[a-z0-9-]+\.(?:com|net|org|ru|tv|io|co)(?:\.[a-z]{2})?$)")
_BYLINE = re.compile(
    r"^(?:(?:الكاتب|الكاتبه|كتب|كتبت|بقلم|اعداد|تحرير|المحرر|مراسل|author|written by)\s*:|(?:بقلم|by)\s)\s*\S"
)
_SOURCE = re.compile(r"^(?:المصدر|المصادر|source|sources)\s*:\s*\S")
# Whole-line navigation labels; a small table of the common ones (the nav *list* is found by shape).
_NAVIGATION = re.compile(
    r"^(?:مباشر|بث مباشر|اين يمكنك متابعتنا|تابعنا|تابعونا|تابعونا علي|اقسام مهمه|الاقسام|الرئيسيه|القائمه|بحث|"
    r"stories|home|menu|search|live|\d+ (?:خبر|اخبار|مقال|مقالات|قصه))\s*:?$"
)
# A heading after which the rest of the page is other articles or comments.
_RELATED = re.compile(
    r"^(?:اخبار ذات صله|مقالات ذات صله|مواضيع ذات صله|مواد ذات صله|اخبار متعلقه|اخبار مشابهه|المزيد من الاخبار|"
    r"الاكثر قراءه|الاكثر مشاهده|قد يهمك ايضا|قد يعجبك ايضا|ننصحك بقراءه|التعليقات|تعليقات القراء|"
    r"related|related news|related articles|more stories|you may also like|comments)\s*:?$"
)
_PUBLISHER_WORDS = re.compile(
    r"(?<!\w)(?:وكاله|صحيفه|جريده|موقع|قناه|شبكه|اخبار|انباء|مجله|اذاعه|تلفزيون|بوابه|برس|نيوز|"
    r"news|agency|press|times|post|tv|radio|journal|herald|gazette|daily|network|media)(?!\w)"
)
_BULLET = re.compile(r"^(?:[-–—•·●▪◦■►*]|\d{1,2}[.)](?=\s))\s*")
_TERMINAL = re.compile(rf"[{re.escape(_TERMINATORS)}][{re.escape(_CLOSERS)}]*$")
_QUOTE_OPEN = "\"«“'"


def _context_free_reason(text: str, key: str) -> str | None:
    """The reason to drop a line judged on its own, or None."""
    if not any(ch.isalnum() for ch in text):
        return SEPARATOR
    bare = _BULLET.sub("", key)
    if _SHARE.match(bare):
        return SHARE
    if _SEE_ALSO.match(bare):
        return SEE_ALSO
    if _LOADING.match(bare):
        return LOADING
    if _COMMENT.search(bare):
        return COMMENT
    if _LOGO.match(text):
        return LOGO
    if (len(text) >= 20 and text.isalpha()) or _GLUED_CAMEL.match(text):
        return MENU  # words run together: a menu bar that lost its markup
    items = _MENU_SEPARATOR.split(text)
    if len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items):
        return MENU  # "الرئيسية | أخبار | سياسة", "Home > World > Politics"
    if _TEASER.search(key):
        return TEASER
    if _CAPTION_START.match(bare) or _CAPTION_CREDIT.search(bare) or _CREDIT_LINE.match(bare):
        return CAPTION
    words = len(text.split())
    if words <= 8 and _BYLINE.match(bare):
        return BYLINE
    if words <= 8 and _SOURCE.match(bare):
        return SOURCE
    if _NAVIGATION.match(bare):
        return NAVIGATION
    return None
