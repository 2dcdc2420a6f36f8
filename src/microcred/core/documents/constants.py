"""Context URLs and type names of the data models this package knows."""

from __future__ import annotations

import re

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

#: The Open Badges 3.0 context microcred issues with (the published 3.0.3 version).
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: 1EdTech's small context that defines ``1EdTechJsonSchemaValidator2019`` and friends.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
#: The CLR 2.0 context microcred issues with.
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

#: Any version of the OB 3.0 context (``context.json``, ``context-3.0.3.json``, ...).
OB_CONTEXT_PATTERN = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(?:-3\.\d+\.\d+)?\.json"
)
#: Any version of the CLR 2.0 context.
CLR_CONTEXT_PATTERN = re.compile(
    r"https://purl\.imsglobal\.org/spec/clr/v2p0/context(?:-2\.\d+\.\d+)?\.json"
)

OB_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CLR_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
ONE_EDTECH_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"

ACHIEVEMENT_CREDENTIAL_TYPES = ("AchievementCredential", "OpenBadgeCredential")
ENDORSEMENT_CREDENTIAL = "EndorsementCredential"
CLR_CREDENTIAL = "ClrCredential"

#: Credential types whose rules :func:`validate_openbadge` knows.
OPENBADGE_FAMILY = frozenset(
    {*ACHIEVEMENT_CREDENTIAL_TYPES, ENDORSEMENT_CREDENTIAL, CLR_CREDENTIAL}
)
