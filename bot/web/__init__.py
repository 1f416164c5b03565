"""The web dashboard's runtime: sessions, sign-in, CSRF, rendering, the page registry, SSE.

It knows no feature: each feature declares its pages in ``handlers/<feature>/web.py`` with a
:class:`bot.web.pages.WebPages`, and bot/app.py mounts them (docs/web.md).
"""
