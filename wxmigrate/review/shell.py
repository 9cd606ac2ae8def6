"""The frame of every review page: its head, its inline style, and a policy that lets
the browser load nothing but the page's own images.

The style is inline and there is no script: a review is opened from disk, offline,
and must look the same anywhere.  The Content-Security-Policy is a second line of
defence behind the sanitising: should a post's markup ever slip through, the browser
still refuses scripts, frames and anything from another host.
"""

from __future__ import annotations

import html

#: Images from the page's own folder tree (``file:`` when opened from disk), inline style, nothing else.
POLICY = "default-src 'none'; img-src 'self' file:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
body { font: 15px/1.6 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 1.5em; color: #1f2328; }
h1 { font-size: 1.5em; margin: .2em 0; } h2 { font-size: 1.15em; }
code, pre { font-family: ui-monospace, monospace; font-size: .9em; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: .3em .6em; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
.facts, .back { color: #57606a; margin: .2em 0; }
.problems { background: #fff1f0; border: 1px solid #cf222e; padding: .2em 1em; margin: 1em 0; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em; }
.column { min-width: 0; } .column h2 { border-bottom: 2px solid #d0d7de; }
.row { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: .8em; border-top: 1px dotted #d0d7de; }
.row.changed .block { background: #fff8c5; }
.block { min-width: 0; overflow-wrap: anywhere; }
.changes ol { margin: .3em 0; padding-left: 1.4em; font-size: .85em; }
.changes li { margin-bottom: .4em; }
.rule { font-weight: 600; font-family: ui-monospace, monospace; } .line { color: #57606a; }
del { background: #ffebe9; } ins { background: #dafbe1; text-decoration: none; }
.front-matter { background: #f6f8fa; padding: .4em; white-space: pre-wrap; }
.image { display: inline-block; vertical-align: top; margin: .2em; padding: .2em; border: 2px solid #1a7f37; max-width: 14em; }
.image img { display: block; max-width: 12em; max-height: 9em; }
.image-status { display: block; font-size: .75em; font-weight: 600; }
.image-box { display: block; min-width: 8em; padding: .4em; font-size: .8em; overflow-wrap: anywhere; background: #f6f8fa; }
.image-ok .image-status { color: #1a7f37; }
.image-remote, .image-unchecked, .image-media { border: 2px dashed #9a6700; } .image-remote .image-status { color: #9a6700; }
.image-missing, .image-empty, .image-undecodable, .image-unsafe, .image-bomb, .image-refused { border: 3px solid #cf222e; }
.image-missing .image-status, .image-empty .image-status, .image-undecodable .image-status,
.image-unsafe .image-status, .image-bomb .image-status, .image-refused .image-status { color: #cf222e; }
.image-mismatched, .image-truncated { border: 2px solid #9a6700; }
.problem { color: #cf222e; font-weight: 600; }
.absent { color: #57606a; font-style: italic; }
"""


def page(title: str, body: str) -> str:
    """A whole review page around ``body`` (already safe HTML)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="wxmigrate review">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
