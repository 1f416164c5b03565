"""What the SMS and voice adapters of every provider share: a row's template message checked
against the configured template before any request, and the callback route for replies and key
presses (bot/adapters/sms/callbacks.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config.platforms import PhonePlatformConfig, PhoneTemplate
from bot.core import phone_messages
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.core.phone_messages import PhoneMessage

if TYPE_CHECKING:
    from bot.adapters.sms.callbacks import PhoneCallbacks
    from bot.core.dispatcher import Dispatcher


class PhoneAdapter:
    """One phone platform (``sms`` or ``voice``) on one provider; subclasses make the request.

    Args:
        config: The platform's section.
        callbacks: Where the provider's pushes (replies, key presses) are received, if set up.
    """

    platform = ""

    def __init__(
        self, config: PhonePlatformConfig, callbacks: PhoneCallbacks | None = None
    ) -> None:
        self.config = config
        self.callbacks = callbacks

    def is_group(self, address: str) -> bool:
        """A phone is one person."""
        return False

    async def start(self, dispatcher: Dispatcher) -> None:
        """Register the callback route for replies or key presses, when configured."""
        if self.callbacks is not None:
            self.callbacks.start(dispatcher.phone)

    async def stop(self) -> None:
        """No connection is kept between requests."""

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Send the row's template message; returns the provider's serial number or call id.

        Raises:
            DeliveryError: permanent when the row does not fit its template (nothing is sent),
                else as the provider answered.
        """
        try:
            message = PhoneMessage.from_reply(reply)
            number = phone_messages.e164(message.phone, self.platform)
        except ValueError as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        template = self.config.templates.get(message.template)
        if template is None:
            raise DeliveryError(
                f"platforms.{self.platform}.templates 中没有模板「{message.template}」",
                permanent=True,
            )
        if problem := template.misfit(message.params):
            raise DeliveryError(f"不符合模板「{message.template}」：{problem}", permanent=True)
        return await self.request(template, number, message.params)

    async def request(self, template: PhoneTemplate, number: str, params: dict[str, str]) -> str:
        """Ask the provider to text or call ``number`` (``+86…``) with ``template``.

        Raises:
            DeliveryError: as :class:`bot.adapters.sms.refusals.RefusalTable` reads the answer.
        """
        raise NotImplementedError
