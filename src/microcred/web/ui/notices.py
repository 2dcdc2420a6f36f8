"""Confirmations shown after a form is handled (POST, redirect, GET with ``?notice=``).

Only these fixed keys are shown, so a link cannot put words of its own on a page.
``N_`` marks the texts for the gettext catalogue; the template translates them.
"""

from __future__ import annotations


def N_(text: str) -> str:  # the gettext name for "translate later"
    return text


NOTICES: dict[str, str] = {
    "welcome": N_("Your organisation is ready. Start by creating an achievement."),
    "achievement-created": N_("The achievement was saved as a draft."),
    "achievement-saved": N_("The achievement was saved."),
    "achievement-published": N_("The achievement was published: it can now be awarded."),
    "achievement-retired": N_("The achievement was retired: it can no longer be awarded."),
    "awarded": N_("The credential was issued and the recipient was emailed."),
    "revoked": N_("The credential was revoked."),
    "suspended": N_("The credential was suspended."),
    "reinstated": N_("The credential was reinstated."),
    "key-rotated": N_("A new signing key signs from now on; the old one still verifies."),
    "key-compromised": N_("The key was marked compromised."),
    "api-key-revoked": N_("The API key was revoked."),
    "member-added": N_("The member was added."),
    "member-changed": N_("The member's role was changed."),
    "member-removed": N_("The member was removed."),
    "settings-saved": N_("The settings were saved."),
}
