"""The shared list of hostile vectors: script-capable markup in every place a post can hold it.

Both outputs are tested against this one list: ``test_markdown_safety`` renders
the emitted Markdown as a permissive engine would (raw HTML passed through, any
link scheme followed) and ``test_html_safety`` checks :func:`wxmigrate.to_html`.

A :class:`Vector` is a whole post: a generic one (no exporter wrote it) or a
WeChat one (the repost note and front matter of ``fixtures/demo-site``, which
make the parser read it in the ``wechat-jekyll`` dialect), holding one payload
in one place, with the sentences a reader must still see.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs


@attrs.frozen
class Vector:
    """One hostile post: an id, the place the payload sits in, the Markdown, what stays visible."""

    id: str
    place: str
    wechat: bool
    text: str
    visible: tuple[str, ...] = ()


#: URLs that run script when followed, disguised as browsers still read them.
SCRIPT_URLS: dict[str, str] = {
    "plain": "javascript:alert(1)",
    "mixed-case": "JaVaScRiPt:alert(1)",
    "decimal-entity": "&#106;avascript:alert(1)",
    "hex-entity": "&#x6A;avascript:alert(1)",
    "tab-entity": "java&#x09;script:alert(1)",
    "newline-entity": "java&#10;script:alert(1)",
    "colon-entity": "javascript&colon;alert(1)",
    "vbscript": "VBScript:msgbox(1)",
    "livescript": "livescript:alert(1)",
    "data-html": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
}
#: The same, as a Markdown link destination must write the ones with spaces or controls.
SPACED_URLS: dict[str, str] = {
    "leading-space": "< \t javascript:alert(1)>",
    "control-char": "<\x01javascript:alert(1)>",
    "data-html-raw": "<DATA:text/html,<script>alert(1)</script>>",
}

#: Raw HTML payloads (a block of their own, or inline in a sentence).
RAW_HTML: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "script-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "base": '<base href="javascript:alert(1)//">',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-slash": "<svg/onload=alert(1)>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">点我</text></a></svg>',
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-mixed-case": "<IMG SRC=x OnError=alert(1)>",
    "img-unclosed": '<div><img src="x" onerror="alert(1)"</div>',
    "img-src-script": '<img src=" JaVaScRiPt:alert(1)">',
    "a-script": '<a href="javascript:alert(1)">链接</a>',
    "a-entity": '<a href="&#x6A;avascript&#x3A;alert(1)">链接</a>',
    "a-tab": '<a href="java&#x09;script:alert(1)">链接</a>',
    "a-control": '<a href=" &#14;  javascript:alert(1)">链接</a>',
    "a-leading-newline": '<a href="\n\t javascript:alert(1)">链接</a>',
    "a-data": '<a href="data:text/html;base64,PHNjcmlwdD4=">链接</a>',
    "a-vbscript": "<a href='vbscript:msgbox(1)'>链接</a>",
    "math": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">公式</maction></math>',
    "style-expression": "<style>p{width:expression(alert(1))}</style>",
    "style-attribute": '<span style="width: expression(alert(1))">样式</span>',
    "style-css-escape": '<span style="width: ex\\pression(alert(1))">样式</span>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><input type="submit" value="提交"></form>',
    "formaction": '<button formaction="javascript:alert(1)">按钮</button>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "split-script": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "unclosed-script": "<script>alert(1)",
    "script-in-comment": "<!-- <script>alert(1) -->",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>详情</summary></details>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "video-poster": '<video poster="javascript:alert(1)" src="/v.mp4"></video>',
    "link-stylesheet": '<link rel="stylesheet" href="javascript:alert(1)">',
    "table-background": '<table background="javascript:alert(1)"><tr><td>格</td></tr></table>',
}
#: Payloads that only an HTML block carries (inline, CommonMark reads them as text).
BLOCK_ONLY = frozenset({"img-unclosed"})


def _generic(body: str, front: str = "") -> str:
    return (f"---\n{front}---\n\n" if front else "") + body + "\n"


_WECHAT_FRONT = "layout: post\ntitle: 春耕时节\ndate: 2022-03-05\nauthor: 转载\n"
_REPOST = "<blockquote><p>转载：田间地头<br>\n来源：微信公众号</p></blockquote>"


def _wechat(body: str, front: str = _WECHAT_FRONT, repost: str = _REPOST) -> str:
    return f"---\n{front}---\n\n{repost}\n\n{body}\n"


def _both(name: str, place: str, body: str, visible: tuple[str, ...]) -> Iterator[Vector]:
    yield Vector(f"generic-{place}-{name}", place, False, _generic(body), visible)
    yield Vector(f"wechat-{place}-{name}", place, True, _wechat(body), visible)


def _body_vectors() -> Iterator[Vector]:
    for name, markup in RAW_HTML.items():
        # An unclosed <script> runs to the end, in CommonMark and in a browser: nothing after it shows.
        after = () if name == "unclosed-script" else ("结尾一句。",)
        yield from _both(name, "html-block", f"开头一句。\n\n{markup}\n\n结尾一句。", ("开头一句。", *after))
        if name not in BLOCK_ONLY:
            yield from _both(name, "inline", f"第一句{markup}之后。", ("第一句",))
    for name, url in {**SCRIPT_URLS, **SPACED_URLS}.items():
        yield from _both(name, "link", f"请[点这里报名]({url})。", ("请点这里报名。",))
        yield from _both(name, "image", f"![示意图]({url})", ())
    for name, url in SCRIPT_URLS.items():
        if "&" not in url:  # an autolink holds no entities: they would be read as they stand
            yield from _both(name, "autolink", f"地址：<{url}>", ("地址：",))
        yield from _both(name, "reference", f"请[点这里][报名]。\n\n[报名]: {url}", ("请点这里。",))
    alts = {"script": "<script>alert(1)</script>", "img-onerror": "<img src=x onerror=alert(1)>"}
    for name, alt in alts.items():
        yield from _both(name, "alt", f"![图{alt}](/a.png)", ())


def _front_matter_vectors() -> Iterator[Vector]:
    values = {
        "title": "title: 恶意</title><script>alert(1)</script>\n",
        "description": "description: '\"><script>alert(1)</script>'\n",
        "img-onerror": "title: 春耕\nsubtitle: <img src=x onerror=alert(1)>\n",
        "list": "title: 春耕\ntags:\n  - <svg onload=alert(1)>\n  - 社区\n",
        "nested": "title: 春耕\nwechat:\n  account:\n    name: <script>alert(1)</script>\n",
    }
    for name, front in values.items():
        yield Vector(f"generic-front-matter-{name}", "front-matter", False, _generic("正文一句。", front), ("正文一句。",))
        wechat_front = _WECHAT_FRONT.replace("title: 春耕时节\n", "") + front
        yield Vector(f"wechat-front-matter-{name}", "front-matter", True, _wechat("正文一句。", wechat_front), ("正文一句。",))


def _wechat_part_vectors() -> Iterator[Vector]:
    reposts = {
        "script": "<blockquote><p>转载：田间<script>alert(1)</script>地头<br>\n来源：微信公众号</p></blockquote>",
        "img-onerror": "<blockquote><p>转载：田间地头<img src=x onerror=alert(1)><br>\n来源：微信公众号</p></blockquote>",
        "a-script": '<blockquote><p>转载：<a href="javascript:alert(1)">田间地头</a><br>\n来源：微信公众号</p></blockquote>',
        "onmouseover": '<blockquote onmouseover="alert(1)"><p>转载：田间地头<br>\n来源：微信公众号</p></blockquote>',
    }
    for name, repost in reposts.items():
        yield Vector(f"wechat-repost-{name}", "repost", True, _wechat("正文一句。", repost=repost), ("正文一句。",))
    cards = {
        "account-script": "[梧桐社区服务站]\n**梧桐社区服务站**\n微信号wutong_service\n功能介绍便民<script>alert(1)</script>服务窗口。",
        "account-img": "[梧桐社区服务站]\n**梧桐社区服务站<img src=x onerror=alert(1)>**\n微信号wutong_service\n功能介绍便民服务窗口。",
        "account-link": "[梧桐社区服务站](javascript:alert(1))\n**梧桐社区服务站**\n微信号wutong_service\n功能介绍便民服务窗口。",
        "original-svg": "以下文章来源于青禾<svg onload=alert(1)>农技，作者青禾农技\n![](http://wx.qlogo.cn/mmhead/a/0)**青禾农技**.\n分享种植技术。",
        "original-avatar": "以下文章来源于青禾农技，作者青禾农技\n![](javascript:alert(1))**青禾农技**.\n分享<a href=\"javascript:alert(1)\">种植</a>技术。",
    }
    for name, card in cards.items():
        yield Vector(f"wechat-card-{name}", "card", True, _wechat(card + "\n\n正文一句。"), ("正文一句。",))


#: Every vector, generic and WeChat, in every place.
VECTORS: tuple[Vector, ...] = (*_body_vectors(), *_front_matter_vectors(), *_wechat_part_vectors())

assert len({vector.id for vector in VECTORS}) == len(VECTORS), "vector ids must be unique"
