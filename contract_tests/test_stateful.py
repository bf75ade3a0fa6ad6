"""Stateful contract tests: schemathesis chains calls along the overlay's OpenAPI links (E-CT-1).

Import a number, then get, patch, list and delete it; qualify numbers, then send and verify
voice challenges; create hosting orders, then get them, their report and their numbers. Every
step runs the same checks as the single-operation tests.

Random strings are rarely valid phone numbers, so a chain would seldom get past its first call.
This schema (and only this one) nudges generation: most cases use one project whose state is
set up before each scenario (VERIFIED qualified numbers, through the API and the control plane),
and bodies often name real numbers. The checks themselves are untouched.
"""

from __future__ import annotations

import copy

import hypothesis
from hypothesis import strategies as st
from starlette.testclient import TestClient

from contract_tests.conftest import make_app
from contract_tests.harness import AUTH_HEADERS, CHECKS, STATEFUL_EXAMPLES, STATEFUL_MAX_STEPS, STATS, _short, load_schema

PROJECT = "contract-stateful"
# Numbers qualified and VERIFIED before every scenario: text-enable orders may take them.
VERIFIED = ["+12025550134", "+12345612345", "+17724295286", "+17724295287"]
TOLL_FREE_VERIFIED = ["+18335870229", "+18339460473"]
# Numbers free for imports, import orders and new qualifications (magic ones fail later on).
FREE = ["+12025550143", "+12025550150", "+13125550111", "+16175550100", "+12065550117", "+14165550123"]
PLAN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
CAMPAIGN = "CSTATE1"
LOA = {
    "authorisedPerson": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
    "address": {"buildingNumber": "1", "street": "Main St", "city": "Springfield", "state": "IL",
                "postalCode": "62701", "country": "US"},
    "currentVoiceCarrier": "Verizon",
}

schema = load_schema(modes="positive")
APP = make_app(seed=99)


def _realistic_body(operation_id: str, body: object, pick: int) -> object:
    """A body for `operation_id` that the mock can accept, derived from the generated one."""
    base = dict(body) if isinstance(body, dict) else {}
    if operation_id == "ImportNumberService_ImportNumber":
        sms = dict(base.get("smsConfiguration") or {}) if isinstance(base.get("smsConfiguration"), dict) else {}
        sms.setdefault("servicePlanId", PLAN)
        if not isinstance(sms.get("servicePlanId"), str) or not sms["servicePlanId"]:
            sms["servicePlanId"] = PLAN
        base.update(phoneNumber=FREE[pick % len(FREE)], regionCode="US", smsConfiguration=sms)
        if not isinstance(base.get("callbackUrl"), str) or not base["callbackUrl"].startswith("http"):
            base.pop("callbackUrl", None)
        return base
    if operation_id == "QualifiedNumberService_BatchCreateQualifiedNumbers":
        return {"phoneNumbers": [FREE[pick % len(FREE)]]}
    if operation_id == "HostingOrderService_ImportNumbers":
        return {"regionCode": "US", "numbers": [FREE[pick % len(FREE)]], "servicePlanId": PLAN,
                "campaignId": CAMPAIGN, "displayName": "stateful import"}
    if operation_id in ("TextEnableNumbers", "QualifiedNumberService_TextEnableNumbers"):
        return {"regionCode": "US", "numbers": [VERIFIED[pick % len(VERIFIED)]], "servicePlanId": PLAN,
                "campaignId": CAMPAIGN, "directLoaInfo": copy.deepcopy(LOA)}
    if operation_id in ("TextEnableTollFreeNumbers", "QualifiedNumbersTextEnableTollFreeNumbers"):
        return {"regionCode": "US", "numbers": [TOLL_FREE_VERIFIED[pick % len(TOLL_FREE_VERIFIED)]],
                "servicePlanId": PLAN, "directLoaInfo": copy.deepcopy(LOA)}
    return body


@schema.hook
def flatmap_case(context, case):
    """Three cases in four go to the prepared project; half of the bodies name real numbers."""
    operation_id = case.operation.definition.raw.get("operationId")

    def nudge(choice: tuple[int, int, bool]):
        project_roll, pick, realistic = choice
        if project_roll < 3 and "projectId" in (case.path_parameters or {}):
            case.path_parameters["projectId"] = PROJECT
        if realistic and case.body is not None and operation_id:
            case.body = _realistic_body(operation_id, case.body, pick)
        return case

    return st.tuples(st.integers(0, 3), st.integers(0, 99), st.booleans()).map(nudge)


class ContractStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        """A fresh state for each scenario: the prepared project's numbers VERIFIED."""
        client = TestClient(APP)  # no `with`: the app's lifespan is schemathesis' to run, once
        numbers = VERIFIED + TOLL_FREE_VERIFIED
        calls = [
            client.post("/_mock/reset"),
            client.post(f"/v1/projects/{PROJECT}/qualifiedNumbers:addNumbers", json={"phoneNumbers": numbers},
                        headers=AUTH_HEADERS),
            client.post("/_mock/clock:advance", json={"seconds": 3600}),
            *(client.post(f"/_mock/projects/{PROJECT}/qualifiedNumbers/{n}:approveInvoices") for n in numbers),
        ]
        failed = [f"{r.request.method} {r.request.url.path}: {r.status_code}" for r in calls if r.status_code != 200]
        assert not failed, f"stateful set-up failed: {failed}"

    def step(self, input):
        __tracebackhide__ = True
        if input.transition is not None and input.is_applied:  # a call fed by a link of the overlay
            STATS.record("stateful-linked", input.case.operation.label, None)
        return super().step(input)

    def get_call_kwargs(self, case):
        return {"app": APP}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        __tracebackhide__ = True
        try:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)
        except BaseException as error:
            STATS.record("stateful", case.operation.label, response.status_code, _short(error))
            raise
        STATS.record("stateful", case.operation.label, response.status_code)


def test_stateful_links_in_process():
    ContractStateMachine.run(settings=hypothesis.settings(
        max_examples=STATEFUL_EXAMPLES,
        stateful_step_count=STATEFUL_MAX_STEPS,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
    ))
