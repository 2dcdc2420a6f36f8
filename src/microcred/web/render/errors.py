"""The error raised for an image upload that cannot be accepted."""

from __future__ import annotations


class ImageRejected(ValueError):
    """An uploaded image was refused.

    The message is one sentence a user can act on, for example "the SVG contains a
    <script> element, which is not allowed".
    """
