"""The Open Badges 3.0 class tables (1EdTech's OB 3.0 data model, shared with CLR 2.0).

Multiplicities follow the normative model: ``required`` is ``[1]`` or ``[1..*]``,
``many`` is ``[0..*]``.  Rules the tables cannot express are the ``*_extra`` functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from microcred.core.documents.constants import (
    ACHIEVEMENT_CREDENTIAL_TYPES,
    ENDORSEMENT_CREDENTIAL,
    OB_CONTEXT,
    OB_CONTEXT_PATTERN,
    VC1_CONTEXT,
)
from microcred.core.documents.issues import Collector, each, join_path
from microcred.core.documents.schema import ClassRule, Extra, Prop, Vocabulary
from microcred.core.documents.values import describe

_IDENTITY_HASH = re.compile(r"sha256\$[0-9A-Fa-f]{64}|md5\$[0-9A-Fa-f]{32}")


def _vocabulary(name: str, terms: str, *, extensible: bool = True) -> Vocabulary:
    return Vocabulary(name, frozenset(terms.split()), extensible)


VOCABULARIES = MappingProxyType(
    {
        v.name: v
        for v in (
            _vocabulary(
                "AchievementType",
                "Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award "
                "Badge BachelorDegree Certificate CertificateOfCompletion Certification "
                "CommunityService Competency Course CoCurricular Degree Diploma DoctoralDegree "
                "Fieldwork GeneralEducationDevelopment JourneymanCertificate LearningProgram "
                "License Membership ProfessionalDoctorate QualityAssuranceCredential "
                "MasterCertificate MasterDegree MicroCredential ResearchDoctorate "
                "SecondarySchoolDiploma",
            ),
            _vocabulary(
                "AlignmentTargetType",
                "ceasn:Competency ceterms:Credential CFItem CFRubric CFRubricCriterion "
                "CFRubricCriterionLevel CTDL",
            ),
            _vocabulary(
                "IdentifierType",
                "name sourcedId systemId productId userName accountId emailAddress "
                "nationalIdentityNumber isbn issn lisSourcedId oneRosterSourcedId sisSourcedId "
                "ltiContextId ltiDeploymentId ltiToolId ltiPlatformId ltiUserId identifier",
            ),
            _vocabulary(
                "ResultType",
                "GradePointAverage LetterGrade Percent PerformanceLevel PredictedScore RawScore "
                "Result RubricCriterion RubricCriterionLevel RubricScore ScaledScore Status",
            ),
            _vocabulary(
                "ResultStatusType",
                "Completed Enrolled Failed InProgress OnHold Provisional Withdrew",
                extensible=False,
            ),
        )
    }
)


def _criteria_extra(node: Mapping[str, Any], path: str, out: Collector) -> None:
    if "id" not in node and "narrative" not in node:
        out.warning(path, "criteria has neither an id nor a narrative; give at least one.")


def _identity_extra(node: Mapping[str, Any], path: str, out: Collector) -> None:
    value = node.get("identityHash")
    if (
        node.get("hashed") is True
        and isinstance(value, str)
        and not _IDENTITY_HASH.fullmatch(value)
    ):
        out.error(
            join_path(path, "identityHash"),
            "identityHash must be sha256$ or md5$ followed by the hexadecimal hash when hashed "
            f"is true; {describe(value)} is not.",
        )


def _subject_extra(node: Mapping[str, Any], path: str, out: Collector) -> None:
    """Either ``id`` or an ``identifier`` names the recipient; results link to the badge."""
    if "id" not in node and not node.get("identifier"):
        out.error(
            path,
            f"{path} needs an id or at least one identifier (an IdentityObject) for the recipient.",
        )
    _check_result_links(node, path, out)


def _check_result_links(node: Mapping[str, Any], path: str, out: Collector) -> None:
    achievement = node.get("achievement")
    known = _by_id(
        achievement.get("resultDescription") if isinstance(achievement, Mapping) else None
    )
    for where, result in each(node.get("result", []), join_path(path, "result")):
        reference = result.get("resultDescription") if isinstance(result, Mapping) else None
        if not isinstance(reference, str):
            continue  # absent, or malformed (which the Result table reports)
        description = known.get(reference)
        if description is None:
            out.warning(
                join_path(where, "resultDescription"),
                f"resultDescription {describe(reference)} names no result description of "
                "the achievement.",
            )
        else:
            _check_result(result, description, where, out)


def _check_result(
    result: Mapping[str, Any], description: Mapping[str, Any], where: str, out: Collector
) -> None:
    if description.get("resultType") == "Status" and "status" not in result:
        out.error(where, "status is missing; a result of a Status result description needs it.")
    level = result.get("achievedLevel")
    if isinstance(level, str) and level not in _by_id(description.get("rubricCriterionLevel")):
        out.warning(
            join_path(where, "achievedLevel"),
            f"achievedLevel {describe(level)} names no rubric criterion level of its result "
            "description.",
        )


def _by_id(value: Any) -> dict[str, Mapping[str, Any]]:
    """The objects among ``value`` that have a string ``id``, by that id."""
    items = value if isinstance(value, list) else [value]
    return {
        item["id"]: item
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    }


def _props(*props: Prop) -> tuple[Prop, ...]:
    return props


def _strings(*names: str) -> tuple[Prop, ...]:
    return tuple(Prop(name) for name in names)


_PERSON_NAME = _strings(
    "givenName",
    "familyName",
    "additionalName",
    "patronymicName",
    "honorificPrefix",
    "honorificSuffix",
    "familyNamePrefix",
)
_ENDORSEMENTS = _props(
    Prop("endorsement", "embedded:EndorsementCredential", many=True),
    Prop("endorsementJwt", "jws", many=True),
)

CLASSES = MappingProxyType(
    {
        rule.name: rule
        for rule in (
            ClassRule(
                "Profile",
                _props(
                    Prop("id", "uri", required=True),
                    Prop("url", "uri"),
                    Prop("image", "class:Image"),
                    Prop("address", "class:Address"),
                    Prop("otherIdentifier", "class:IdentifierEntry", many=True),
                    Prop("parentOrg", "class:Profile"),
                    Prop("dateOfBirth", "date"),
                    *_strings("name", "phone", "description", "email", "official"),
                    *_PERSON_NAME,
                    *_ENDORSEMENTS,
                ),
                types=(("Profile",),),
            ),
            ClassRule(
                "Address",
                _props(
                    Prop("geo", "class:GeoCoordinates"),
                    *_strings(
                        "addressCountry",
                        "addressCountryCode",
                        "addressRegion",
                        "addressLocality",
                        "streetAddress",
                        "postOfficeBoxNumber",
                        "postalCode",
                    ),
                ),
                types=(("Address",),),
            ),
            ClassRule(
                "GeoCoordinates",
                _props(Prop("latitude", "number", True), Prop("longitude", "number", True)),
                types=(("GeoCoordinates",),),
                exact=True,
            ),
            ClassRule(
                "Image",
                _props(Prop("id", "uri", True), Prop("caption")),
                types=(("Image",),),
                exact=True,
            ),
            ClassRule(
                "IdentifierEntry",
                _props(
                    Prop("identifier", required=True),
                    Prop("identifierType", "enum:IdentifierType", True),
                ),
                types=(("IdentifierEntry",),),
                exact=True,
            ),
            ClassRule(
                "IdentityObject",
                _props(
                    Prop("hashed", "boolean", True),
                    Prop("identityHash", required=True),
                    Prop("identityType", "enum:IdentifierType", True),
                    Prop("salt"),
                ),
                types=(("IdentityObject",),),
                exact=True,
                additional=_identity_extra,
            ),
            ClassRule(
                "Criteria",
                _props(Prop("id", "uri"), Prop("narrative")),
                additional=_criteria_extra,
            ),
            ClassRule(
                "Alignment",
                _props(
                    Prop("targetName", required=True),
                    Prop("targetUrl", "uri", True),
                    Prop("targetType", "enum:AlignmentTargetType"),
                    *_strings("targetCode", "targetDescription", "targetFramework"),
                ),
                types=(("Alignment",),),
            ),
            ClassRule(
                "Related",
                _props(Prop("id", "uri", True), Prop("inLanguage", "language"), Prop("version")),
                types=(("Related",),),
            ),
            ClassRule(
                "RubricCriterionLevel",
                _props(
                    Prop("id", "uri", True),
                    Prop("name", required=True),
                    Prop("alignment", "class:Alignment", many=True),
                    *_strings("description", "level", "points"),
                ),
                types=(("RubricCriterionLevel",),),
            ),
            ClassRule(
                "ResultDescription",
                _props(
                    Prop("id", "uri", True),
                    Prop("name", required=True),
                    Prop("resultType", "enum:ResultType", True),
                    Prop("alignment", "class:Alignment", many=True),
                    Prop("allowedValue", many=True),
                    Prop("requiredLevel", "uri"),
                    Prop("rubricCriterionLevel", "class:RubricCriterionLevel", many=True),
                    *_strings("requiredValue", "valueMax", "valueMin"),
                ),
                types=(("ResultDescription",),),
            ),
            ClassRule(
                "Result",
                _props(
                    Prop("achievedLevel", "uri"),
                    Prop("alignment", "class:Alignment", many=True),
                    Prop("resultDescription", "uri"),
                    Prop("status", "enum:ResultStatusType"),
                    Prop("value"),
                ),
                types=(("Result",),),
            ),
            ClassRule(
                "Evidence",
                _props(
                    Prop("id", "uri"),
                    *_strings("narrative", "name", "description", "genre", "audience"),
                ),
                types=(("Evidence",),),
            ),
            ClassRule(
                "Achievement",
                _props(
                    Prop("id", "uri", True),
                    Prop("name", required=True),
                    Prop("description", required=True),
                    Prop("criteria", "class:Criteria", True),
                    Prop("achievementType", "enum:AchievementType"),
                    Prop("alignment", "class:Alignment", many=True),
                    Prop("creator", "class:Profile"),
                    Prop("creditsAvailable", "number"),
                    Prop("image", "class:Image"),
                    Prop("inLanguage", "language"),
                    Prop("otherIdentifier", "class:IdentifierEntry", many=True),
                    Prop("related", "class:Related", many=True),
                    Prop("resultDescription", "class:ResultDescription", many=True),
                    Prop("tag", many=True),
                    *_strings("fieldOfStudy", "humanCode", "specialization", "version"),
                    *_ENDORSEMENTS,
                ),
                types=(("Achievement",),),
            ),
            ClassRule(
                "AchievementSubject",
                _props(
                    Prop("id", "uri"),
                    Prop("achievement", "class:Achievement", True),
                    Prop("identifier", "class:IdentityObject", many=True),
                    Prop("activityStartDate", "date-or-datetime"),
                    Prop("activityEndDate", "date-or-datetime"),
                    Prop("creditsEarned", "number"),
                    Prop("image", "class:Image"),
                    Prop("result", "class:Result", many=True),
                    Prop("source", "class:Profile"),
                    *_strings("licenseNumber", "narrative", "role", "term"),
                ),
                types=(("AchievementSubject",),),
                additional=_subject_extra,
            ),
            ClassRule(
                "EndorsementSubject",
                _props(Prop("id", "uri", True), Prop("endorsementComment")),
                types=(("EndorsementSubject",),),
            ),
            # OB 3.0 requires an id on status and refresh service objects (VC 2.0 does not).
            ClassRule("CredentialStatus", _props(Prop("id", "uri", True))),
            ClassRule("RefreshService", _props(Prop("id", "uri", True))),
        )
    }
)

#: Properties every OB 3.0 / CLR 2.0 credential shares (the ``VerifiableCredential`` class).
CREDENTIAL_PROPS = _props(
    Prop("id", "uri", True),
    Prop("issuer", "profile-ref", True),
    Prop("description"),
    Prop("image", "class:Image"),
    Prop("awardedDate", "datetimez"),
    Prop("validFrom", "datetimez"),
    Prop("validUntil", "datetimez"),
    Prop("credentialStatus", "class:CredentialStatus", many=True, compact=True),
    Prop("refreshService", "class:RefreshService", many=True, compact=True),
)


def second_context_rule(pattern: re.Pattern[str], url: str, label: str) -> Extra:
    """A rule: ``@context`` lists ``label``'s context second, after the VC base context."""

    def rule(node: Mapping[str, Any], path: str, out: Collector) -> None:
        second = listed(node.get("@context"))[1:2]
        if not (second and isinstance(second[0], str) and pattern.fullmatch(second[0])):
            out.error(
                join_path(path, "@context"),
                f"@context must list the {label} context (such as {url}) second, right after "
                f"the VC base context; the second entry is {describe(next(iter(second), None))}.",
            )

    return rule


def listed(value: Any) -> list[Any]:
    """A list value itself, or a single value as a one-item list."""
    return value if isinstance(value, list) else [value]


def require_valid_from(node: Mapping[str, Any], path: str, out: Collector) -> None:
    """``validFrom`` is required (VC 1.1 based credentials have ``issuanceDate`` instead)."""
    if listed(node.get("@context"))[:1] != [VC1_CONTEXT] and "validFrom" not in node:
        out.error(join_path(path, "validFrom"), "validFrom is missing; it is required here.")


_OB_CONTEXT_RULE = second_context_rule(OB_CONTEXT_PATTERN, OB_CONTEXT, "Open Badges 3.0")


def _achievement_credential(node: Mapping[str, Any], path: str, out: Collector) -> None:
    _OB_CONTEXT_RULE(node, path, out)
    require_valid_from(node, path, out)
    if "name" not in node:
        out.warning(
            join_path(path, "name"),
            "name is missing; wallets show it in their lists of credentials.",
        )


def _endorsement_credential(node: Mapping[str, Any], path: str, out: Collector) -> None:
    _OB_CONTEXT_RULE(node, path, out)
    require_valid_from(node, path, out)


CREDENTIAL_CLASSES = MappingProxyType(
    {
        rule.name: rule
        for rule in (
            ClassRule(
                "AchievementCredential",
                (
                    *CREDENTIAL_PROPS,
                    Prop("name"),
                    Prop("credentialSubject", "class:AchievementSubject", True),
                    Prop("evidence", "class:Evidence", many=True),
                    *_ENDORSEMENTS,
                ),
                types=(("VerifiableCredential",), ACHIEVEMENT_CREDENTIAL_TYPES),
                additional=_achievement_credential,
            ),
            ClassRule(
                ENDORSEMENT_CREDENTIAL,
                (
                    *CREDENTIAL_PROPS,
                    Prop("name", required=True),
                    Prop("credentialSubject", "class:EndorsementSubject", True),
                ),
                types=(("VerifiableCredential",), (ENDORSEMENT_CREDENTIAL,)),
                additional=_endorsement_credential,
            ),
        )
    }
)
