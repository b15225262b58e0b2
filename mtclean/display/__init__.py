"""Showing a person what mtclean changed and why: a terminal summary and an HTML review page.

Both are displays, built by pure functions from the records ``mtclean clean`` writes (the
``mtclean`` field / ``.mtclean.json`` sidecar, see ``mtclean.serialize.mtclean_field``) and the
text as read; the CLI only prints or writes what they return.
"""

from mtclean.display.entries import DocumentView, Entry, document_view

__all__ = ["DocumentView", "Entry", "document_view"]
