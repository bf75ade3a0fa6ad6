"""The hosting-order state machines as tables with one gate (domain/hosting_orders/transitions.py).

Every allowed edge passes, every other pair raises, and the table is what the code uses: no
module assigns a hosting-order state itself, and a run through every kind of order changes
states only inside the gate."""

from __future__ import annotations

import ast
import textwrap
from itertools import product
from pathlib import Path

import pytest

import mock_server
from mock_server.domain.hosting_orders import transitions
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    HostingOrderType,
    LoaType,
    StepProgress,
)
from mock_server.domain.hosting_orders.transitions import (
    NUMBER_EDGES,
    ORDER_EDGES,
    STEP_EDGES,
    IllegalTransition,
    move_carrier,
    move_number,
    move_order,
    move_step,
)
from mock_server.domain.outcomes import CarrierFailure
from mock_server.domain.provisioning import CarrierState, State
from mock_server.scenarios import apply_scenario, parse_text
from tests.conftest import START
from tests.hosting_support import (
    DLC,
    PROJECT,
    TOLL_FREE,
    import_order,
    magic,
    run_to_end,
    text_enable_order,
)

O = HostingOrderState
LATER = START.replace(hour=10)


def an_order(state: HostingOrderState = O.SUBMITTED) -> HostingOrder:
    return HostingOrder(hosting_order_id="01ORDER", project_id=PROJECT, type=HostingOrderType.IMPORT, state=state,
                        region_code="US", service_plan_id="plan", created_time=START, updated_time=START)


def a_number(hosting: State = State.WAITING) -> HostingOrderNumber:
    return HostingOrderNumber(phone_number=DLC[0], hosting=hosting, updated_time=START)


# --- the tables -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("start", "to"), list(ORDER_EDGES))
def test_every_order_edge_passes_and_moves_the_update_time(start, to):
    order = an_order(start)
    move_order(order, to, LATER)
    assert (order.state, order.updated_time) == (to, LATER)


@pytest.mark.parametrize(("start", "to"), [p for p in product(O, O) if p not in ORDER_EDGES])
def test_every_other_order_move_raises_and_changes_nothing(start, to):
    order = an_order(start)
    with pytest.raises(IllegalTransition, match=f"{start.value} -> {to.value}"):
        move_order(order, to, LATER)
    assert (order.state, order.updated_time) == (start, START)


def test_the_order_table_has_the_documented_edges():
    assert set(ORDER_EDGES) == {
        (O.SUBMITTED, O.WAITING_FOR_LOA_SIGNATURE), (O.SUBMITTED, O.IN_PROGRESS), (O.SUBMITTED, O.REJECTED),
        (O.WAITING_FOR_LOA_SIGNATURE, O.IN_PROGRESS), (O.WAITING_FOR_LOA_SIGNATURE, O.REJECTED),
        (O.IN_PROGRESS, O.COMPLETED), (O.IN_PROGRESS, O.REJECTED),
    }
    finals = {O.COMPLETED, O.REJECTED}
    assert not [edge for edge in ORDER_EDGES if edge[0] in finals], "a final state has no way out"


@pytest.mark.parametrize(("start", "to"), list(NUMBER_EDGES))
def test_every_number_edge_passes(start, to):
    number = a_number(start)
    move_number(an_order(), number, to, LATER, failure_code="INVALID_NNID")
    assert (number.hosting, number.updated_time) == (to, LATER)
    assert number.failure_code == ("INVALID_NNID" if to is State.FAILED else "")


@pytest.mark.parametrize(("start", "to"), [p for p in product(State, State) if p not in NUMBER_EDGES])
def test_every_other_number_move_raises(start, to):
    number = a_number(start)
    with pytest.raises(IllegalTransition):
        move_number(an_order(), number, to, LATER)
    assert (number.hosting, number.updated_time) == (start, START)


@pytest.mark.parametrize(("start", "to"), list(STEP_EDGES))
def test_every_step_edge_passes(start, to):
    step = StepProgress(state=start, update_time=START)
    code = "CAMPAIGN_EXPIRED" if to is State.FAILED else ""
    move_step(an_order(), a_number(), step, to, LATER, failure_code=code)
    assert (step.state, step.update_time, step.failure_code) == (to, LATER, code)


@pytest.mark.parametrize(("start", "to"), [
    (State.WAITING, State.DONE), (State.WAITING, State.FAILED), (State.DONE, State.IN_PROGRESS),
    (State.FAILED, State.DONE), (State.DONE, State.DONE), (State.STATE_UNSPECIFIED, State.IN_PROGRESS),
    (State.IN_PROGRESS, State.WAITING),
])
def test_a_sample_of_forbidden_step_moves_raises(start, to):
    step = StepProgress(state=start, update_time=START)
    with pytest.raises(IllegalTransition):
        move_step(an_order(), a_number(), step, to, LATER)
    assert step.state is start


@pytest.mark.parametrize(("start", "to"), list(STEP_EDGES))
def test_every_carrier_edge_passes_and_says_how_it_failed(start, to):
    carrier = CarrierState(state=start, update_time=START)
    failure = CarrierFailure("60135", "T-Mobile rejected it (error 60135)") if to is State.FAILED else None
    move_carrier(an_order(), a_number(), "smsTmo", carrier, to, LATER, failure=failure)
    assert (carrier.state, carrier.update_time) == (to, LATER)
    assert (carrier.error_code, carrier.error_message) == ((failure.error_code, failure.message) if failure else ("", ""))


def test_a_carrier_entry_cannot_finish_before_it_starts():
    carrier = CarrierState(state=State.WAITING, update_time=START)
    with pytest.raises(IllegalTransition, match="carrier entry smsAtt"):
        move_carrier(an_order(), a_number(), "smsAtt", carrier, State.DONE, LATER)


def test_the_lifecycle_refuses_to_restart_a_finished_order(world):
    order = run_to_end(world, import_order(world, [DLC[0]]))
    assert order.state is O.COMPLETED
    with pytest.raises(IllegalTransition):
        world.hosting_orders.lifecycle.start(order)
    assert order.state is O.COMPLETED


# --- the table is what the code uses ------------------------------------------------------------------
GATE = Path(transitions.__file__).resolve()
ROOT = Path(mock_server.__file__).resolve().parent
GATED_FIELDS = {"state", "hosting"}


def _touches_hosting_orders(path: Path, tree: ast.Module) -> bool:
    if path.parent.name == "hosting_orders" and path.parent.parent.name == "domain":
        return True
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mock_server.domain.hosting_orders.")
               and not node.module.endswith((".holding", ".requests"))
               for node in ast.walk(tree))


def _state_assignments(tree: ast.Module) -> list[int]:
    """Lines that assign `<anything>.state`/`.hosting` (plain, tuple or augmented) or setattr it."""
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in GATED_FIELDS):
            lines.append(node.lineno)
        lines += [t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr in GATED_FIELDS]
    return lines


def test_no_module_that_handles_hosting_orders_assigns_a_state_itself():
    offenders = []
    checked = 0
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        if path == GATE or not _touches_hosting_orders(path, tree):
            continue
        checked += 1
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _state_assignments(tree)]
    assert checked >= 10  # the package, the HTTP layer, the preloader, the console, ...
    assert offenders == [], "assign hosting-order states through domain/hosting_orders/transitions.py"


def test_the_scan_finds_a_direct_assignment():
    tree = ast.parse("order.state = HostingOrderState.COMPLETED\nnumber.hosting, x = State.DONE, 1\n")
    assert _state_assignments(tree) == [1, 2]


@pytest.fixture
def gate_watch(monkeypatch):
    """Records every change of a hosting-order state made outside the gate."""
    inside: list[bool] = []
    bypasses: list[str] = []
    enter = transitions._enter

    def gated_enter(*args, **kwargs):
        inside.append(True)
        try:
            return enter(*args, **kwargs)
        finally:
            inside.pop()

    def watch(cls):
        original = cls.__setattr__

        def setattr_watched(self, name, value):
            if name in GATED_FIELDS and not inside and getattr(self, name, value) != value:
                bypasses.append(f"{cls.__name__}.{name} = {value}")
            original(self, name, value)

        monkeypatch.setattr(cls, "__setattr__", setattr_watched)

    monkeypatch.setattr(transitions, "_enter", gated_enter)
    for cls in (HostingOrder, HostingOrderNumber, StepProgress, CarrierState):
        watch(cls)
    return bypasses


def test_the_watch_sees_a_bypass(gate_watch):
    order = an_order()
    order.state = O.IN_PROGRESS
    assert gate_watch == ["HostingOrder.state = HostingOrderState.IN_PROGRESS"]


def test_every_kind_of_order_changes_state_only_through_the_gate(world, gate_watch):
    orders = [
        import_order(world, [DLC[0], magic("10"), magic("12"), magic("23")]),  # steps succeed and fail
        import_order(world, [magic("11")]),  # every number fails: REJECTED
        import_order(world, [TOLL_FREE[0]]),  # TFN_NOT_ALLOWED at campaign linking
        text_enable_order(world, [DLC[1]], LoaType.BLANKET),
        text_enable_order(world, [TOLL_FREE[1]], toll_free=True),
        text_enable_order(world, ["+12025550134"]),
    ]
    declined = text_enable_order(world, [magic("30")])
    world.hosting_orders.decline_loa(PROJECT, declined.hosting_order_id)
    for order in orders:
        run_to_end(world, order)
        if order.state is O.WAITING_FOR_LOA_SIGNATURE:
            world.hosting_orders.sign_loa(PROJECT, order.hosting_order_id)
            run_to_end(world, order)
    assert [o.state for o in orders] == [O.COMPLETED, O.REJECTED, O.REJECTED, O.COMPLETED, O.COMPLETED, O.COMPLETED]
    assert declined.state is O.REJECTED
    apply_scenario(world, parse_text(textwrap.dedent("""
        projects:
          - id: p
            hosting_orders:
              - {number: "+12065552000", service_plan: plan, state: completed}
              - {type: text_enable, number: "+12065552001", service_plan: plan, campaign: C1, state: rejected}
              - {type: text_enable, number: "+12065552002", service_plan: plan, campaign: C1, state: in_progress}
        """), "t.yaml", default_name="t"), "t.yaml")
    assert gate_watch == []
