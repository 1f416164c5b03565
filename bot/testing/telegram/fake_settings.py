"""The local Bot API server's bot-settings methods: getMe, setMyCommands, setWebhook,
deleteWebhook and answerCallbackQuery (what a bot calls about itself rather than to a chat)."""

from __future__ import annotations

from bot.testing.telegram.fake_rules import ApiReply
from bot.testing.telegram.fake_updates import Json


class BotSettings:
    """Mixin of :class:`~bot.testing.telegram.fake_bot_api.FakeBotApi`: the bot's identity,
    its slash menu, its webhook and the answers to button presses."""

    bot_id: int
    username: str
    updates: list[Json]

    def __init__(self) -> None:
        super().__init__()
        self.webhook: Json | None = None
        self.commands: list[Json] = []
        self.answers: list[tuple[str, str | None]] = []

    async def api_getMe(self, params: Json) -> Json:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "值班助手",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def api_answerCallbackQuery(self, params: Json) -> bool:
        self.answers.append((str(params["callback_query_id"]), params.get("text")))
        return True

    async def api_setMyCommands(self, params: Json) -> bool:
        if len(params["commands"]) > 100:  # the Bot API's own limit
            raise ApiReply(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in params["commands"]:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise ApiReply(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiReply(400, "Bad Request: command description is empty")
        self.commands = list(params["commands"])
        return True

    async def api_setWebhook(self, params: Json) -> bool:
        secret = str(params.get("secret_token", ""))
        if secret and not secret.replace("_", "").replace("-", "").isalnum():
            raise ApiReply(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": params["url"], "secret_token": secret}
        return True

    async def api_deleteWebhook(self, params: Json) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True
