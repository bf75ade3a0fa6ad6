"""The JSON of a qualified number (`QualifiedNumber`) and of the voice challenge the control
plane shows (`GET /_mock/projects/{projectId}/qualifiedNumbers/{phoneNumber}/voiceChallenge`)."""

from __future__ import annotations

from mock_server.core.timefmt import rfc3339
from mock_server.domain.qualified_numbers.model import QualifiedNumber, StepDetail, VoiceChallenge


def _step_json(step: StepDetail) -> dict:
    return {"status": step.status.value, "error": step.error}


def qualified_number_json(number: QualifiedNumber) -> dict:
    """The spec's `QualifiedNumber`, every field present."""
    return {
        "phoneNumber": number.phone_number,
        "projectId": number.project_id,
        "regionCode": number.region_code,
        "globalProcessState": number.state.value,
        "osrEligibility": _step_json(number.osr_eligibility),
        "ownershipVerification": _step_json(number.ownership_verification),
        "hostedNumber": {"status": number.hosted_number.status, "error": number.hosted_number.error},
        "createdTime": rfc3339(number.created_time),
        "updatedTime": rfc3339(number.updated_time),
    }


def voice_challenge_json(challenge: VoiceChallenge) -> dict:
    return {"code": challenge.code, "expiresAt": rfc3339(challenge.expires_at),
            "attemptsLeft": challenge.attempts_left, "sentAt": rfc3339(challenge.sent_at)}


def qualified_number_with_challenge_json(number: QualifiedNumber) -> dict:
    """What the console shows of a number: the `QualifiedNumber` and its `voiceChallenge` (null
    until one was sent)."""
    challenge = number.voice_challenge
    return {**qualified_number_json(number),
            "voiceChallenge": voice_challenge_json(challenge) if challenge else None}
