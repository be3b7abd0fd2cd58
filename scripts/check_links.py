#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
"""Checks the links mkdocs does not: anchors, and the README's links.

  scripts/check_links.py build/site README.md

mkdocs build --strict fails on a link to a missing page, but not on a link to
a missing heading (page.md#no-such-heading), and it does not read the
README. This walks the built site and checks that every internal link's page
exists and, when it names a fragment, that the page has an element with that
id; then that every relative link of the README names a file of the
repository, and, for a docs page with a fragment, a heading the built page
has (mkdocs and GitHub derive the same ids from plain headings). Exits 1 and
lists every dead link."""

import html.parser
import os
import re
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    return page


def page_file(site, path):
    """The HTML file a site path names (a directory means its index.html)."""
    full = os.path.normpath(os.path.join(site, path))
    return os.path.join(full, "index.html") if os.path.isdir(full) else full


def main(site, readme):
    pages = {}
    for root, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(root, name)
                pages[os.path.normpath(path)] = parse(path)
    dead = []

    def check(where, target_file, fragment, shown):
        target = pages.get(os.path.normpath(target_file))
        if target is None and not os.path.exists(target_file):
            dead.append(f"{where}: {shown}: no such page or file")
        elif fragment and (target is None or fragment not in target.ids):
            dead.append(f"{where}: {shown}: no heading or element with id '{fragment}'")

    for path, page in pages.items():
        for href in page.links:
            url = urllib.parse.urlsplit(href)
            if url.scheme or url.netloc or href.startswith("mailto:"):
                continue
            fragment = urllib.parse.unquote(url.fragment)
            where = urllib.parse.unquote(url.path)
            if not where:
                target = path
            elif where.startswith("/"):  # the 404 page links from the site's root
                target = page_file(site, where.lstrip("/") or ".")
            else:
                target = page_file(os.path.dirname(path), where)
            check(os.path.relpath(path, site), target, fragment, href)

    with open(readme, encoding="utf-8") as f:
        text = f.read()
    # Code blocks may hold brackets that are not links.
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    top = os.path.dirname(os.path.abspath(readme))
    for href in re.findall(r"\]\(([^)\s]+)\)", text):
        url = urllib.parse.urlsplit(href)
        if url.scheme or url.netloc:
            continue
        fragment = urllib.parse.unquote(url.fragment)
        if not url.path:
            continue  # the README's own headings: GitHub's ids, not checked here
        file = os.path.normpath(os.path.join(top, urllib.parse.unquote(url.path)))
        if not os.path.exists(file):
            dead.append(f"{readme}: {href}: no such file")
            continue
        docs = os.path.join(top, "docs")
        if fragment and file.endswith(".md") and file.startswith(docs + os.sep):
            built = page_file(site, os.path.relpath(file, docs)[: -len(".md")])
            check(readme, built, fragment, href)

    for line in dead:
        print(line, file=sys.stderr)
    print(f"checked the links of {len(pages)} pages and {readme}: {len(dead)} dead")
    return 1 if dead else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
