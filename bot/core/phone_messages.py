"""What an outbox row to the ``sms`` or ``voice`` platform says: a template and its values.

Providers only deliver approved templates, so such a row carries no free text: its reply text
is a JSON document naming the template (a key of ``platforms.sms.templates`` /
``platforms.voice.templates``), its parameter values and the phone number. The row's address
is the person (``u<user id>``), so the number appears in no target, list or audit row; the
per-person rate limit of the platform is the per-phone one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core import phones
from bot.core.messages import Reply, Target

SMS = "sms"
VOICE = "voice"
PLATFORMS = (SMS, VOICE)


@dataclass(frozen=True, slots=True)
class PhoneMessage:
    """A templated SMS or call to one number.

    Attributes:
        phone: The number in the plain form of :func:`bot.core.phones.normalize`.
        template: The template's name in config.
        params: Parameter name → value.
    """

    phone: str
    template: str
    params: dict[str, str]

    def to_reply(self) -> Reply:
        """The outbox row's reply (its text is this message as JSON)."""
        document = {"phone": self.phone, "template": self.template, "params": self.params}
        return Reply(json.dumps(document, ensure_ascii=False, sort_keys=True))

    @classmethod
    def from_reply(cls, reply: Reply) -> PhoneMessage:
        """The message a row carries.

        Raises:
            ValueError: the row was not written by :meth:`to_reply` (Chinese message).
        """
        try:
            document = json.loads(reply.text)
            params = {str(k): str(v) for k, v in dict(document["params"]).items()}
            return cls(str(document["phone"]), str(document["template"]), params)
        except (ValueError, KeyError, TypeError):
            raise ValueError(
                "短信/语音行的内容不是模板消息（应含 phone、template、params）"
            ) from None


def address(user_id: int) -> str:
    """The outbox address of a person on a phone platform."""
    return f"u{user_id}"


def target(platform: str, user_id: int) -> Target:
    """The outbox target of a person on ``sms`` or ``voice``."""
    return Target(platform, address(user_id))


def e164(phone: str, platform: str) -> str:
    """``phone`` as the provider dials it (``+86…``).

    Raises:
        ValueError: not a number the platform can reach: SMS goes to mobiles only; a call also
            to a landline without extension (Chinese message).
    """
    plain = phones.normalize(phone)
    if plain.isdigit():  # a mobile number
        return "+86" + plain
    if platform == SMS:
        raise ValueError("短信只能发往手机号，通讯录中是固定电话")
    area, _, rest = plain.partition("-")
    if "-" in rest:
        raise ValueError("带分机的固定电话无法接收语音通知")
    return "+86" + area[1:] + rest
