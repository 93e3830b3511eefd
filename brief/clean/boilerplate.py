"""Why a line is dropped: the reason strings, and the rules that judge a line on its own by shape and phrase."""

from __future__ import annotations

import re

from brief.clean.text import _CLOSERS, _TERMINATORS

# Reasons a line is dropped (the strings ``brief inspect`` shows).
TITLE = "title"
DUPLICATE_HEADLINE = "duplicate headline"
DUPLICATE_LINE = "duplicate line"
PUBLISHER = "publisher"
SLOGAN = "site slogan"
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
REPEATED = "repeated across pages"
ADVERT = "advert"
SOCIAL = "follow-us prompt"
PROMO = "site promotion"
NEWSLETTER = "newsletter prompt"
COOKIE = "cookie notice"
COPYRIGHT = "copyright"
DISCLAIMER = "disclaimer"
TAGS = "tags"
SIGN_OFF = "wire sign-off"
LINK_LIST = "link list"

# --- boilerplate by line shape and phrase -----------------------------------------------------------------

_SHARE_WORD = (
    r"(?:facebook|twitter|linkedin|e-?mail|whatsapp|telegram|pinterest|reddit|messenger|print|share|tweet|"
    r"copy link|فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تلغرام|تيليجرام|لينكد ان|البريد الالكتروني|طباعه|مشاركه|"
    r"شارك الخبر|شارك المقال|شارك هذا المقال|شارك|انشر|ارسال|نسخ الرابط|العوده للاعلي|عوده للاعلي|x|"
    r"youtube|instagram|tiktok|snapchat|threads|يوتيوب|انستغرام|انستجرام|انستقرام|تيك توك|سناب شات|تلجرام|تليغرام|"
    r"partager|imprimer|envoyer)"
)
# "شارك عبر واتساب", "Share on Facebook": connectors between the share words are part of the bar.
_SHARE = re.compile(rf"^(?:{_SHARE_WORD}(?:[\s:|/·•,،\-]|(?<=\s)(?:عبر|علي|on|via|sur)(?=\s))*)+$")
_SEE_ALSO = re.compile(
    r"^(?:(?:شاهد|اقرا|طالع|انظر)\s*(?:ايضا|كذلك)|(?:read|see) also|read more|اقرا المزيد|"
    r"(?:a )?lire aussi|voir aussi|related\s*:)(?!\w)"
)
_LOADING = re.compile(r"^(?:loading|جار(?:ي)? التحميل)\s*(?:\.{0,3}|…)$")
_GLUED_CAMEL = re.compile(r"^(?:[A-Z][a-z]+){3,}$")
# Ta marbuta only ever ends a word; followed by a letter it means two menu labels ran together ("الرئيسيةأخبار").
_GLUED_ARABIC = re.compile(r"ة[\u0621-\u064a]")
_MENU_SEPARATOR = re.compile(r"\s+[|>»›/•·]\s+")
_LEADING_SYMBOLS = re.compile(r"^[^\w\"«“'(\[#©]+")  # "📌 تابع ...", "► اقرأ أيضا"
# Section names every news site has: a line made of several of them and nothing else is a menu bar.
_SECTION = re.compile(
    r"(?<!\w)(?:الرئيسيه|محليات|اقتصاد|رياضه|سياسه|ثقافه|فن|فنون|منوعات|تكنولوجيا|صحه|حوادث|عربي|دولي|العالم|"
    r"راي|مقالات|فيديو|فيديوهات|صور|اخبار|home|news|world|business|sport|sports|culture|opinion|lifestyle|"
    r"politics|economy|videos?|accueil|actualites?|actualité|nationale?|monde|economie|économie|politique|"
    r"société|societe|vidéos)(?!\w)"
)
_HOME = re.compile(r"^(?:الرئيسيه|الصفحه الرئيسيه|home|accueil)\s+[|>»›/•·]")
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
    r"(?:تصوير|عدسه|صوره|photo|photograph|image|credit)\s*:|photo ?:|file photo|in this photo)"
)
# "Oil storage tanks at Ceyhan port. Photo: AFP": a caption that ends with its credit.
_CAPTION_TAIL = re.compile(r"(?:^|[.\s])(?:photo|photograph|picture|image|credit|صوره|الصوره|تصوير)\s*:\s*[^.:]{1,40}$")
# "محطة وقود بالجيزة - أرشيفية", "(أرشيف المشرق)": Egyptian and Levantine sites mark stock photos so.
_CAPTION_ARCHIVE = re.compile(r"(?:^|[\s(\-–])(?:ارشيفيه|ارشيف [^\s()]+(?: [^\s()]+)?)\)?$|^\(ارشيف")
_CAPTION_CREDIT = re.compile(
    r"\([^()]*(?:صوره|تصوير|(?<!\w)ا ف ب(?!\w)|(?<!\w)ا ب(?!\w)|رويترز|الاناضول|اسوشيتد|getty|(?<!\w)afp(?!\w)|"
    r"reuters|(?<!\w)ap(?!\w)|(?<!\w)epa(?!\w)|anadolu|shutterstock|photo)[^()]*\)\s*\.?$"
)
_CREDIT_LINE = re.compile(r"^(?:©|\(c\) |getty ?images|[a-z0-9-]+\.(?:com|net|org|ru|tv|io|co)(?:\.[a-z]{2})?$)")
_BYLINE_WORD = (
    r"(?:الكاتب|الكاتبه|كتب|كتبت|كتبه|بقلم|اعداد|تحرير|المحرر|مراسل|حاوره|حاورته|حاورها|حوار|author|"
    r"written by|reporting by|by)(?![^\W\d_])"
)
_BYLINE_LABEL = rf"(?:{_BYLINE_WORD}\s*[:\-–—]|(?:بقلم|by)\s)"
_BYLINE = re.compile(rf"^{_BYLINE_LABEL}\s*\S")
_SOURCE = re.compile(r"^(?:المصدر|المصادر|source|sources)\s*:\s*\S")
# Whole-line navigation labels; a small table of the common ones (the nav *list* is found by shape).
_NAVIGATION = re.compile(
    r"^(?:مباشر|بث مباشر|البث المباشر|شاهد الفيديو|شاهد البث المباشر|اين يمكنك متابعتنا|تابعنا|تابعونا|"
    r"تابعونا علي|اقسام مهمه|الاقسام|الرئيسيه|القائمه|بحث|"
    r"اشترك|تسجيل الدخول|دخول|عاجل|english|français|العربيه|skip to (?:main )?content|تخطي الي المحتوي|"
    r"stories|home|menu|search|live|subscribe|sign in|log in|\d+ (?:خبر|اخبار|مقال|مقالات|قصه))\s*:?$"
)
# "منذ ساعتين", "3 hours ago": when the page was last touched, relative to the reader's clock.
_RELATIVE_TIME = re.compile(
    r"^(?:منذ (?:\d+ )?(?:دقيقه|دقيقتين|دقائق|ساعه|ساعتين|ساعات|يوم|يومين|ايام)|"
    r"\d+ (?:minutes?|mins?|hours?|days?) ago|(?:a|an) (?:minute|hour|day) ago)$"
)
# A heading after which the rest of the page is other articles or comments.
_RELATED = re.compile(
    r"^(?:اخبار ذات صله|مقالات ذات صله|مواضيع ذات صله|مواد ذات صله|اخبار متعلقه|اخبار مشابهه|المزيد من الاخبار|"
    r"الاكثر قراءه|الاكثر مشاهده|قد يهمك ايضا|قد يعجبك ايضا|ننصحك بقراءه|التعليقات|تعليقات القراء|"
    r"عن الكاتب|نبذه عن الكاتب|الاكثر تداولا|"
    r"related|related news|related articles|more stories|you may also like|comments|most read|most popular|"
    r"about the author)(?:\s*\(\d+\))?\s*:?$"
)
_PUBLISHER_WORDS = re.compile(
    r"(?<!\w)(?:وكاله|صحيفه|جريده|موقع|قناه|شبكه|اخبار|انباء|مجله|اذاعه|تلفزيون|بوابه|برس|نيوز|"
    r"news|agency|press|times|post|tv|radio|journal|herald|gazette|daily|network|media)(?!\w)"
)
_BULLET = re.compile(r"^(?:[-–—•·●▪◦■►*]|\d{1,2}[.)](?=\s))\s*")
_TERMINAL = re.compile(rf"[{re.escape(_TERMINATORS)}][{re.escape(_CLOSERS)}]*$")
_QUOTE_OPEN = "\"«“'"

# Site furniture that reads like a sentence, recognised by its phrases; each stays short of article length.
_ADVERT = re.compile(r"^(?:اعلان|اعلانات|مساحه اعلانيه|اضافه اعلان|اضف اعلان|advertisement|sponsored|publicité|ad)$")
_SOCIAL = re.compile(
    r"^(?:(?:تابعونا|تابعنا|تابعوا|follow us|follow)(?:\s|$)|(?:اعمل |اعملوا )?لايك (?:ل|علي )?(?:صفحتنا|صفحه)|"
    r"like (?:us|our page)|(?:انضم|انضموا|اشترك|اشتركوا)(?: الي| ل| في)? ?(?:قناتنا|قناه|مجموعتنا|مجموعه)|"
    r"join our)"
)
# "تابع قناة الموقع على واتساب", "للاشتراك في خدمة الأخبار عبر الواتساب أرسل ...": an invitation (no full stop)
# that names a channel. "تابع" alone also means "he went on", so the platform must be named.
_INVITE = re.compile(r"^(?:تابع|تابعوا|تابعونا|للاشتراك|لمتابعه|اشترك|انضم|انضموا|ارسل)(?:\s|$)")
_PLATFORM = re.compile(
    r"(?<!\w)(?:ال)?(?:واتساب|واتس اب|تليجرام|تيليجرام|تلغرام|تيليغرام|فيسبوك|فيس بوك|تويتر|يوتيوب|انستغرام|انستجرام|"
    r"تيك توك|نبض|جوجل نيوز|تطبيق|whatsapp|telegram|facebook|twitter|youtube|instagram|tiktok|google news)(?!\w)"
)
_PROMO = re.compile(
    r"(?:اضغط|انقر|اضغطوا) هنا|click here|tap here|^(?:حمل|حمّل|نزل|حملوا) تطبيق|^download (?:the|our) app"
)
# A newsletter box names the newsletter and asks for a sign-up (or is only its heading): "in tonight's news
# bulletin" (النشرة الإخبارية) in a sentence is neither.
_NEWSLETTER = re.compile(
    r"(?:النشره|النشرات) (?:البريديه|الاخباريه|اليوميه)|نشرتنا|القائمه البريديه|بريدك الالكتروني|newsletter|"
    r"inbox|your email"
)
_NEWSLETTER_ASK = re.compile(r"(?<!\w)(?:اشترك|اشتركوا|سجل|للاشتراك|ليصلك|بريدك|subscribe|sign up|inbox|your email)")
_COOKIE = re.compile(r"cookie|ملفات تعريف الارتباط|ملفات الارتباط|الكوكيز|كوكيز")
# ... and what a cookie banner asks, so a story about biscuits keeps its sentences.
_COOKIE_ASK = re.compile(
    r"نستخدم|يستخدم|استخدام|توافق|موافقتك|سياسه|تجربتك|we use|uses|agree|consent|accept|experience"
)
# Wording only a site's notice uses, and "all rights are kept", which a sentence may also say (see _copyright).
_COPYRIGHT = re.compile(
    r"all rights reserved|tous droits réservés|copyright (?:©|\(c\)|\d{4})|"
    r"(?:يمنع|يحظر|لا يجوز) (?:نسخ|اعاده نشر)[^.]*(?:المحتوي|المواد|الموقع|المقالات|الاخبار)|يسمح باعاده النشر"
)
_RIGHTS_KEPT = re.compile(r"جميع الحقوق محفوظه|الحقوق محفوظه ل")
_NOTICE = re.compile(r"©|\(c\)|(?<!\d)(?:19|20)\d\d(?!\d)")
_DISCLAIMER = re.compile(
    r"(?:تعبر|يعبر) عن (?:راي|اراء|وجهه نظر) (?:كاتبها|كتابها|اصحابها|صاحبها|الكاتب)|"
    r"لا (?:تعبر|يعبر) بالضروره عن|views expressed"
)
_TAGS = re.compile(
    r"^(?:الوسوم|وسوم|الكلمات المفتاحيه|كلمات مفتاحيه|الكلمات الدلاليه|كلمات دلاليه|مواضيع ذات علاقه|"
    r"tags|topics|keywords|mots-clés)(?:\s*:|$)"
)
_HASHTAGS = re.compile(r"^(?:#[^\s#]+\s*)+$")
# A wire agency's sign-off: editors' initials ("ع.م / ح.س") or "(انتهى)".
_SIGN_OFF = re.compile(r"^(?:\((?:انتهي|النهايه|end)\)|[^\W\d_]{1,2}(?:\s*[./]\s*[^\W\d_]{1,2}){1,5})$")
# lynx shows an image by its alt text or file name in brackets, and a frame by its address.
_IMAGE_PLACEHOLDER = re.compile(r"^\[[^\[\]]{1,80}\]$|^iframe:")


def _context_free_reason(text: str, key: str) -> str | None:
    """The reason to drop a line judged on its own, or None: marks and prompts, menus, notices and captions,
    then site furniture, in that order."""
    if not any(ch.isalnum() for ch in text):
        return SEPARATOR
    bare = _LEADING_SYMBOLS.sub("", _BULLET.sub("", key))
    words = len(text.split())
    return (
        _marked_reason(text, bare)
        or _menu_reason(text, bare, words)
        or _notice_reason(text, key, bare, words)
        or _furniture_reason(bare, words)
    )


def _marked_reason(text: str, bare: str) -> str | None:
    """A line its own words mark: share bars, "read also", loading prompts, comments, logos, adverts, images."""
    for reason, pattern in ((SHARE, _SHARE), (SEE_ALSO, _SEE_ALSO), (LOADING, _LOADING)):
        if pattern.match(bare):
            return reason
    if _COMMENT.search(bare):
        return COMMENT
    if _LOGO.match(text):
        return LOGO
    if _ADVERT.match(bare):
        return ADVERT
    if _IMAGE_PLACEHOLDER.match(bare):
        return IMAGE
    return None


def _menu_reason(text: str, bare: str, words: int) -> str | None:
    """A menu bar (labels glued together, a run of section names, short items between separators) or a
    breadcrumb."""
    if _glued(text):
        return MENU  # words run together: a menu bar that lost its markup
    if words >= 4 and not _TERMINAL.search(text) and len(_SECTION.findall(bare)) >= max(3, words // 2):
        return MENU  # "Accueil Nationale Monde Économie Sport", "الرئيسية محليات اقتصاد رياضة"
    items = _MENU_SEPARATOR.split(text)
    if len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items):
        return MENU  # "الرئيسية | أخبار | سياسة", "Home > World > Politics"
    if len(items) == 2 and _HOME.match(bare) and len(items[1].split()) <= 4:
        return NAVIGATION  # a breadcrumb: "الرئيسية » أخبار مصر"
    return None


def _notice_reason(text: str, key: str, bare: str, words: int) -> str | None:
    """Teasers, the copyright notice, photo captions and credits, bylines, source lines, relative times."""
    if _TEASER.search(key):
        return TEASER
    if words <= 25 and _copyright(bare):
        return COPYRIGHT  # before captions: "© 2025 ..." is the site's notice, "© Getty Images" a photo credit
    if _CAPTION_START.match(bare) or _CAPTION_CREDIT.search(bare) or _CREDIT_LINE.match(bare):
        return CAPTION
    if words <= 40 and _CAPTION_TAIL.search(bare):
        return CAPTION
    if words <= 8 and _CAPTION_ARCHIVE.search(bare) and not _TERMINAL.search(text):
        return CAPTION
    if words <= 8 and _BYLINE.match(bare):
        return BYLINE
    if words <= 8 and _SOURCE.match(bare):
        return SOURCE
    if _NAVIGATION.match(bare) or _RELATIVE_TIME.match(bare):
        return NAVIGATION
    return None


def _furniture_reason(key: str, words: int) -> str | None:
    """Site furniture known by its phrases: prompts to follow, subscribe or accept cookies, copyright, tags."""
    if words <= 15 and _SOCIAL.match(key):
        return SOCIAL
    if words <= 20 and _INVITE.match(key) and _PLATFORM.search(key) and not _TERMINAL.search(key):
        return SOCIAL
    if words <= 15 and _PROMO.search(key):
        return PROMO
    if _NEWSLETTER.search(key) and ((words <= 25 and _NEWSLETTER_ASK.search(key)) or words <= 4):
        return NEWSLETTER
    return _notice_furniture(key, words)


def _notice_furniture(key: str, words: int) -> str | None:
    """Cookie prompts, disclaimers, tag lists and sign-offs."""
    if words <= 60 and _COOKIE.search(key) and _COOKIE_ASK.search(key):
        return COOKIE
    if words <= 30 and _DISCLAIMER.search(key):
        return DISCLAIMER
    if (words <= 15 and _TAGS.match(key)) or _HASHTAGS.match(key):
        return TAGS
    if words <= 6 and _SIGN_OFF.match(key):
        return SIGN_OFF
    return None


def _copyright(key: str) -> bool:
    """The site's copyright notice; "وأكد أن جميع الحقوق محفوظة للمودعين." is a sentence, not one."""
    if _COPYRIGHT.search(key):
        return True
    return bool(_RIGHTS_KEPT.search(key) or "©" in key) and (not _TERMINAL.search(key) or bool(_NOTICE.search(key)))


def _glued(text: str) -> bool:
    """Menu labels that lost the spaces between them: "الرئيسيةأخبار مصرحوادث", "AccueilPolitiqueÉconomie"."""
    if _TERMINAL.search(text):
        return False
    if (len(text) >= 20 and text.isalpha()) or _GLUED_CAMEL.match(text):
        return True
    for token in text.split():
        if _GLUED_ARABIC.search(token):
            return True
        # Latin labels run together: three or more capitals inside one word, e.g. "AccueilPolitiqueÉconomie".
        inner = sum(1 for a, b in zip(token, token[1:]) if a.islower() and b.isupper())
        if token.isalpha() and inner >= 2:
            return True
    return False
