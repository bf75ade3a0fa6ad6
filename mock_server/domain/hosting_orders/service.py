"""Rules of hosting orders: creating import and text-enable orders, reading them, and the LOA.

Every operation validates the whole request before it writes anything, so a refused request
creates nothing. The timed part lives in `lifecycle`, the signature in
`letters_of_authorization`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.core.errors import not_found
from mock_server.core.paging import Page
from mock_server.core.phone import PhoneNumber
from mock_server.core.rng import Purpose
from mock_server.domain.hosting_orders import validation
from mock_server.domain.hosting_orders.letters_of_authorization import LettersOfAuthorization
from mock_server.domain.hosting_orders.lifecycle import HostingOrderLifecycle
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderReport,
    HostingOrderType,
    LoaStatus,
    StepProgress,
    fresh_carriers,
)
from mock_server.domain.hosting_orders.queries import NumberFilter, OrderFilter, numbers_page, orders_page
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest, TextEnableRequest
from mock_server.domain.provisioning import State
from mock_server.domain.service_plans import check_service_plan

if TYPE_CHECKING:
    from mock_server.domain.world import World


class HostingOrderService:
    def __init__(self, world: "World") -> None:
        self.world = world
        self.lifecycle = HostingOrderLifecycle(world)
        self.letters = LettersOfAuthorization(world, self.lifecycle)

    # --- limits ---------------------------------------------------------------------------
    def import_limit(self, project_id: str) -> int:
        own = self.world.view(project_id).limits.import_order_numbers
        return own if own is not None else self.world.settings.limits.import_order_numbers

    # --- creating orders ------------------------------------------------------------------
    def import_numbers(self, project_id: str, request: ImportNumbersRequest) -> HostingOrder:
        """`hostingOrders:importNumbers`: an IMPORT order, SUBMITTED."""
        region = self._region_and_plan(project_id, request)
        limit = self.import_limit(project_id)
        numbers = validation.numbers(request.numbers, region, limit=limit,
                                     limit_name="the project's import order limit")
        validation.free_to_host(self.world, project_id, [n.e164 for n in numbers])
        return self._create(project_id, HostingOrderType.IMPORT, request, region, numbers,
                            migrate_to_sinch_tmo=request.migrate_to_sinch_tmo, nnid=self.world.settings.default_nnid)

    def text_enable(self, project_id: str, request: TextEnableRequest) -> HostingOrder:
        """Both text-enable entry points (10DLC and toll-free): a TYPE_TEXT_ENABLE order."""
        region = self._region_and_plan(project_id, request)
        validation.campaign(request, region)
        letter = validation.letter_of_authorization(request)
        numbers = validation.numbers(request.numbers, region, limit=self.world.settings.limits.text_enable_numbers,
                                     limit_name="the text-enable limit")
        if request.toll_free:
            validation.only_toll_free(numbers)
        else:
            validation.not_toll_free(numbers)
        phones = [n.e164 for n in numbers]
        validation.qualified(self.world, project_id, phones)
        validation.free_to_host(self.world, project_id, phones)
        self.letters.check_blanket_on_file(project_id, letter)
        validation.verified(self.world, project_id, phones, region)

        nnid = request.nnid or self.world.settings.default_nnid
        text_enable_info = letter.model_copy(deep=True, update={
            "nnid": nnid,
            "status": LoaStatus.PENDING if letter.loa_type.needs_signature else LoaStatus.NOT_REQUIRED,
        })
        scheduled = request.scheduled_zipwhip_provisioning_time if request.toll_free else request.scheduled_osr_update_time
        order = self._create(
            project_id, HostingOrderType.TEXT_ENABLE, request, region, numbers,
            nnid=nnid,
            toll_free=request.toll_free,
            text_enable_info=text_enable_info,
            scheduled_osr_update_time=scheduled,
            scheduled_zipwhip_provisioning_time=request.scheduled_zipwhip_provisioning_time if request.toll_free else None,
        )
        self.world.qualified_numbers.begin_hosting(project_id, phones, order.hosting_order_id)
        return order

    def _region_and_plan(self, project_id: str, request: ImportNumbersRequest | TextEnableRequest) -> str:
        """The checks every order starts with: its region, then its service plan."""
        region = validation.region_code(request.region_code)
        check_service_plan(self.world, project_id, request.service_plan_id, "servicePlanId")
        return region

    def _create(self, project_id: str, order_type: HostingOrderType, request: ImportNumbersRequest | TextEnableRequest,
                region: str, numbers: list[PhoneNumber], **fields: object) -> HostingOrder:
        """A SUBMITTED order of `numbers`, holding them; `fields` are those of its kind alone."""
        fields |= {"region_code": region, "service_plan_id": request.service_plan_id,
                   "campaign_id": request.campaign_id, "display_name": request.display_name,
                   "callback_url": request.callback_url}
        now = self.world.clock.now()
        project = self.world.project(project_id)
        ids = self.world.rng.stream(Purpose.HOSTING_ORDER_IDS, project_id)
        order_id = ids.ulid(now)
        while order_id in project.hosting_orders:
            order_id = ids.ulid(now)
        campaign = bool(fields.get("campaign_id"))
        order = HostingOrder(
            hosting_order_id=order_id,
            project_id=project_id,
            type=order_type,
            created_time=now,
            updated_time=now,
            numbers={
                n.e164: HostingOrderNumber(
                    phone_number=n.e164,
                    position=index,
                    toll_free=n.toll_free,
                    nnid=str(fields["nnid"]),
                    osr_update=StepProgress(update_time=now),
                    platform_provisioning=StepProgress(update_time=now),
                    campaign_provisioning=StepProgress(
                        state=State.WAITING if campaign else State.STATE_UNSPECIFIED, update_time=now),
                    carriers=fresh_carriers(now),
                    updated_time=now,
                )
                for index, n in enumerate(numbers)
            },
            **fields,  # type: ignore[arg-type]
        )
        project.hosting_orders[order_id] = order
        for phone in order.numbers:
            project.running_order_by_number[phone] = order_id
        self.lifecycle.submit(order)
        return order

    # --- reading --------------------------------------------------------------------------
    def get(self, project_id: str, hosting_order_id: str) -> HostingOrder:
        order = self.world.view(project_id).hosting_orders.get(hosting_order_id)
        if order is None:
            raise not_found(f"The hosting order {hosting_order_id} could not be found")
        return order

    def list(self, project_id: str, flt: OrderFilter, *, order_by: str, page_size: int,
             page_token: str | None) -> Page[HostingOrder]:
        orders = self.world.view(project_id).hosting_orders  # a read creates no project
        return orders_page(project_id, orders, flt, order_by=order_by, page_size=page_size,  # type: ignore[arg-type]
                           page_token=page_token)

    def report(self, project_id: str, hosting_order_id: str) -> HostingOrderReport:
        return HostingOrderReport.of(self.get(project_id, hosting_order_id))

    def list_numbers(self, project_id: str, hosting_order_id: str, flt: NumberFilter, *, order_by: str,
                     page_size: int, page_token: str | None) -> Page[HostingOrderNumber]:
        return numbers_page(self.get(project_id, hosting_order_id), flt, order_by=order_by, page_size=page_size,
                            page_token=page_token)

    def get_number(self, project_id: str, hosting_order_id: str, phone: str) -> HostingOrderNumber:
        order = self.get(project_id, hosting_order_id)
        number = order.numbers.get(phone)
        if number is None:
            raise not_found(f"The number {phone} is not in the hosting order {hosting_order_id}")
        return number

    # --- the Letter of Authorization (control plane) --------------------------------------
    def sign_loa(self, project_id: str, hosting_order_id: str) -> HostingOrder:
        return self.letters.sign(self.get(project_id, hosting_order_id))

    def decline_loa(self, project_id: str, hosting_order_id: str) -> HostingOrder:
        return self.letters.decline(self.get(project_id, hosting_order_id))

    def set_blanket_loa(self, project_id: str, approved: bool) -> None:
        self.letters.set_blanket(project_id, approved)

    def approve_blanket_loa(self, project_id: str) -> None:
        self.set_blanket_loa(project_id, True)

