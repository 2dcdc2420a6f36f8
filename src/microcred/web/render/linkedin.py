"""LinkedIn's "Add to profile" link for a certification.

A plain URL with query parameters: opening it shows the signed-in member LinkedIn's
"Add licence or certification" form, filled in.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def add_to_profile_url(
    *,
    name: str,
    organisation: str,
    issued: date,
    expires: date | None,
    cert_url: str,
    cert_id: str,
    organisation_id: str | None = None,
) -> str:
    """The link that pre-fills a certification on the member's LinkedIn profile.

    With ``organisation_id`` (a LinkedIn company page id) LinkedIn links the certification
    to that page and ``organisation`` is not sent; without it the name is shown as text.
    The expiry is left out when the credential does not expire.
    """
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", name)]
    if organisation_id is not None:
        params.append(("organizationId", organisation_id))
    else:
        params.append(("organizationName", organisation))
    params += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if expires is not None:
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    # quote (spaces as %20), not urlencode's default quote_plus ("+"): unambiguous to any
    # reader of the URL, form decoder or not.
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"
